import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { TopicConfig } from '../config/schema.js';
import { compressZstdFrame } from './zstdFrames.js';

const gzip = promisify(zlib.gzip);

/**
 * Compresses one segment into a self-contained member: a gzip member or a zstd frame. Members of
 * either format concatenate into a valid stream, which is what lets a sealed object be the plain
 * concatenation of its staged segments.
 */
export async function compressMember(data: Buffer, compression: TopicConfig['compression']): Promise<Buffer> {
  switch (compression) {
    case 'none':
      return data;
    case 'gzip':
      return gzip(data);
    case 'zstd':
      return compressZstdFrame(data);
  }
}
