import { describe, expect, it } from 'vitest';
import { datedUuid, writtenAt } from '../../../../../shared/tables/iceberg/datedName.js';

describe('Function: datedUuid and writtenAt', () => {
  it('reads back the millisecond a file was named at, whatever surrounds the UUID', () => {
    // Prepare
    const now = Date.UTC(2026, 11, 5, 10, 30, 0, 123);

    // Act
    const uuid = datedUuid(now);

    // Assess
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(writtenAt(`compacted/orders/metadata/snap-42-1-${uuid}.avro`)).toBe(now);
    expect(writtenAt(`compacted/orders/metadata/${uuid}-m0.avro`)).toBe(now);
  });

  it('names two files of the same millisecond apart', () => {
    // Act & Assess
    expect(datedUuid(1)).not.toBe(datedUuid(1));
  });

  it.each([
    [
      'a random (version 4) UUID',
      'compacted/orders/metadata/snap-1-6f1f6a4e-0000-4000-8000-000000000001.avro',
    ],
    ['no UUID at all', 'compacted/orders/metadata/manifest.avro'],
    ['a dated UUID in a folder name only', 'compacted/0190a1b2-0000-7000-8000-000000000000/metadata/m.avro'],
  ])('knows no age for a name with %s', (_case, path) => {
    // Act & Assess
    expect(writtenAt(path)).toBeNull();
  });
});
