import { type DataType, JSON_TEXT, LONG, type StructField, typeName } from '../tables/dataType.js';

/**
 * How a compaction unit's inferred columns meet the table's. A Delta table's column types never
 * change here: every reader accepts columns and nested fields added later, but none of delta-rs,
 * Spark and DuckDB both accept an existing type changing under old files (Spark cannot read a
 * `long` file column as `double`; delta-rs cannot read the `typeWidening` feature that would allow
 * it). So the table grows, and a value that does not fit its path's table type (a fraction where the
 * table has `long`, a string where it has a struct) goes, with its path, to the rescue column
 * `_rescued_data` instead of changing or losing anything, the way Auto Loader rescues data. An
 * Iceberg table's readers promote a file's type where the spec allows it (`int` to `long`, a decimal
 * to a greater precision at the same scale), so there, and only there, such a column's type grows.
 */

/** Holds, per row, the values that fit no column: a JSON object from JSON Pointer (RFC 6901) to value. */
export const RESCUE_COLUMN = '_rescued_data';
export const RESCUE_FIELD: StructField = { name: RESCUE_COLUMN, type: JSON_TEXT };

/** A change of the table, or a path whose values went to the rescue column, for the schema report. */
export interface TableChange {
  readonly path: string;
  readonly change: 'added' | 'widened' | 'rescued';
  readonly detail: string;
}

export interface TableEvolution {
  /** The table's columns after this unit: the old ones in their order, then what the unit added. */
  readonly columns: readonly StructField[];
  readonly changes: readonly TableChange[];
  /** Some of the unit's values will not fit their table type: the files need the rescue column. */
  readonly rescues: boolean;
}

/**
 * The table's columns grown by the unit's (both top-level fields, metadata columns included), and
 * the rescue column when the unit has values to rescue: `unitRescues` says the unit's own rows had
 * some (a key clashing with another but for case), the merge finds the rest. `beyondDouble` names
 * the unit's paths holding integers beyond ±2^53 (see `UnitSchema`): where the table has `double`,
 * those a double would round are rescued. `promotes` lets a column's type grow where Iceberg allows.
 */
export function evolveTable(
  table: readonly StructField[],
  unit: readonly StructField[],
  unitRescues: boolean,
  beyondDouble: ReadonlySet<string> = new Set(),
  promotes = false,
): TableEvolution {
  const changes: TableChange[] = [];
  const merged = mergeFields(table, unit, '', { changes, beyondDouble, promotes });
  const rescues = merged.rescues || unitRescues;
  if (rescues && !merged.fields.some((field) => field.name === RESCUE_COLUMN)) {
    merged.fields.push(RESCUE_FIELD);
    changes.push({
      path: RESCUE_COLUMN,
      change: 'added',
      detail: 'json: values that fit no column, by path',
    });
  }
  return { columns: merged.fields, changes, rescues };
}

/** What a merge reads about the unit beyond its types, and what it reports. */
interface Merge {
  readonly changes: TableChange[];
  readonly beyondDouble: ReadonlySet<string>;
  readonly promotes: boolean;
}

function mergeFields(
  table: readonly StructField[],
  unit: readonly StructField[],
  path: string,
  merge: Merge,
): { fields: StructField[]; rescues: boolean } {
  const { changes } = merge;
  const fields = [...table];
  let rescues = false;
  for (const field of unit) {
    const fieldPath = path === '' ? field.name : `${path}.${field.name}`;
    const index = fields.findIndex((existing) => existing.name === field.name);
    if (index === -1) {
      const folded = field.name.toLowerCase();
      if (fields.some((existing) => existing.name.toLowerCase() === folded)) {
        rescues = true;
        changes.push({
          path: fieldPath,
          change: 'rescued',
          detail:
            'the table has this name in other letter case, which Delta cannot tell apart: kept in _rescued_data',
        });
        continue;
      }
      fields.push(field);
      changes.push({ path: fieldPath, change: 'added', detail: typeName(field.type) });
      continue;
    }
    const existing = fields[index] as StructField;
    const type = mergeType(existing.type, field.type, fieldPath, merge);
    rescues ||= type.rescues;
    fields[index] = { name: existing.name, type: type.type };
  }
  return { fields, rescues };
}

