import { randomBytes } from 'node:crypto';

/** The word every made-up canary carries, so even a truncated echo of one is found. */
const MARKER = 'CANARY';
const RUN = randomBytes(4).toString('hex');
/** Every canary made in this test file, looked for in its encoded forms too (the marker hides there). */
const made = new Set<string>();

/**
 * A unique value no log line has a reason to contain: the marker, what it stands for and this run's
 * id. Letters, digits and `-` only, so JSON and URL encoding leave it as it is.
 */
export function canary(what: string): string {
  const value = `${MARKER}-${what}-${RUN}`;
  made.add(value);
  return value;
}

/** The forms a leaked value takes in a line: as is, URL-encoded, base64, or a JSON array of its bytes. */
function formsOf(value: string | Buffer): string[] {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  const text = bytes.toString('utf8');
  return [text, encodeURIComponent(text), bytes.toString('base64'), [...bytes].join(',')].filter(
    (form) => form.length >= 8,
  );
}

/** A line that gave something away, and what. */
export interface Leak {
  readonly line: string;
  readonly leaked: string;
}

/**
 * The lines that contain the canary marker (anywhere, in any case: a part of a canary is a leak too),
 * or any form of a canary made so far or of one of `secrets`: real credentials that cannot carry the
 * marker (a SAS signature, an account key) and whole record bodies, whose base64 would hide it.
 */
export function leaksIn(lines: readonly string[], secrets: readonly (string | Buffer)[] = []): Leak[] {
  const forms = [...made, ...secrets].flatMap(formsOf);
  return lines.flatMap((line) => {
    if (line.toUpperCase().includes(MARKER)) return [{ line, leaked: MARKER }];
    const form = forms.find((candidate) => line.includes(candidate));
    return form === undefined ? [] : [{ line, leaked: form }];
  });
}
