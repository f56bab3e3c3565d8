import * as zlib from 'node:zlib';
import { CaptureError } from '../errors.js';

/**
 * zstd compressors kept between segments. Node frees a zstd compressor's native state (about half a
 * megabyte) only when its object is garbage-collected, and V8 does not count that memory, so a
 * compressor per segment made memory grow with every segment of a batch. A compressor that ends a
 * frame with ZSTD_e_end starts the next segment in a fresh frame, so reusing it is free.
 */
interface FrameCompressor {
  readonly stream: zlib.ZstdCompress;
  chunks: Buffer[];
  failed: boolean;
}

/** More idle compressors than segments ever compress at once would only hold memory. */
const MAX_IDLE = 8;
/**
 * Output handed back per callback: a large segment (up to maxSegmentBytes) compresses to a megabyte or
 * more, and at zlib's 16 KiB default each piece is a round trip from the thread pool to the main
 * thread. Small segments fit one piece either way.
 */
const OUTPUT_CHUNK_BYTES = 256 * 1024;
const idle: FrameCompressor[] = [];

/** Compresses `data` into one self-contained zstd frame. */
export async function compressZstdFrame(data: Buffer): Promise<Buffer> {
  const compressor = idle.pop() ?? createCompressor();
  try {
    const frame = await new Promise<Buffer>((resolve, reject) => {
      compressor.stream.once('error', reject);
      compressor.stream.write(data);
      compressor.stream.flush(zlib.constants.ZSTD_e_end, (error?: Error | null) => {
        compressor.stream.off('error', reject);
        if (error) reject(error);
        else resolve(Buffer.concat(compressor.chunks));
      });
    });
    if (data.length > 0 && frame.length === 0)
      throw new CaptureError('zstd compressor produced an empty frame; a fresh compressor may not', {
        retriable: true,
      });
    compressor.chunks = [];
    if (!compressor.failed && !compressor.stream.destroyed && idle.length < MAX_IDLE) idle.push(compressor);
    else compressor.stream.destroy();
    return frame;
  } catch (error) {
    compressor.stream.destroy();
    throw error;
  }
}

function createCompressor(): FrameCompressor {
  if (typeof zlib.createZstdCompress !== 'function') {
    throw new CaptureError(
      `zstd needs Node.js 22.15 or later; this is ${process.version}. Use gzip or upgrade.`,
      { retriable: false },
    );
  }
  const compressor: FrameCompressor = {
    stream: zlib.createZstdCompress({ chunkSize: OUTPUT_CHUNK_BYTES }),
    chunks: [],
    failed: false,
  };
  compressor.stream.on('data', (chunk: Buffer) => compressor.chunks.push(chunk));
  // Always listened to, so an error while idle marks the compressor instead of crashing the process.
  compressor.stream.on('error', () => {
    compressor.failed = true;
  });
  return compressor;
}
