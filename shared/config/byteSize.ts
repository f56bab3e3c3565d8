const UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/**
 * Reads a size written by a person ("8 MiB", "512KiB", 1048576) as bytes.
 * Returns undefined for anything else so the schema can say which field is wrong.
 */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?\s*$/.exec(value);
  if (!match) return undefined;
  const bytes = Math.round(Number(match[1]) * (UNITS[match[2] ?? 'B'] ?? 1));
  return bytes > 0 ? bytes : undefined;
}
