/**
 * Whether bytes hold exactly one JSON value (RFC 8259), checked without building it: JSON.parse
 * allocates every object and string of the body only for the result to be thrown away, and that
 * was most of the cost of writing a record. Iterative, so no nesting depth can exhaust the stack.
 * UTF-8 validity is not checked here (`isUtf8` does that natively). When invalid, `at` is the index
 * of the first byte that cannot continue a JSON value, or the length when the bytes end too early.
 */
export type JsonCheck =
  | { readonly valid: true; readonly lineBreaks: boolean }
  | { readonly valid: false; readonly at: number };

const OBJECT = 1;
const ARRAY = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * The scanners below return the index after what they read, or `failedAt(i)` (always negative) when
 * byte i is wrong, which `failureIndex` turns back into i, so the caller can say where the body
 * stops being JSON.
 */
const failedAt = (index: number) => -1 - index;
const failureIndex = (scanned: number) => -1 - scanned;

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** After a backslash in a string: `" \ / b f n r t` (u is handled apart). */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of [0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]) SIMPLE_ESCAPE[c] = 1;

export function checkJson(bytes: Uint8Array): JsonCheck {
  const length = bytes.length;
  const stack: number[] = [];
  // Hot loop: plain index arithmetic on local variables, no closures, so V8 keeps it in registers.
  let i = 0;
  for (;;) {
    // A value is expected at i.
    i = skipWhitespace(bytes, i);
    const c = bytes[i];
    if (c === 0x7b || c === 0x5b) {
      i = skipWhitespace(bytes, i + 1);
      if (bytes[i] === (c === 0x7b ? 0x7d : 0x5d)) {
        i++;
      } else {
        stack.push(c === 0x7b ? OBJECT : ARRAY);
        if (c === 0x7b) {
          i = readKey(bytes, i);
          if (i < 0) return { valid: false, at: failureIndex(i) };
        }
        continue;
      }
    } else if (c === QUOTE) {
      i = scanString(bytes, i);
    } else if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) {
      i = scanNumber(bytes, i);
    } else if (c === 0x74) {
      i = scanLiteral(bytes, i, TRUE);
    } else if (c === 0x66) {
      i = scanLiteral(bytes, i, FALSE);
    } else if (c === 0x6e) {
      i = scanLiteral(bytes, i, NULL);
    } else {
      return { valid: false, at: i };
    }
    if (i < 0) return { valid: false, at: failureIndex(i) };
    // After a value: close containers, or move on to the next element.
    for (;;) {
      i = skipWhitespace(bytes, i);
      if (stack.length === 0) {
        // A raw line break can only be whitespace in valid JSON (strings may not hold one).
        return i === length
          ? {
              valid: true,
              lineBreaks: bytes.indexOf(LINE_FEED) !== -1 || bytes.indexOf(CARRIAGE_RETURN) !== -1,
            }
          : { valid: false, at: i };
      }
      const container = stack[stack.length - 1];
      const next = bytes[i];
      if (next === COMMA) {
        i++;
        if (container === OBJECT) {
          i = readKey(bytes, i);
          if (i < 0) return { valid: false, at: failureIndex(i) };
        }
        break;
      }
      if (next !== (container === OBJECT ? 0x7d : 0x5d)) return { valid: false, at: i };
      stack.pop();
      i++;
    }
  }
}

function skipWhitespace(bytes: Uint8Array, start: number): number {
  let i = start;
  for (let c = bytes[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = bytes[++i]);
  return i;
}

/** A member name and its colon; the index where the member's value starts, or a failure. */
function readKey(bytes: Uint8Array, start: number): number {
  let i = skipWhitespace(bytes, start);
  if (bytes[i] !== QUOTE) return failedAt(i);
  i = scanString(bytes, i);
  if (i < 0) return i;
  i = skipWhitespace(bytes, i);
  return bytes[i] === COLON ? i + 1 : failedAt(i);
}

/** Index after the string starting at `start` (a quote), or a failure. */
function scanString(bytes: Uint8Array, start: number): number {
  const length = bytes.length;
  for (let i = start + 1; i < length; i++) {
    const c = bytes[i] as number;
    if (c === QUOTE) return i + 1;
    if (c < 0x20) return failedAt(i);
    if (c === BACKSLASH) {
      const escaped = bytes[i + 1] ?? 0;
      if (escaped === 0x75) {
        for (let h = i + 2; h < i + 6; h++) if (!isHexDigit(bytes[h])) return failedAt(Math.min(h, length));
        i += 5;
      } else if (SIMPLE_ESCAPE[escaped] === 1) {
        i += 1;
      } else {
        return failedAt(Math.min(i + 1, length));
      }
    }
  }
  return failedAt(length);
}

/** Index after the number starting at `start`, or a failure: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` */
function scanNumber(bytes: Uint8Array, start: number): number {
  let i = start;
  if (bytes[i] === MINUS) i++;
  if (bytes[i] === ZERO) i++;
  else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
  else return failedAt(i);
  if (bytes[i] === DOT) {
    i++;
    if (!isDigit(bytes[i])) return failedAt(i);
    while (isDigit(bytes[i])) i++;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === PLUS || bytes[i] === MINUS) i++;
    if (!isDigit(bytes[i])) return failedAt(i);
    while (isDigit(bytes[i])) i++;
  }
  return i;
}

function scanLiteral(bytes: Uint8Array, start: number, literal: readonly number[]): number {
  for (let k = 0; k < literal.length; k++)
    if (bytes[start + k] !== literal[k]) return failedAt(Math.min(start + k, bytes.length));
  return start + literal.length;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}

function isHexDigit(c: number | undefined): boolean {
  return (
    c !== undefined && ((c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))
  );
}

/**
 * The same JSON value on one line: the whitespace between tokens removed, every token kept byte for
 * byte. Unlike JSON.parse and JSON.stringify, this keeps numbers beyond 2^53, `-0`, exponents and
 * duplicate keys as the producer wrote them. `bytes` must be valid JSON (see {@link checkJson}).
 */
export function compactJson(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (inString) {
      out[length++] = c;
      if (c === BACKSLASH) out[length++] = bytes[++i] as number;
      else if (c === QUOTE) inString = false;
    } else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      out[length++] = c;
      if (c === QUOTE) inString = true;
    }
  }
  return out.subarray(0, length);
}
