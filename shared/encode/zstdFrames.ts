import * as zlib from 'node:zlib';

/**
 * zstd compressors kept between segments. Node frees a zstd compressor's native state (about half a
 * megabyte) only when its object is garbage-collected, and V8 does not count that memory, so a
 * compressor per segment made memory grow with every segment of a batch. A compressor that ends a
 * frame with ZSTD_e_end starts the next segment in a fresh frame, so reusing it is free.
 */
interface FrameCompressor {
  readonly stream: zlib.ZstdCompress;
  chunks: Buffer[];
}

const idle: FrameCompressor[] = [];

/** Compresses `data` into one self-contained zstd frame. */
export async function compressZstdFrame(data: Buffer): Promise<Buffer> {
  const compressor = idle.pop() ?? createCompressor();
  try {
    const frame = await new Promise<Buffer>((resolve, reject) => {
      compressor.stream.once('error', reject);
      compressor.stream.write(data);
      compressor.stream.flush(zlib.constants.ZSTD_e_end, () => {
        compressor.stream.off('error', reject);
        resolve(Buffer.concat(compressor.chunks));
      });
    });
    compressor.chunks = [];
    idle.push(compressor);
    return frame;
  } catch (error) {
    compressor.stream.destroy();
    throw error;
  }
}

function createCompressor(): FrameCompressor {
  if (typeof zlib.createZstdCompress !== 'function') {
    throw new Error(`zstd needs Node.js 22.15 or later; this is ${process.version}. Use gzip or upgrade.`);
  }
  const compressor: FrameCompressor = { stream: zlib.createZstdCompress(), chunks: [] };
  compressor.stream.on('data', (chunk: Buffer) => compressor.chunks.push(chunk));
  return compressor;
}
