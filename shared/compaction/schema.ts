/**
 * Schema inference for an hour's rows. Every column is nullable, so a field that appears later in the
 * hour is a column like any other; a field whose JSON types conflict is kept losslessly (an integer
 * column that meets a fraction becomes a double; anything else that conflicts, and every object or
 * array, is kept as JSON text) and the choice is reported.
 *
 * Nested values are JSON text (Parquet's JSON logical type) rather than Parquet groups: the shape of a
 * nested object changes as freely as the top level does, and one group type per file cannot hold two
 * shapes without losing one; DuckDB reads the column as its JSON type, Spark as a string for
 * `from_json` or `:` paths.
 */

/** The Parquet type a column is written as. */
export type ColumnType = 'boolean' | 'int64' | 'double' | 'string' | 'json' | 'timestamp';

/** What the JSON values of a column were seen to be. */
type ValueKind = 'boolean' | 'integer' | 'fraction' | 'string' | 'object' | 'array';

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  /** Where the values come from: `metadata.<field>` of the envelope or `body.<field>` / `body`. */
  readonly source: string;
}

/** A change the schema records so readers can see how the hour's shape moved. */
export interface SchemaChange {
  readonly column: string;
  readonly change: 'added-later' | 'widened' | 'kept-as-json' | 'new-since-earlier-file' | 'type-differs';
  readonly detail: string;
}

export interface HourSchema {
  readonly columns: readonly ColumnSchema[];
  readonly changes: readonly SchemaChange[];
}

/** A row before typing: column name to its JSON value; `undefined` or `null` is a null. */
export type JsonRow = Readonly<Record<string, unknown>>;

/** Columns every row has, from the record's coordinates, with fixed types. */
export const METADATA_COLUMNS: readonly ColumnSchema[] = [
  { name: '_partition', type: 'string', source: 'metadata.partition' },
  { name: '_offset', type: 'string', source: 'metadata.offset' },
  { name: '_position', type: 'int64', source: 'metadata.position' },
  { name: '_timestamp', type: 'timestamp', source: 'metadata.timestamp' },
];
const FIXED = new Map(METADATA_COLUMNS.map((column) => [column.name, column]));

function kindOf(value: unknown): ValueKind | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'fraction';
  if (typeof value === 'string') return 'string';
  return Array.isArray(value) ? 'array' : 'object';
}

/**
 * Collects what the hour's rows look like, one row at a time, holding only a set of kinds per column:
 * the first pass over the hour, before any Parquet is written (a Parquet file has one schema, which
 * must be known before its first row group).
 */
export class SchemaObserver {
  private readonly kinds = new Map<string, Set<ValueKind>>();
  private readonly sources = new Map<string, string>();
  /** Columns of the first row: any other column was added later in the hour. */
  private firstColumns: Set<string> | undefined;

  observe(row: JsonRow, sources: Readonly<Record<string, string>>): void {
    this.firstColumns ??= new Set(Object.keys(row).filter((name) => row[name] !== undefined));
    for (const [name, value] of Object.entries(row)) {
      if (value === undefined) continue;
      let kinds = this.kinds.get(name);
      if (!kinds) {
        kinds = new Set();
        this.kinds.set(name, kinds);
        this.sources.set(name, sources[name] ?? `body.${name}`);
      }
      const kind = kindOf(value);
      if (kind !== null) kinds.add(kind);
    }
  }

  /** The hour's schema: metadata columns first, then the others in order of first appearance. */
  resolve(): HourSchema {
    const changes: SchemaChange[] = [];
    const columns: ColumnSchema[] = [...METADATA_COLUMNS];
    for (const [name, kinds] of this.kinds) {
      if (FIXED.has(name)) continue;
      const { type, change } = typeOfKinds(kinds);
      columns.push({ name, type, source: this.sources.get(name) ?? name });
      if (change) changes.push({ column: name, ...change });
      if (!this.firstColumns?.has(name)) {
        changes.push({
          column: name,
          change: 'added-later',
          detail: 'absent from the hour’s first rows: null there',
        });
      }
    }
    return { columns, changes };
  }
}

function typeOfKinds(kinds: ReadonlySet<ValueKind>): {
  type: ColumnType;
  change?: Omit<SchemaChange, 'column'>;
} {
  const seen = [...kinds].sort();
  if (seen.length === 0) return { type: 'string' };
  if (seen.length === 1) {
    const [only] = seen;
    if (only === 'boolean') return { type: 'boolean' };
    if (only === 'integer') return { type: 'int64' };
    if (only === 'fraction') return { type: 'double' };
    if (only === 'string') return { type: 'string' };
    return { type: 'json' };
  }
  if (seen.every((kind) => kind === 'integer' || kind === 'fraction')) {
    return {
      type: 'double',
      change: { change: 'widened', detail: 'integers and fractions: written as double' },
    };
  }
  return {
    type: 'json',
    change: { change: 'kept-as-json', detail: `${seen.join(' and ')} values: written as JSON text` },
  };
}

/** How this file's schema differs from the hour's earlier files (late or other partition groups). */
export function changesSinceEarlier(
  schema: HourSchema,
  earlier: readonly (readonly ColumnSchema[])[],
): SchemaChange[] {
  if (earlier.length === 0) return [];
  const known = new Map<string, ColumnType>();
  for (const columns of earlier) for (const column of columns) known.set(column.name, column.type);
  return schema.columns.flatMap((column): SchemaChange[] => {
    const before = known.get(column.name);
    if (before === undefined)
      return [
        { column: column.name, change: 'new-since-earlier-file', detail: `${column.type}, new in this file` },
      ];
    if (before !== column.type)
      return [
        { column: column.name, change: 'type-differs', detail: `${before} earlier, ${column.type} here` },
      ];
    return [];
  });
}
