import { html, htmlText } from './html.js';
import { page } from './lakePage.js';
import type { DecodedObject } from './objectRecords.js';

/** An object's page: its name, size and record count, and its first records decoded, or why it cannot be. */
export function objectPage(path: string, bytes: number, decoded: DecodedObject | Error): string {
  return htmlText(
    page(
      path,
      html`<p><a href="/">← lake</a></p>
<h1 class="object-path">${path}</h1>
${
  decoded instanceof Error
    ? html`<p>${bytes} bytes · <span class="reason">unreadable</span>: ${decoded.message}</p>`
    : html`<p>${bytes} bytes · ${decoded.records} records · the first ${decoded.first.length}:</p>
${decoded.first.map((record) => html`<pre class="record">${indented(record)}</pre>`)}`
}`,
    ),
  );
}

/** A JSON record indented for reading; any other text as it is. */
function indented(record: string): string {
  try {
    return JSON.stringify(JSON.parse(record), null, 2);
  } catch {
    return record;
  }
}
