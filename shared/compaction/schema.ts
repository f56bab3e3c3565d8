import { LONG, STRING, type StructField, TIMESTAMP } from '../tables/dataType.js';
import { newShape, observeShape, resolveFields, type ShapeNode, type ShapeNote } from './typeInference.js';

/**
 * The columns of a compaction unit, inferred from its rows in one pass (see `typeInference`): the
 * metadata columns with their fixed types, then one column per top-level field of the rows, nested
 * as the values are. Every column is nullable, so a field that appears later is a column like any
 * other; what inference had to decide is noted for the schema report.
 */

/** A row before typing: column name to its JSON value; `undefined` or `null` is a null. */
export type JsonRow = Readonly<Record<string, unknown>>;

/** Columns every row has, from the record's coordinates, with fixed types. */
export const METADATA_COLUMNS: readonly StructField[] = [
  { name: '_partition', type: STRING },
  { name: '_offset', type: STRING },
  { name: '_position', type: LONG },
  { name: '_timestamp', type: TIMESTAMP },
];
const METADATA_SOURCES: Readonly<Record<string, string>> = {
  _partition: 'metadata.partition',
  _offset: 'metadata.offset',
  _position: 'metadata.position',
  _timestamp: 'metadata.timestamp',
};
const FIXED = new Set(METADATA_COLUMNS.map((column) => column.name));

/** What one unit's rows look like. */
export interface UnitSchema {
  /** Metadata columns, then the others in order of first appearance. */
  readonly columns: readonly StructField[];
  /** Where each column's values come from: `metadata.<field>`, `body.<field>`, `body`, Capture's fields. */
  readonly sources: Readonly<Record<string, string>>;
  readonly notes: readonly ShapeNote[];
  /** Columns absent from the unit's first row. */
  readonly addedLater: readonly string[];
  /** Some values fit no column (a key clashing with another but for case): the rescue column is needed. */
  readonly rescues: boolean;
}

/**
 * Collects what a unit's rows look like, one row at a time, holding one node per distinct path: the
 * first pass over the unit, before any Parquet is written (a Parquet file's schema precedes its rows).
 */
export class SchemaObserver {
  private readonly shapes = new Map<string, ShapeNode>();
  private readonly sources: Record<string, string> = { ...METADATA_SOURCES };
  /** Columns of the first row: any other column was added later in the unit. */
  private firstColumns: Set<string> | undefined;

  observe(row: JsonRow, sources: Readonly<Record<string, string>>): void {
    this.firstColumns ??= new Set(Object.keys(row).filter((name) => row[name] !== undefined));
    for (const name in row) {
      if (FIXED.has(name)) continue;
      const value = row[name];
      if (value === undefined) continue;
      let shape = this.shapes.get(name);
      if (shape === undefined) {
        shape = newShape();
        this.shapes.set(name, shape);
        this.sources[name] = sources[name] ?? `body.${name}`;
      }
      observeShape(shape, value);
    }
  }

  resolve(): UnitSchema {
    const notes: ShapeNote[] = [];
    const data = resolveFields(this.shapes, '', notes);
    return {
      columns: [...METADATA_COLUMNS, ...data.fields],
      sources: this.sources,
      notes,
      addedLater: data.fields
        .map((field) => field.name)
        .filter((name) => !(this.firstColumns?.has(name) ?? false)),
      rescues: data.rescues,
    };
  }
}