function mergeType(
  table: DataType,
  unit: DataType,
  path: string,
  merge: Merge,
): { type: DataType; rescues: boolean } {
  const { changes } = merge;
  if (table.kind === 'json') return { type: table, rescues: false };
  if (table.kind === 'struct' && unit.kind === 'struct') {
    const merged = mergeFields(table.fields, unit.fields, path, merge);
    return { type: { kind: 'struct', fields: merged.fields }, rescues: merged.rescues };
  }
  if (table.kind === 'array' && unit.kind === 'array') {
    const element = mergeType(table.element, unit.element, `${path}[]`, merge);
    return { type: { kind: 'array', element: element.type }, rescues: element.rescues };
  }
  if (typeName(table) === typeName(unit)) return { type: table, rescues: false };
  // Integers are doubles without loss within ±2^53; beyond, the row shaper rescues those a double
  // would round. A registry schema's `int` fits a `long` (a later version that widened it meets the
  // older table).
  if (table.kind === 'double' && (unit.kind === 'long' || unit.kind === 'integer')) {
    if (!merge.beyondDouble.has(path)) return { type: table, rescues: false };
    changes.push({
      path,
      change: 'rescued',
      detail: `the table has double and this unit integers beyond 2^53: those a double would round are kept in ${RESCUE_COLUMN}`,
    });
    return { type: table, rescues: true };
  }
  if (table.kind === 'long' && unit.kind === 'integer') return { type: table, rescues: false };
  if (table.kind === 'decimal' && decimalHolds(table, unit)) return { type: table, rescues: false };
  const promoted = merge.promotes ? icebergPromotion(table, unit) : null;
  if (promoted !== null) {
    changes.push({ path, change: 'widened', detail: `${typeName(table)} to ${typeName(promoted)}` });
    return { type: promoted, rescues: false };
  }
  changes.push({
    path,
    change: 'rescued',
    detail: `the table has ${typeName(table)} and this unit ${typeName(unit)}: values that are not ${typeName(table)} are kept in _rescued_data`,
  });
  return { type: table, rescues: true };
}

/**
 * The type Iceberg's spec lets a column be promoted to so that it holds the unit's values, or null:
 * `int` to `long`, and `decimal(P,S)` to `decimal(P',S)` with P' > P (a registry schema's later
 * version that widened the field; inference writes `long` and `double` from the start).
 */
function icebergPromotion(table: DataType, unit: DataType): DataType | null {
  if (table.kind === 'integer' && unit.kind === 'long') return LONG;
  if (table.kind === 'decimal' && unit.kind === 'decimal' && unit.scale === table.scale) {
    return unit.precision > table.precision ? unit : null;
  }
  return null;
}

/**
 * A decimal holds every value of a narrower one, and every `long` (19 digits at most) once it has
 * 19 digits before its point: a table whose integers once went beyond 64 bits is `decimal(20,0)`.
 */
function decimalHolds(table: DataType & { kind: 'decimal' }, unit: DataType): boolean {
  const wholeDigits = table.precision - table.scale;
  if (unit.kind === 'long' || unit.kind === 'integer') return wholeDigits >= 19;
  return unit.kind === 'decimal' && unit.scale <= table.scale && unit.precision - unit.scale <= wholeDigits;
}

/**
 * The columns a unit's files are written with: the table's types (after {@link evolveTable}) for the
 * paths the unit has, in the table's order, and the rescue column when some values need it. Since
 * table types never change, a rerun of the unit after a crash writes the same columns, so the same
 * bytes under the same names.
 */
export function fileColumnsOf(
  table: readonly StructField[],
  unit: readonly StructField[],
  rescues: boolean,
): StructField[] {
  const columns = projectFields(table, unit);
  return rescues && !columns.some((column) => column.name === RESCUE_COLUMN)
    ? [...columns, RESCUE_FIELD]
    : columns;
}

function projectFields(table: readonly StructField[], unit: readonly StructField[]): StructField[] {
  const wanted = new Map(unit.map((field) => [field.name, field.type]));
  return table.flatMap((field) => {
    const unitType = wanted.get(field.name);
    return unitType === undefined ? [] : [{ name: field.name, type: projectType(field.type, unitType) }];
  });
}

function projectType(table: DataType, unit: DataType): DataType {
  if (table.kind === 'struct' && unit.kind === 'struct') {
    const fields = projectFields(table.fields, unit.fields);
    // A unit whose values at this struct all misfit (or clash) still writes the struct, with one field.
    return { kind: 'struct', fields: fields.length > 0 ? fields : table.fields.slice(0, 1) };
  }
  if (table.kind === 'array' && unit.kind === 'array') {
    return { kind: 'array', element: projectType(table.element, unit.element) };
  }
  return table;
}
