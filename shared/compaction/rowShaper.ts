import { CaptureError } from '../errors.js';
import { withExactIntegers } from '../exactJson.js';
import type { DataType, StructField } from '../tables/dataType.js';
import type { JsonRow } from './schema.js';
import { RESCUE_COLUMN } from './tableEvolution.js';
import { daysOfIsoDate, microsOfIsoTime, NON_FINITE_FLOATS, unscaledOfDecimalText } from './textValues.js';

/** What a converter returns for a value its type cannot hold: the value goes to the rescue column. */
const MISFIT: unique symbol = Symbol('misfit');
type Path = (string | number)[];

/** Collects one row's misfits under their JSON Pointers (RFC 6901), e.g. `/order/items/2/quantity`. */
class Rescue {
  values: Record<string, unknown> | null = null;
  add(path: Path, value: unknown): void {
    const pointer = path
      .map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`)
      .join('');
    this.values ??= {};
    this.values[pointer] = value;
  }
}

type Converter = (value: unknown, path: Path, rescue: Rescue) => unknown;

/**
 * Turns rows (column name to parsed JSON, integers past 2^53 as bigints) into the column arrays the
 * Parquet writer takes, each value in the form its type is written in (bigint for `long`,
 * microseconds for `timestamp`, nested objects and arrays for structs and lists), never rounded. A
 * value that does not fit its type, and a key no column has, is not dropped: it goes with its path
 * to {@link RESCUE_COLUMN} when the columns have it. Rows are shaped as they come, so a row group is
 * held once, as column values, never also as rows.
 */
export interface RowShaper {
  /** Shapes one row into the row group being built. */
  add(row: JsonRow): void;
  /** The row group built since the last call, an array per column in the columns' order, and its rows. */
  take(): { columns: unknown[][]; rows: number };
  /** Rows so far that had a value rescued. */
  rescuedRows(): number;
  /** Values so far that fit no column when there is no rescue column (see `strict`). */
  misfits(): number;
}

/**
 * `strict`: the columns were inferred from these very rows, so a value that fits none is a bug and
 * fails the unit; otherwise (columns taken from the table before reading) it is counted, and the
 * files are not used.
 */
export function createRowShaper(columns: readonly StructField[], { strict }: { strict: boolean }): RowShaper {
  const rescueIndex = columns.findIndex((column) => column.name === RESCUE_COLUMN);
  const rescuing = rescueIndex !== -1;
  const data = columns.flatMap((column, index) =>
    column.name === RESCUE_COLUMN
      ? []
      : [{ name: column.name, index, convert: converterOf(column.type, rescuing) }],
  );
  const known = new Set(data.map((column) => column.name));
  const path: Path = [];
  let arrays: unknown[][] = columns.map(() => []);
  let rows = 0;
  let rescued = 0;
  let misfits = 0;
  return {
    add(values) {
      const rescue = new Rescue();
      for (const column of data) {
        const value = values[column.name];
        let converted: unknown = null;
        if (value !== null && value !== undefined) {
          path.push(column.name);
          converted = column.convert(value, path, rescue);
          if (converted === MISFIT) {
            rescue.add(path, value);
            converted = null;
          }
          path.pop();
        }
        (arrays[column.index] as unknown[]).push(converted);
      }
      if (rescuing) {
        for (const name in values) {
          if (!known.has(name) && !valueless(values[name])) rescue.add([name], values[name]);
        }
        (arrays[rescueIndex] as unknown[]).push(rescue.values && withExactIntegers(rescue.values));
      }
      if (rescue.values !== null) {
        if (!rescuing && !strict) misfits++;
        else if (!rescuing) {
          throw new CaptureError(
            `a value at ${Object.keys(rescue.values)[0]} fits no column and the file has no ${RESCUE_COLUMN} column: nothing is published`,
            { retriable: false },
          );
        } else rescued++;
      }
      rows++;
    },
    take() {
      const group = { columns: arrays, rows };
      arrays = columns.map(() => []);
      rows = 0;
      return group;
    },
    rescuedRows: () => rescued,
    misfits: () => misfits,
  };
}

/**
 * Null, and objects or lists holding only such values: the shapes inference gives no column (see
 * `resolveShape`), so a key holding one is no value to rescue.
 */
function valueless(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.every(valueless);
  for (const key in value) if (!valueless((value as Record<string, unknown>)[key])) return false;
  return true;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function converterOf(type: DataType, rescuing: boolean): Converter {
  switch (type.kind) {
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? value : MISFIT);
    case 'long':
      return (value) =>
        typeof value === 'number'
          ? Number.isSafeInteger(value)
            ? BigInt(value)
            : MISFIT
          : typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX
            ? value
            : MISFIT;
    case 'integer':
      return (value) =>
        Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX
          ? value
          : MISFIT;
    case 'double':
      return (value) =>
        typeof value === 'number'
          ? value
          : typeof value === 'string'
            ? (NON_FINITE_FLOATS[value] ?? MISFIT)
            : typeof value === 'bigint'
              ? exactDouble(value)
              : MISFIT;
    case 'string':
      return (value) => (typeof value === 'string' ? value : MISFIT);
    case 'json':
      // The writer serializes the value itself, and would turn bigints into doubles first.
      return withExactIntegers;
    case 'timestamp':
      // The metadata column's rows carry epoch milliseconds; registry-typed fields ISO text. The
      // column holds microseconds.
      return (value) =>
        typeof value === 'number'
          ? value * 1000
          : typeof value === 'string'
            ? orMisfit(microsOfIsoTime(value))
            : MISFIT;
    case 'date':
      return (value) => (typeof value === 'string' ? orMisfit(daysOfIsoDate(value)) : MISFIT);
    case 'decimal': {
      const { precision, scale } = type;
      // The writer takes a bigint as the unscaled value, exactly. Text comes from registry decoding,
      // integers from inference (a unit whose integers went beyond 64 bits).
      return (value) =>
        typeof value === 'string'
          ? orMisfit(unscaledOfDecimalText(value, precision, scale))
          : typeof value === 'bigint' || Number.isSafeInteger(value)
            ? orMisfit(unscaledOfInteger(BigInt(value as bigint | number), precision, scale))
            : MISFIT;
    }
    case 'struct':
      return structConverter(type.fields, rescuing);
    case 'array':
      return arrayConverter(converterOf(type.element, rescuing));
  }
}

/** A double only when it is exactly the integer: 2^60 is, 2^53 + 1 is not. */
function exactDouble(value: bigint): number | typeof MISFIT {
  const double = Number(value);
  return Number.isFinite(double) && BigInt(double) === value ? double : MISFIT;
}

/** The unscaled value of an integer in a `decimal(precision, scale)` column, null when it has too many digits. */
function unscaledOfInteger(value: bigint, precision: number, scale: number): bigint | null {
  const unscaled = value * 10n ** BigInt(scale);
  return (unscaled < 0n ? -unscaled : unscaled).toString().length > precision ? null : unscaled;
}

function orMisfit<T>(value: T | null): T | typeof MISFIT {
  return value === null ? MISFIT : value;
}

function structConverter(fields: readonly StructField[], rescuing: boolean): Converter {
  const names = fields.map((field) => field.name);
  const converters = fields.map((field) => converterOf(field.type, rescuing));
  const known = new Set(names);
  return (value, path, rescue) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return MISFIT;
    const object = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let index = 0; index < names.length; index++) {
      const name = names[index] as string;
      const child = object[name];
      if (child === null || child === undefined) continue;
      path.push(name);
      const converted = (converters[index] as Converter)(child, path, rescue);
      if (converted === MISFIT) rescue.add(path, child);
      else out[name] = converted;
      path.pop();
    }
    if (rescuing) {
      for (const key in object) {
        if (known.has(key) || valueless(object[key])) continue;
        path.push(key);
        rescue.add(path, object[key]);
        path.pop();
      }
    }
    return out;
  };
}

function arrayConverter(element: Converter): Converter {
  return (value, path, rescue) => {
    if (!Array.isArray(value)) return MISFIT;
    const out = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      if (item === null || item === undefined) {
        out[index] = null;
        continue;
      }
      path.push(index);
      const converted = element(item, path, rescue);
      if (converted === MISFIT) {
        rescue.add(path, item);
        out[index] = null;
      } else out[index] = converted;
      path.pop();
    }
    return out;
  };
}
