/**
 * Runs `create` on the first call and shares its promise with every later call, unless it failed: a
 * failure (storage briefly unreachable at cold start, say) is not cached, so the next call tries again.
 */
export function onceUntilSuccess<T>(create: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= create().catch((error: unknown) => {
      result = undefined;
      throw error;
    });
    return result;
  };
}
