import {
  BOOLEAN,
  type DataType,
  DOUBLE,
  JSON_TEXT,
  LONG,
  STRING,
  type StructField,
} from '../tables/dataType.js';
import { RESCUE_COLUMN } from './tableEvolution.js';

/**
 * Type inference over JSON values, the way Spark infers JSON (objects are structs holding the union of
 * the fields seen, arrays are lists of their elements' unified type, integers meeting fractions are
 * doubles, integers beyond 64 bits are decimals), except that a genuine conflict at a path (an object
 * in one row, a string in another) keeps only that path as JSON text instead of turning its whole
 * top-level field into a string. Integers come exact (bigints past 2^53, see `parseExactJson`), and
 * no rule here rounds one: where Spark would take a double, the integers a double cannot hold are
 * rescued, or the path is JSON text.
 *
 * Observation holds one small node per distinct path, never the values, so it runs over an hour in
 * bounded memory; resolution then turns the nodes into types and notes what it had to decide.
 */

const BOOLEAN_SEEN = 1;
const INTEGER_SEEN = 2;
const FRACTION_SEEN = 4;
const STRING_SEEN = 8;
const OBJECT_SEEN = 16;
const ARRAY_SEEN = 32;
/** An integer beyond the 64-bit range, which no `long` holds. */
const HUGE_INTEGER_SEEN = 64;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Spark's `DecimalType.MAX_PRECISION`, and Delta's and Parquet's. */
const MAX_DECIMAL_DIGITS = 38;
/** A `long` as a decimal, as Spark widens one meeting a bigger integer: every int64 has 19 digits or fewer. */
const LONG_DECIMAL_DIGITS = 20;

/**
 * Below this depth a value is typed as a whole JSON text: Delta's schema string nests three JSON
 * levels per struct level, and Jackson, which Spark and Delta parse it with, refuses documents nested
 * deeper than 1000.
 */
const MAX_TYPED_DEPTH = 64;
/** An object with more distinct keys than this is map-like (ids as keys): a struct of it would not help. */
const MAX_STRUCT_FIELDS = 1000;

/** What the values at one path were seen to be. */
export interface ShapeNode {
  kinds: number;
  /** Object fields by key, in order of first appearance. */
  readonly fields: Map<string, ShapeNode>;
  /** Array elements, all of them at one node. */
  element: ShapeNode | null;
  /** A value here nested deeper than {@link MAX_TYPED_DEPTH}: the path is kept as JSON text. */
  tooDeep: boolean;
  /** An integer beyond ±2^53 came here: a double would round it. */
  beyondDouble: boolean;
  /** The most digits of an integer beyond the 64-bit range here, 0 without one. */
  hugeDigits: number;
}

export function newShape(): ShapeNode {
  return { kinds: 0, fields: new Map(), element: null, tooDeep: false, beyondDouble: false, hugeDigits: 0 };
}

/** Adds one value (and everything inside it) to what the path is known to hold. */
export function observeShape(node: ShapeNode, value: unknown, depth = 1): void {
  if (value === null || value === undefined) return;
  switch (typeof value) {
    case 'boolean':
      node.kinds |= BOOLEAN_SEEN;
      return;
    case 'number':
      node.kinds |= Number.isSafeInteger(value) ? INTEGER_SEEN : FRACTION_SEEN;
      return;
    case 'bigint':
      observeWideInteger(node, value);
      return;
    case 'string':
      node.kinds |= STRING_SEEN;
      return;
    case 'object':
      break;
    default:
      return;
  }
  if (depth > MAX_TYPED_DEPTH) {
    node.kinds |= Array.isArray(value) ? ARRAY_SEEN : OBJECT_SEEN;
    node.tooDeep = true;
    return;
  }
  if (Array.isArray(value)) {
    node.kinds |= ARRAY_SEEN;
    node.element ??= newShape();
    for (const item of value) observeShape(node.element, item, depth + 1);
    return;
  }
  node.kinds |= OBJECT_SEEN;
  // Past the limit the node is JSON text anyway: stop collecting keys, which would only grow.
  if (node.fields.size > MAX_STRUCT_FIELDS) return;
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    let field = node.fields.get(key);
    if (field === undefined) {
      field = newShape();
      node.fields.set(key, field);
    }
    observeShape(field, child, depth + 1);
  }
}

