import { type DataType, LONG, STRING, type StructField, TIMESTAMP } from '../tables/dataType.js';
import { type DeclaredBody, unifyDeclared } from './registryColumns/declaredTypes.js';
import {
  collectBeyondDouble,
  newShape,
  observeShape,
  resolveFields,
  type ShapeNode,
  type ShapeNote,
} from './typeInference.js';

/**
 * The columns of a compaction unit, found from its rows in one pass: the metadata columns with their
 * fixed types, then one column per top-level field of the rows, nested as the values are, its type
 * declared by the registry writer schema of the rows that have one (see `registryColumns/`) or else
 * inferred from the values (see `typeInference`). Every column is nullable, so a field that appears later is a column like any
 * other; what inference had to decide is noted for the schema report.
 */

/** A row before typing: column name to its JSON value; `undefined` or `null` is a null. */
export type JsonRow = Readonly<Record<string, unknown>>;

/** Columns every row has, from the record's coordinates, with fixed types. */
export const METADATA_COLUMNS: readonly StructField[] = [
  { name: '_partition', type: STRING },
  // Positions start over when a topic or an event hub is recreated: a position is unique within a
  // partition's generation only, so a reader keys records by the three.
  { name: '_generation', type: LONG },
  { name: '_offset', type: STRING },
  { name: '_position', type: LONG },
  { name: '_timestamp', type: TIMESTAMP },
];
const METADATA_SOURCES: Readonly<Record<string, string>> = {
  _partition: 'metadata.partition',
  _generation: "the raw object's name (g<n>), 0 without one",
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
  /** Paths holding integers beyond ±2^53, which a `double` column would round (see `evolveTable`). */
  readonly beyondDouble: ReadonlySet<string>;
}

/**
 * Collects what a unit's rows look like, one row at a time, holding one node per distinct path: the
 * first pass over the unit, before any Parquet is written (a Parquet file's schema precedes its rows).
 * A body field whose row was decoded with a registry writer schema that declares its type takes that
 * type (unified over the unit's schema versions), not one inferred from the values.
 */
export class SchemaObserver {
  private readonly shapes = new Map<string, ShapeNode>();
  private readonly declared = new Map<string, DataType>();
  /** Declared columns that held an integer beyond ±2^53 (inferred ones keep that in their shapes). */
  private readonly declaredBeyondDouble = new Set<string>();
  /** Every column but the metadata ones, in order of first appearance. */
  private readonly order: string[] = [];
  private readonly sources: Record<string, string> = { ...METADATA_SOURCES };
  /** Columns of the first row: any other column was added later in the unit. */
  private firstColumns: Set<string> | undefined;

  observe(row: JsonRow, sources: Readonly<Record<string, string>>, declaredBody?: DeclaredBody): void {
    this.firstColumns ??= new Set(Object.keys(row).filter((name) => row[name] !== undefined));
    for (const name in row) {
      if (FIXED.has(name)) continue;
      const value = row[name];
      if (value === undefined) continue;
      const source = sources[name] ?? `body.${name}`;
      if (!(name in this.sources)) {
        this.order.push(name);
        this.sources[name] = source;
      }
      const declaredType = source.startsWith('body.')
        ? declaredBody?.fields.get(source.slice('body.'.length))
        : undefined;
      if (declaredType !== undefined) {
        const known = this.declared.get(name);
        if (known === undefined) this.sources[name] = `${source}, typed by ${declaredBody?.declaredBy}`;
        this.declared.set(name, known === undefined ? declaredType : unifyDeclared(known, declaredType));
        if (typeof value === 'bigint') this.declaredBeyondDouble.add(name);
        continue;
      }
      let shape = this.shapes.get(name);
      if (shape === undefined) {
        shape = newShape();
        this.shapes.set(name, shape);
      }
      observeShape(shape, value);
    }
  }

  resolve(): UnitSchema {
    const notes: ShapeNote[] = [];
    // A declared type wins over what values without a writer schema suggested for the same column;
    // those values are converted to it, or rescued.
    const inferredShapes = new Map([...this.shapes].filter(([name]) => !this.declared.has(name)));
    const inferred = resolveFields(inferredShapes, '', notes);
    const inferredTypes = new Map(inferred.fields.map((field) => [field.name, field.type]));
    // Declared types are not checked against the values here (a uint64 past int64, a row without a
    // writer schema holding "n/a" where one declares a long): a unit with declared columns always has
    // the rescue column, so a misfit is kept there instead of failing its hour on every run.
    let rescues = inferred.rescues || this.declared.size > 0;
    const fields: StructField[] = [];
    const taken = new Set<string>();
    for (const name of this.order) {
      const type = this.declared.get(name) ?? inferredTypes.get(name);
      if (type === undefined) continue;
      const folded = name.toLowerCase();
      if (taken.has(folded)) {
        rescues = true;
        notes.push({
          path: name,
          change: 'name-clash',
          detail:
            'the same name as an earlier column but for case, which Delta cannot tell apart: its values are kept in _rescued_data',
        });
        continue;
      }
      taken.add(folded);
      fields.push({ name, type });
    }
    const beyondDouble = new Set(this.declaredBeyondDouble);
    for (const [name, shape] of inferredShapes) collectBeyondDouble(shape, name, beyondDouble);
    return {
      columns: [...METADATA_COLUMNS, ...fields],
      sources: this.sources,
      notes,
      addedLater: fields
        .map((field) => field.name)
        .filter((name) => !(this.firstColumns?.has(name) ?? false)),
      rescues,
      beyondDouble,
    };
  }
}
