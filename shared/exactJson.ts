/**
 * JSON with integers kept to the last digit. `JSON.parse` turns every number into a double, so an
 * integer past 2^53 (a Snowflake id, a registry's 64-bit `long` written out by `decodedJson`) comes
 * back as a neighbouring number; here such an integer is a bigint instead, and back in JSON text it is
 * the producer's digits again.
 *
 * The usual line has no number of 16 digits (2^53 has 16) and is parsed by `JSON.parse` alone. A
 * line that has one is parsed by `JSON.parse` too, after each such number token has been turned into
 * a string holding its digits behind a marker character the line does not contain; those strings
 * then become the integers. That costs a scan of the line and a walk of its value, less than a
 * reviver reading V8's `context.source`, which is called back for every value (its parse took about
 * 1.6 times as long on an hour of events with Snowflake ids), and unlike a reviver (or any
 * recursion) it keeps working on values nested thousands of levels deep.
 */

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
/** A run of this many digits can hold an integer a double cannot. */
const WIDE_DIGITS = 16;
/** The first private-use character: markers are taken from there, never from text a line holds. */
const FIRST_MARKER = 0xe000;

/**
 * `JSON.parse`, except that an integer a double cannot hold exactly (beyond ±2^53) is a bigint with
 * the text's digits. Numbers with a fraction or an exponent stay numbers, as JSON.parse gives them.
 *
 * @example parseExactJson('{"id":1234567890123456789,"n":7}') // { id: 1234567890123456789n, n: 7 }
 */
export function parseExactJson(text: string): unknown {
  if (!mayHoldWideIntegers(text)) return JSON.parse(text);
  const marker = markerAbsentFrom(text);
  const marked = markWideIntegers(text, marker);
  if (marked === text) return JSON.parse(text);
  let value: unknown;
  try {
    value = JSON.parse(marked);
  } catch {
    // Marking keeps text that is not JSON not JSON: this throws the error of the text as written.
    return JSON.parse(text);
  }
  return restoreIntegers(value, marker);
}

/**
 * False when `JSON.parse` gives every integer of the text exactly: it has no run of 16 digits. Any
 * such run covers a position that is a multiple of 16 minus one, so only those are looked at.
 */
export function mayHoldWideIntegers(text: string): boolean {
  for (let index = WIDE_DIGITS - 1; index < text.length; index += WIDE_DIGITS) {
    if (!isDigit(text.charCodeAt(index))) continue;
    let start = index;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
    let end = index + 1;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    if (end - start >= WIDE_DIGITS) return true;
  }
  return false;
}

function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9;
}

/** A private-use character the text holds neither as itself nor as a `\u` escape. */
function markerAbsentFrom(text: string): string {
  const escapes = text.includes('\\u') ? text.toLowerCase() : '';
  let code = FIRST_MARKER;
  while (text.includes(String.fromCharCode(code)) || escapes.includes(`\\u${code.toString(16)}`)) code++;
  return String.fromCharCode(code);
}

/**
 * The text with every integer token of 16 digits or more outside strings written as the string
 * `"<marker><token>"`. Tokens are found as JSON's grammar has them: strings skipped with their
 * escapes, a number token from its `-` or first digit; one with a fraction or an exponent, or with a
 * leading zero (not JSON, so left for `JSON.parse` to refuse), stays as it is.
 */
function markWideIntegers(text: string, marker: string): string {
  const parts: string[] = [];
  let copied = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = stringEnd(text, index) + 1;
      continue;
    }
    if (code !== MINUS && !isDigit(code)) {
      index++;
      continue;
    }
    const start = index;
    if (code === MINUS) index++;
    const digitsStart = index;
    while (index < text.length && isDigit(text.charCodeAt(index))) index++;
    if (isNumberPart(text.charCodeAt(index))) {
      while (index < text.length && isNumberPart(text.charCodeAt(index))) index++;
      continue;
    }
    if (index - digitsStart >= WIDE_DIGITS && text.charCodeAt(digitsStart) !== DIGIT_0) {
      parts.push(text.slice(copied, start), '"', marker, text.slice(start, index), '"');
      copied = index;
    }
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * Where the string opened at `open` closes: the next quote not escaped, that is, after an even
 * number of backslashes. `indexOf` runs natively, much faster than a loop over each character; the
 * text's length when it never closes (text that is not JSON, which `JSON.parse` then refuses).
 */
function stringEnd(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

/** What may follow a number's integer digits: its fraction and exponent. */
function isNumberPart(code: number): boolean {
  return isDigit(code) || code === 0x2e || code === 0x65 || code === 0x45 || code === 0x2b || code === MINUS;
}

/** Turns the marked strings back into integers, walking with a stack of its own: values nest deep. */
function restoreIntegers(value: unknown, marker: string): unknown {
  if (typeof value === 'string') return integerOrText(value, marker);
  const pending: object[] = typeof value === 'object' && value !== null ? [value] : [];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const container = next as Record<string, unknown>;
    for (const key of Object.keys(container)) {
      const item = container[key];
      if (typeof item === 'object' && item !== null) pending.push(item);
      else if (typeof item === 'string' && item.startsWith(marker)) {
        // Defined, not assigned: a `__proto__` key parsed from JSON is a key like any other.
        Object.defineProperty(container, key, {
          value: integerOrText(item, marker),
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
    }
  }
  return value;
}

/** A marked token as the integer JSON.parse would give, but exact: a number while it is safe. */
function integerOrText(text: string, marker: string): unknown {
  if (!text.startsWith(marker)) return text;
  const digits = text.slice(marker.length);
  const number = Number(digits);
  return Number.isSafeInteger(number) ? number : BigInt(digits);
}

/** `JSON.rawJSON` (Node 21 and later), which TypeScript's lib does not declare yet. */
const rawJson = (JSON as unknown as { rawJSON(text: string): object }).rawJSON;

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