/** An integer past ±2^53, as `parseExactJson` gives it: a `long` up to 64 bits, beyond that a decimal. */
function observeWideInteger(node: ShapeNode, value: bigint): void {
  node.beyondDouble = true;
  if (value >= INT64_MIN && value <= INT64_MAX) {
    node.kinds |= INTEGER_SEEN;
    return;
  }
  node.kinds |= HUGE_INTEGER_SEEN;
  node.hugeDigits = Math.max(node.hugeDigits, (value < 0n ? -value : value).toString().length);
}

/**
 * Adds the paths under `path` (`id`, `order.items[].ref`) where an integer beyond ±2^53 came: a table
 * that has `double` there cannot take all of them (see `evolveTable`).
 */
export function collectBeyondDouble(node: ShapeNode, path: string, into: Set<string>): void {
  if (node.beyondDouble) into.add(path);
  for (const [name, child] of node.fields) collectBeyondDouble(child, `${path}.${name}`, into);
  if (node.element !== null) collectBeyondDouble(node.element, `${path}[]`, into);
}

/** A decision resolution made about a path, for the schema report. */
export interface ShapeNote {
  /** `user.country`, `order.items[].unitPrice`. */
  readonly path: string;
  readonly change:
    | 'widened'
    | 'kept-as-json'
    | 'only-nulls'
    | 'only-empty-objects'
    | 'only-empty-lists'
    | 'name-clash';
  readonly detail: string;
}

export interface ResolvedShape {
  /** null when the values carry no type: only nulls, or only empty objects. */
  readonly type: DataType | null;
  /** True when some values cannot be written under the type (a clashing key): they go to the rescue column. */
  readonly rescues: boolean;
}

const KIND_NAMES: readonly [number, string][] = [
  [BOOLEAN_SEEN, 'boolean'],
  [INTEGER_SEEN, 'integer'],
  [FRACTION_SEEN, 'fraction'],
  [STRING_SEEN, 'string'],
  [OBJECT_SEEN, 'object'],
  [ARRAY_SEEN, 'array'],
  [HUGE_INTEGER_SEEN, 'integer beyond 64 bits'],
];

function kindsSeen(kinds: number): string {
  return KIND_NAMES.filter(([bit]) => kinds & bit)
    .map(([, name]) => name)
    .join(' and ');
}

/** The type of a path from what it was seen to hold (see the module comment for the rules). */
export function resolveShape(node: ShapeNode, path: string, notes: ShapeNote[]): ResolvedShape {
  const { kinds } = node;
  if (kinds === 0) {
    notes.push({ path, change: 'only-nulls', detail: 'only nulls so far: not a column until a value comes' });
    return { type: null, rescues: false };
  }
  if (node.tooDeep) {
    notes.push({
      path,
      change: 'kept-as-json',
      detail: `nested deeper than ${MAX_TYPED_DEPTH} levels: written as JSON text`,
    });
    return { type: JSON_TEXT, rescues: false };
  }
  switch (kinds) {
    case BOOLEAN_SEEN:
      return { type: BOOLEAN, rescues: false };
    case INTEGER_SEEN:
      return { type: LONG, rescues: false };
    case FRACTION_SEEN:
      return { type: DOUBLE, rescues: false };
    case INTEGER_SEEN | FRACTION_SEEN:
    case HUGE_INTEGER_SEEN | FRACTION_SEEN:
    case INTEGER_SEEN | HUGE_INTEGER_SEEN | FRACTION_SEEN:
      return resolveDouble(node, path, notes);
    case HUGE_INTEGER_SEEN:
    case INTEGER_SEEN | HUGE_INTEGER_SEEN:
      return resolveHugeIntegers(node, path, notes);
    case STRING_SEEN:
      return { type: STRING, rescues: false };
    case ARRAY_SEEN:
      return resolveArray(node, path, notes);
    case OBJECT_SEEN:
      return resolveStruct(node, path, notes);
    default:
      notes.push({
        path,
        change: 'kept-as-json',
        detail: `${kindsSeen(kinds)} values: written as JSON text`,
      });
      return { type: JSON_TEXT, rescues: false };
  }
}

/** Integers meeting fractions are doubles, as in Spark; an integer a double would round is rescued instead. */
function resolveDouble(node: ShapeNode, path: string, notes: ShapeNote[]): ResolvedShape {
  if (!node.beyondDouble) {
    notes.push({ path, change: 'widened', detail: 'integers and fractions: written as double' });
    return { type: DOUBLE, rescues: false };
  }
  notes.push({
    path,
    change: 'widened',
    detail: `integers and fractions: written as double, and integers beyond 2^53 that a double would round are kept in ${RESCUE_COLUMN}`,
  });
  return { type: DOUBLE, rescues: true };
}

