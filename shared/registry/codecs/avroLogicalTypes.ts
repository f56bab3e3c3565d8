import avro from 'avsc';
import { decimalText } from './decimalText.js';
import { isoDate, isoFromMicros, isoInstant, isoTimeOfDay } from './isoTime.js';

/**
 * avsc maps no logical type by itself: each one here turns the underlying Avro value into the JSON
 * value the lake keeps. Only decoding is needed, so `_toValue` passes the underlying value through
 * (avsc calls it for field defaults, which a schema writes in the underlying type).
 */
abstract class DecodingLogicalType extends avro.types.LogicalType {
  protected override _toValue(value: unknown): unknown {
    return value;
  }
  /** A reader never resolves against another schema here: values are read with their writer's schema. */
  protected override _resolve(): undefined {
    return undefined;
  }
}

/**
 * A logical type on `long` whose values come as exact bigints. avsc builds a logical type's
 * underlying `long` itself rather than taking the registry's {@link EXACT_LONG}, and its own long
 * refuses values past 2^53, which microseconds reach from the year 2255: 9999-12-31, a usual
 * "valid until" sentinel, is 253402300799999999.
 */
abstract class ExactLongLogicalType extends DecodingLogicalType {
  constructor(schema: avro.Schema, options?: Record<string, unknown>) {
    // The hook sees this very schema only as the underlying type is built, after avsc has chosen
    // the logical type for it.
    super(schema, {
      ...options,
      typeHook: (underlying: avro.Schema) => (underlying === schema ? EXACT_LONG : undefined),
    });
  }
}

class TimestampMillis extends DecodingLogicalType {
  protected override _fromValue(ms: number): string {
    return isoInstant(ms, '', 'Z');
  }
}

class TimestampMicros extends ExactLongLogicalType {
  protected override _fromValue(micros: bigint): string {
    return isoFromMicros(micros, 'Z');
  }
}

class LocalTimestampMillis extends DecodingLogicalType {
  protected override _fromValue(ms: number): string {
    return isoInstant(ms, '', '');
  }
}

class LocalTimestampMicros extends ExactLongLogicalType {
  protected override _fromValue(micros: bigint): string {
    return isoFromMicros(micros, '');
  }
}

class DateDays extends DecodingLogicalType {
  protected override _fromValue(days: number): string {
    return isoDate(days);
  }
}

class TimeMillis extends DecodingLogicalType {
  protected override _fromValue(ms: number): string {
    return isoTimeOfDay(BigInt(ms) * 1000n);
  }
}

class TimeMicros extends ExactLongLogicalType {
  protected override _fromValue(micros: bigint): string {
    return isoTimeOfDay(micros);
  }
}

/** A uuid on a string is kept as it is; on a 16-byte fixed (Avro 1.12) it is written out. */
class Uuid extends DecodingLogicalType {
  protected override _fromValue(value: string | Buffer): string {
    if (typeof value === 'string') return value;
    const hex = value.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** On bytes or fixed: the unscaled value in two's complement, written as exact decimal text. */
class Decimal extends DecodingLogicalType {
  private readonly scale: number;

  constructor(schema: avro.Schema, options?: unknown) {
    super(schema, options);
    const { scale } = schema as { scale?: unknown };
    this.scale = typeof scale === 'number' ? scale : 0;
  }

  protected override _fromValue(unscaled: Buffer): string {
    return decimalText(unscaled, this.scale);
  }
}

/** Every logical type of the Avro 1.12 specification but `duration` (kept as its 12 bytes). */
export const AVRO_LOGICAL_TYPES = {
  'timestamp-millis': TimestampMillis,
  'timestamp-micros': TimestampMicros,
  'local-timestamp-millis': LocalTimestampMillis,
  'local-timestamp-micros': LocalTimestampMicros,
  date: DateDays,
  'time-millis': TimeMillis,
  'time-micros': TimeMicros,
  uuid: Uuid,
  decimal: Decimal,
};

/**
 * Plain `long` fields as exact integers: avsc's own long is a JS number and refuses values past
 * 2^53, which ids and counters reach. Decoding gives a bigint, written out as a JSON number.
 */
export const EXACT_LONG = avro.types.LongType.__with({
  fromBuffer: (bytes: Buffer) => bytes.readBigInt64LE(),
  toBuffer: (value: bigint) => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64LE(value);
    return bytes;
  },
  fromJSON: (value: number | string) => BigInt(value),
  toJSON: (value: bigint) => Number(value),
  isValid: (value: unknown) => typeof value === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});
