const TRUSTED = Symbol('trusted HTML');

/** Markup built by {@link html}: the only thing inserted into a page without escaping. */
export interface Html {
  readonly [TRUSTED]: string;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] as string);
}

/**
 * A template tag that escapes every value it is given, unless the value is itself `Html` (a
 * fragment built by this tag): object names, record previews and dead-letter bytes are user data,
 * and no code path can put one into the page unescaped. Arrays are joined; null, undefined and
 * false leave nothing.
 *
 * @example
 * html`<td title="${path}">${records}</td>`
 */
export function html(strings: TemplateStringsArray, ...values: readonly unknown[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += fragment(value) + (strings[index + 1] ?? '');
  });
  return { [TRUSTED]: text };
}

export function htmlText(markup: Html): string {
  return markup[TRUSTED];
}

function fragment(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (typeof value === 'object' && TRUSTED in value) return (value as Html)[TRUSTED];
  return escapeHtml(String(value));
}
