import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compressMember } from '../../../../shared/encode/compress.js';
import { decompressObject, zstdFrames } from '../../../../shared/encode/decompress.js';

describe('Function: decompressObject', () => {
  it.each([
    ['gzip', '.jsonl.gz'],
    ['zstd', '.jsonl.zst'],
    ['none', '.jsonl'],
  ] as const)('reads every concatenated %s member of an object', async (compression, extension) => {
    // Prepare
    const parts = ['{"a":1}\n', '{"a":2}\n{"a":3}\n', '{"a":4}\n'];
    const members = await Promise.all(parts.map((part) => compressMember(Buffer.from(part), compression)));

    // Act
    const text = decompressObject(`raw/x${extension}`, Buffer.concat(members)).toString();

    // Assess
    expect(text).toBe(parts.join(''));
  });

  it('splits zstd frames of any content, with checksums and skippable frames between them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300_000 }), { minLength: 1, maxLength: 4 }),
        (contents) => {
          // Prepare
          const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
          const frames = contents.map((content) =>
            zlib.zstdCompressSync(content, { params: { [zlib.constants.ZSTD_c_checksumFlag]: 1 } }),
          );

          // Act
          const split = zstdFrames(Buffer.concat(frames.flatMap((frame) => [frame, skippable])));

          // Assess
          expect(split.map((frame) => Buffer.from(frame))).toEqual(frames);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('Function: compressMember with zstd', () => {
  it('gives every concurrent segment a frame of its own that decodes alone, reusing compressors', async () => {
    // Prepare
    const inputs = Array.from({ length: 24 }, (_, index) =>
      Buffer.from(`{"segment":${index}}\n`.repeat(500 + index)),
    );

    // Act
    const first = await Promise.all(inputs.map((input) => compressMember(input, 'zstd')));
    const second = await Promise.all(inputs.map((input) => compressMember(input, 'zstd')));

    // Assess
    for (const [index, frame] of [...first, ...second].entries()) {
      expect(zstdFrames(frame)).toHaveLength(1);
      expect(zlib.zstdDecompressSync(frame).equals(inputs[index % inputs.length] as Buffer)).toBe(true);
    }
  });
});
