/**
 * A decoded value as one line of JSON. Unlike JSON.stringify it writes bigints as exact numbers (a
 * 64-bit id stays the id), bytes as base64 text, and non-finite floats as the strings `"NaN"`,
 * `"Infinity"` and `"-Infinity"` (Protobuf's JSON mapping), so every decoded value has a line.
 *
 * @example decodedJson({ id: 9007199254740993n, raw: Buffer.from('hi') }) // '{"id":9007199254740993,"raw":"aGk="}'
 */
export function decodedJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object':
      return objectJson(value);
    default:
      return 'null';
  }
}

function objectJson(value: object): string {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(decodedJson).join(',')}]`;
  if (value instanceof Map)
    return entriesJson([...value.entries()].map(([key, item]) => [String(key), item]));
  return entriesJson(Object.entries(value));
}

function entriesJson(entries: [string, unknown][]): string {
  const fields = entries
    .filter(([, item]) => item !== undefined)
    .map(([key, item]) => `${JSON.stringify(key)}:${decodedJson(item)}`);
  return `{${fields.join(',')}}`;
}
