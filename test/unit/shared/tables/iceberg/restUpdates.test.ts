import { describe, expect, it } from 'vitest';
import { JSON_TEXT, LONG, type StructField } from '../../../../../shared/tables/dataType.js';
import {
  icebergSchemaOf,
  JSON_FIELD_IDS_PROPERTY,
} from '../../../../../shared/tables/iceberg/icebergSchema.js';
import { restCommitOf } from '../../../../../shared/tables/iceberg/restUpdates.js';
import {
  newTableMetadata,
  type Snapshot,
  type TableMetadata,
  withoutSnapshots,
  withSchema,
  withSnapshot,
} from '../../../../../shared/tables/iceberg/tableMetadata.js';

const COLUMNS: StructField[] = [
  { name: 'id', type: LONG },
  { name: 'hour', type: LONG },
];
const FILE = 'file:///lake/compacted/orders/metadata/00001-a.metadata.json';

const first = icebergSchemaOf(COLUMNS, null, 0, 0);
const EMPTY = newTableMetadata({
  tableUuid: '6f1f6a4e-0000-4000-8000-000000000001',
  location: 'file:///lake/compacted/orders',
  typed: first.typed,
  lastColumnId: first.lastColumnId,
  partitionColumns: ['hour'],
  now: 1,
});
const snapshotOf = (id: number, sequenceNumber: number, parent?: number): Snapshot => ({
  'snapshot-id': id,
  ...(parent === undefined ? {} : { 'parent-snapshot-id': parent }),
  'sequence-number': sequenceNumber,
  'timestamp-ms': 2,
  'manifest-list': `file:///lake/compacted/orders/metadata/snap-${id}.avro`,
  summary: { operation: 'append' },
  'schema-id': 0,
});

describe('Function: restCommitOf', () => {
  it('appends to a table without snapshots: main must still be missing, then points at the new snapshot', () => {
    // Prepare: Iceberg's own writers record "no snapshot" as -1
    const previous: TableMetadata = { ...EMPTY, 'current-snapshot-id': -1 };
    const next = withSnapshot(EMPTY, snapshotOf(7, 1), FILE);

    // Act
    const { requirements, updates } = restCommitOf(previous, next);

    // Assess
    expect(requirements).toEqual([
      { type: 'assert-table-uuid', uuid: EMPTY['table-uuid'] },
      { type: 'assert-current-schema-id', 'current-schema-id': 0 },
      { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 2 },
      { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null },
    ]);
    expect(updates).toEqual([
      { action: 'add-snapshot', snapshot: snapshotOf(7, 1) },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 7 },
    ]);
  });

  it('adds a grown schema as the current one, with the property naming its JSON fields, and no snapshot', () => {
    // Prepare
    const previous = withSnapshot(EMPTY, snapshotOf(7, 1), FILE);
    const grown = icebergSchemaOf(
      [...COLUMNS, { name: 'note', type: JSON_TEXT }],
      first.typed.schema,
      first.lastColumnId,
      1,
    );
    const next = withSchema(previous, grown.typed, grown.lastColumnId, 3, FILE);

    // Act
    const { requirements, updates } = restCommitOf(previous, next);

    // Assess
    expect(requirements).toContainEqual({ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 7 });
    expect(updates).toEqual([
      { action: 'add-schema', schema: grown.typed.schema, 'last-column-id': 3 },
      { action: 'set-current-schema', 'schema-id': -1 },
      { action: 'set-properties', updates: { [JSON_FIELD_IDS_PROPERTY]: '3' } },
    ]);
  });

  it('removes the snapshots maintenance expired, keeping main where it is', () => {
    // Prepare
    const previous = withSnapshot(withSnapshot(EMPTY, snapshotOf(7, 1), FILE), snapshotOf(8, 2, 7), FILE);
    const next = withoutSnapshots(previous, new Set([7]), 3, FILE);

    // Act
    const { requirements, updates } = restCommitOf(previous, next);

    // Assess
    expect(requirements).toContainEqual({ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 8 });
    expect(updates).toEqual([{ action: 'remove-snapshots', 'snapshot-ids': [7] }]);
  });
});
