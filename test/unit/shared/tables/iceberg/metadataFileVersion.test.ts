import { describe, expect, it } from 'vitest';
import { metadataFileVersion } from '../../../../../shared/tables/iceberg/metadataFileVersion.js';

describe('Function: metadataFileVersion', () => {
  it.each([
    ['compacted/orders/metadata/v12.metadata.json', 12],
    ['compacted/orders/metadata/00012-9b2f0c1e-5d4a-4c1b-8e3f-0a1b2c3d4e5f.metadata.json', 12],
    ['s3://lake/compacted/orders/metadata/00003-ffffffff-ffff-ffff-ffff-ffffffffffff.metadata.json', 3],
  ])('reads the version of %s', (path, version) => {
    // Act & Assess
    expect(metadataFileVersion(path)).toBe(version);
  });

  it.each([
    'compacted/orders/metadata/version-hint.text',
    'compacted/orders/metadata/snap-1-1-9b2f0c1e.avro',
    'compacted/orders/metadata/current.metadata.json',
  ])('gives 0 for %s, which carries no version', (path) => {
    // Act & Assess
    expect(metadataFileVersion(path)).toBe(0);
  });

  it('orders the files of ten versions and more by number, not by name', () => {
    // Prepare
    const files = ['metadata/v9.metadata.json', 'metadata/v10.metadata.json', 'metadata/v1.metadata.json'];

    // Act
    const newestFirst = files.sort((a, b) => metadataFileVersion(b) - metadataFileVersion(a));

    // Assess
    expect(newestFirst).toEqual([
      'metadata/v10.metadata.json',
      'metadata/v9.metadata.json',
      'metadata/v1.metadata.json',
    ]);
  });
});