/**
 * Integers beyond the 64-bit range are `decimal(p,0)` (p at least 20, which every `long` fits), as
 * Spark infers them; past 38 digits no decimal holds them, and where Spark takes a double, which
 * would round them, the path is JSON text, its digits exact.
 */
function resolveHugeIntegers(node: ShapeNode, path: string, notes: ShapeNote[]): ResolvedShape {
  if (node.hugeDigits > MAX_DECIMAL_DIGITS) {
    notes.push({
      path,
      change: 'kept-as-json',
      detail: `integers of more than ${MAX_DECIMAL_DIGITS} digits, which no decimal holds: written as JSON text`,
    });
    return { type: JSON_TEXT, rescues: false };
  }
  const precision = Math.max(LONG_DECIMAL_DIGITS, node.hugeDigits);
  notes.push({
    path,
    change: 'widened',
    detail: `integers beyond the 64-bit range: written as decimal(${precision},0)`,
  });
  return { type: { kind: 'decimal', precision, scale: 0 }, rescues: false };
}

function resolveArray(node: ShapeNode, path: string, notes: ShapeNote[]): ResolvedShape {
  const elementNotes: ShapeNote[] = [];
  const resolved = resolveShape(node.element ?? newShape(), `${path}[]`, elementNotes);
  // Spark would type such a list as strings; a table cannot change that type when the elements
  // come (Kafka headers absent for an hour, say), so the list waits, like a field of only nulls.
  if (resolved.type === null) {
    notes.push({
      path,
      change: 'only-empty-lists',
      detail: 'only empty lists (or lists of nulls) so far: not a column until an element comes',
    });
    return { type: null, rescues: resolved.rescues };
  }
  notes.push(...elementNotes);
  return { type: { kind: 'array', element: resolved.type }, rescues: resolved.rescues };
}

function resolveStruct(node: ShapeNode, path: string, notes: ShapeNote[]): ResolvedShape {
  if (node.fields.size > MAX_STRUCT_FIELDS) {
    notes.push({
      path,
      change: 'kept-as-json',
      detail: `objects with more than ${MAX_STRUCT_FIELDS} distinct keys (a map, not a record): written as JSON text`,
    });
    return { type: JSON_TEXT, rescues: false };
  }
  const resolved = resolveFields(node.fields, path, notes);
  if (resolved.fields.length === 0) {
    if (!resolved.rescues)
      notes.push({
        path,
        change: 'only-empty-objects',
        detail: 'only empty objects (or objects of nulls) so far: not a column until a field comes',
      });
    return { type: null, rescues: resolved.rescues };
  }
  return { type: { kind: 'struct', fields: resolved.fields }, rescues: resolved.rescues };
}

/**
 * The fields of a struct, or the columns of a row, in order of first appearance. Delta names are
 * unique regardless of case and never empty, so a key that is empty or equals an earlier one but for
 * case is not a field: its values go to the rescue column, and the report says so.
 */
export function resolveFields(
  fields: ReadonlyMap<string, ShapeNode>,
  path: string,
  notes: ShapeNote[],
): { fields: StructField[]; rescues: boolean } {
  const resolved: StructField[] = [];
  const taken = new Set<string>();
  let rescues = false;
  for (const [name, child] of fields) {
    const childPath = path === '' ? name : `${path}.${name}`;
    const childNotes: ShapeNote[] = [];
    const { type, rescues: childRescues } = resolveShape(child, childPath, childNotes);
    if (type === null) {
      notes.push(...childNotes);
      rescues ||= childRescues;
      continue;
    }
    const folded = name.toLowerCase();
    if (name === '' || taken.has(folded)) {
      rescues = true;
      notes.push({
        path: childPath,
        change: 'name-clash',
        detail:
          name === ''
            ? 'an empty key cannot name a column: its values are kept in _rescued_data'
            : 'the same key as an earlier one but for case, which Delta cannot tell apart: its values are kept in _rescued_data',
      });
      continue;
    }
    taken.add(folded);
    notes.push(...childNotes);
    rescues ||= childRescues;
    resolved.push({ name, type });
  }
  return { fields: resolved, rescues };
}
