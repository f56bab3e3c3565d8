/** The JSON a text holds, or undefined for no text or text that is no JSON: for answers whose shape is checked next. */
export function parseJsonOrUndefined(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
