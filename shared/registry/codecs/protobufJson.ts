import protobuf from 'protobufjs';
import { decimalText } from './decimalText.js';
import { isoInstant } from './isoTime.js';

/**
 * A decoded Protobuf message as plain JSON values, close to Protobuf's JSON mapping with the choices
 * a lake wants: field names as written in the schema; scalars without presence written even when
 * they hold their default (a 0 is data); fields with presence (message, `optional`, oneof members)
 * left out when unset; enums by name; 64-bit integers as exact bigints (numbers, not strings); bytes
 * as base64 (see `decodedJson`); `google.protobuf.Timestamp` as ISO time, the wrappers as their
 * value, Confluent's `confluent.type.Decimal` as exact decimal text.
 */
export function protobufMessageJson(type: protobuf.Type, message: protobuf.Message): unknown {
  const special = wellKnownJson(type, message);
  if (special !== NOT_SPECIAL) return special;
  const result: Record<string, unknown> = {};
  const values = message as unknown as Record<string, unknown>;
  for (const field of type.fieldsArray) {
    const present = Object.hasOwn(values, field.name);
    if (field.map) {
      const entries = present ? Object.entries(values[field.name] as Record<string, unknown>) : [];
      result[field.name] = Object.fromEntries(entries.map(([key, item]) => [key, valueJson(field, item)]));
    } else if (field.repeated) {
      result[field.name] = present
        ? (values[field.name] as unknown[]).map((item) => valueJson(field, item))
        : [];
    } else if (present) {
      result[field.name] = valueJson(field, values[field.name]);
    } else if (!tracksPresence(field)) {
      result[field.name] = valueJson(field, field.typeDefault);
    }
  }
  return result;
}

function tracksPresence(field: protobuf.Field): boolean {
  return field.partOf !== null || field.resolvedType instanceof protobuf.Type || field.hasPresence;
}

function valueJson(field: protobuf.Field, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return protobufMessageJson(resolved, value as protobuf.Message);
  if (resolved instanceof protobuf.Enum) return resolved.valuesById[value as number] ?? value;
  if (isLong(value)) return BigInt(value.toString());
  // protobufjs's default for bytes is an empty array, not a buffer.
  if (field.type === 'bytes' && Array.isArray(value)) return Buffer.from(value);
  return value;
}

/** protobufjs decodes 64-bit integers as `long` objects (low and high 32 bits), exact beyond 2^53. */
function isLong(value: unknown): value is { toString(): string } {
  return (
    typeof value === 'object' && value !== null && 'low' in value && 'high' in value && 'unsigned' in value
  );
}

const NOT_SPECIAL = Symbol('not a well-known type');
const WRAPPERS = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(
    (name) => `.google.protobuf.${name}Value`,
  ),
);

function wellKnownJson(type: protobuf.Type, message: protobuf.Message): unknown {
  const values = message as unknown as { seconds?: unknown; nanos?: number; value?: unknown; scale?: number };
  if (type.fullName === '.google.protobuf.Timestamp') {
    const seconds = Number(values.seconds ?? 0);
    const nanos = values.nanos ?? 0;
    return isoInstant(seconds * 1000 + Math.floor(nanos / 1e6), String(nanos % 1e6).padStart(6, '0'), 'Z');
  }
  if (type.fullName === '.confluent.type.Decimal') {
    return decimalText((values.value as Uint8Array | undefined) ?? new Uint8Array(), values.scale ?? 0);
  }
  if (WRAPPERS.has(type.fullName)) {
    const field = type.fields.value;
    return field ? valueJson(field, values.value ?? field.typeDefault) : null;
  }
  return NOT_SPECIAL;
}
