/**
 * Nesting deeper than this is kept as JSON text: the Parquet writer and `JSON.stringify` recurse once
 * per level and exhaust the stack a few thousand levels down, while ingestion accepts any depth.
 */
export const MAX_COLUMN_NESTING = 1000;

/** True when a parsed JSON value nests deeper than `limit` arrays or objects; stops walking at the limit. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const child of Object.values(next.value)) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth });
    }
  }
  return false;
}

/**
 * `JSON.stringify` of a parsed JSON value at any depth, with an explicit stack instead of recursion:
 * the same text for the values `JSON.parse` yields (objects keep their key order), and bigints (see
 * `parseExactJson`) as their digits.
 */
export function stringifyDeep(value: unknown): string {
  const parts: string[] = [];
  // Either a value still to write or a literal piece of text (a comma, a key, a closing bracket).
  const pending: ({ value: unknown } | string)[] = [{ value }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next === 'string') {
      parts.push(next);
      continue;
    }
    const current = next.value;
    if (typeof current === 'bigint') {
      parts.push(current.toString());
      continue;
    }
    if (typeof current !== 'object' || current === null) {
      parts.push(JSON.stringify(current) ?? 'null');
      continue;
    }
    const isArray = Array.isArray(current);
    const entries = isArray ? current.map((item) => ['', item] as const) : Object.entries(current);
    parts.push(isArray ? '[' : '{');
    pending.push(isArray ? ']' : '}');
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, item] = entries[index] as readonly [string, unknown];
      pending.push({ value: item });
      if (!isArray) pending.push(`${JSON.stringify(key)}:`);
      if (index > 0) pending.push(',');
    }
  }
  return parts.join('');
}
