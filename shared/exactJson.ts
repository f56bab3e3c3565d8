/**
 * JSON with integers kept to the last digit. `JSON.parse` turns every number into a double, so an
 * integer past 2^53 (a Snowflake id, a registry's 64-bit `long` written out by `decodedJson`) comes
 * back as a neighbouring number; here such an integer is a bigint instead, and back in JSON text it is
 * the producer's digits again.
 *
 * V8's reviver context (`context.source`, Node 21 and later) gives a number's own text, but a reviver
 * costs a call per value: only text holding a number token of 16 digits or more (2^53 has 16) takes
 * that path, so the usual line is parsed as fast as `JSON.parse` parses it.
 */

/**
 * A number token with at least 16 digits: one starts the text or follows `[`, `,` or `:` (and
 * whitespace). A string holding such digits after one of those also matches, which only costs the
 * slower parse.
 */
const LONG_NUMBER_TOKEN = /(?:^|[[,:])\s*-?\d{16}/;
const INTEGER_TEXT = /^-?\d+$/;

/** The context V8 passes a reviver; TypeScript's lib does not declare it yet. */
interface ReviverContext {
  readonly source?: string;
}

/** `JSON.rawJSON` (Node 21 and later), which TypeScript's lib does not declare yet. */
const rawJson = (JSON as unknown as { rawJSON(text: string): object }).rawJSON;

/**
 * `JSON.parse`, except that an integer a double cannot hold exactly (beyond ±2^53) is a bigint with
 * the text's digits. Numbers with a fraction or an exponent stay numbers, as JSON.parse gives them.
 *
 * @example parseExactJson('{"id":1234567890123456789,"n":7}') // { id: 1234567890123456789n, n: 7 }
 */
export function parseExactJson(text: string): unknown {
  return mayHoldWideIntegers(text) ? JSON.parse(text, keepIntegerDigits) : JSON.parse(text);
}

/** False when `JSON.parse` gives every integer of the text exactly: no number token has 16 digits. */
export function mayHoldWideIntegers(text: string): boolean {
  return LONG_NUMBER_TOKEN.test(text);
}

function keepIntegerDigits(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return source !== undefined && INTEGER_TEXT.test(source) ? BigInt(source) : value;
}

/**
 * A parsed value whose bigints are raw JSON numbers (`JSON.rawJSON`), so that `JSON.stringify`
 * writes their digits instead of throwing, and the Parquet writer, which turns bigints into doubles
 * before stringifying a JSON column's value, keeps them. A value without a bigint is returned as it
 * is, not copied.
 */
export function withExactIntegers(value: unknown): unknown {
  if (typeof value === 'bigint') return rawJson(value.toString());
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      const exact = withExactIntegers(item);
      if (exact !== item) {
        copy ??= value.slice();
        copy[index] = exact;
      }
    }
    return copy ?? value;
  }
  const entries = Object.entries(value);
  let changed = false;
  for (const entry of entries) {
    const exact = withExactIntegers(entry[1]);
    if (exact !== entry[1]) {
      entry[1] = exact;
      changed = true;
    }
  }
  // fromEntries defines each key, so a `__proto__` key parsed from JSON stays a key.
  return changed ? Object.fromEntries(entries) : value;
}
