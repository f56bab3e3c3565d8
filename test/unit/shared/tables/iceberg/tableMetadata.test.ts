import { describe, expect, it } from 'vitest';
import { LONG, type StructField } from '../../../../../shared/tables/dataType.js';
import { icebergSchemaOf } from '../../../../../shared/tables/iceberg/icebergSchema.js';
import {
  historyCut,
  newTableMetadata,
  type Snapshot,
  type TableMetadata,
  withoutSnapshots,
  withSnapshot,
} from '../../../../../shared/tables/iceberg/tableMetadata.js';

const COLUMNS: StructField[] = [{ name: 'hour', type: LONG }];
const first = icebergSchemaOf(COLUMNS, null, 0, 0);
const TABLE = newTableMetadata({
  tableUuid: '6f1f6a4e-0000-4000-8000-000000000002',
  location: 'file:///lake/compacted/orders',
  typed: first.typed,
  lastColumnId: first.lastColumnId,
  partitionColumns: ['hour'],
  now: 1,
});
const fileOf = (version: number) => `file:///lake/compacted/orders/metadata/v${version}.metadata.json`;

/** `commits` appends on top of `table`, each replacing the metadata file of the version before. */
function afterCommits(table: TableMetadata, commits: number): TableMetadata {
  let metadata = table;
  for (let version = 1; version <= commits; version++) {
    const snapshot: Snapshot = {
      'snapshot-id': version,
      'sequence-number': version,
      'timestamp-ms': 1 + version,
      'manifest-list': `file:///lake/compacted/orders/metadata/snap-${version}.avro`,
      summary: { operation: 'append' },
      'schema-id': 0,
    };
    metadata = withSnapshot(metadata, snapshot, fileOf(version));
  }
  return metadata;
}

describe('Function: withSnapshot', () => {
  it('keeps the newest 100 earlier metadata files in the log, as Iceberg’s writers do by default', () => {
    // Act
    const metadata = afterCommits(TABLE, 150);

    // Assess
    expect(metadata.snapshots).toHaveLength(150);
    expect(metadata['metadata-log']).toHaveLength(100);
    expect(metadata['metadata-log'][0]?.['metadata-file']).toBe(fileOf(51));
    expect(metadata['metadata-log'].at(-1)?.['metadata-file']).toBe(fileOf(150));
  });

  it('keeps as many as the table’s write.metadata.previous-versions-max says', () => {
    // Prepare
    const table = {
      ...TABLE,
      properties: { ...TABLE.properties, 'write.metadata.previous-versions-max': '3' },
    };

    // Act
    const metadata = afterCommits(table, 10);

    // Assess
    expect(metadata['metadata-log'].map((entry) => entry['metadata-file'])).toEqual([8, 9, 10].map(fileOf));
  });
});

describe('Function: withoutSnapshots', () => {
  it('drops the expired snapshots and the snapshot log up to the last of them, and logs the file it replaces', () => {
    // Prepare
    const table = afterCommits(TABLE, 5);

    // Act
    const metadata = withoutSnapshots(table, new Set([1, 3]), 100, fileOf(5));

    // Assess
    expect(metadata.snapshots.map((snapshot) => snapshot['snapshot-id'])).toEqual([2, 4, 5]);
    expect(metadata['snapshot-log'].map((entry) => entry['snapshot-id'])).toEqual([4, 5]);
    expect(metadata['current-snapshot-id']).toBe(5);
    expect(metadata['last-updated-ms']).toBe(100);
    expect(metadata['metadata-log'].at(-1)?.['metadata-file']).toBe(fileOf(5));
  });
});

describe('Function: historyCut', () => {
  it('tells a table whose oldest snapshots were expired from one whose history is whole', () => {
    // Prepare: afterCommits makes snapshots without parents, so give each its predecessor
    const chained = afterCommits(TABLE, 3);
    const table = {
      ...chained,
      snapshots: chained.snapshots.map((snapshot, index) =>
        index === 0 ? snapshot : { ...snapshot, 'parent-snapshot-id': index },
      ),
    };

    // Act & Assess
    expect(historyCut(table)).toBe(false);
    expect(historyCut(withoutSnapshots(table, new Set([1]), 100, fileOf(3)))).toBe(true);
    expect(historyCut(TABLE)).toBe(false);
  });
});
