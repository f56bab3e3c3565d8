import { describe, expect, it } from 'vitest';
import { html, htmlText } from '../../../../local/console/html.js';

describe('Function: html', () => {
  it('escapes every value, in text and in attributes', () => {
    // Act
    const markup = html`<a title="${'" onmouseover="x'}">${"<img src=x onerror='y'>&"}</a>`;

    // Assess
    expect(htmlText(markup)).toBe(
      '<a title="&quot; onmouseover=&quot;x">&lt;img src=x onerror=&#39;y&#39;&gt;&amp;</a>',
    );
  });

  it('inserts fragments it built itself as they are, arrays joined, and nothing for null, undefined and false', () => {
    // Act
    const markup = html`<ul>${['<a>', 'b'].map((item) => html`<li>${item}</li>`)}${null}${undefined}${false}${0}</ul>`;

    // Assess
    expect(htmlText(markup)).toBe('<ul><li>&lt;a&gt;</li><li>b</li>0</ul>');
  });

  it('does not take a look-alike object for markup', () => {
    // Act
    const markup = html`<p>${{ toString: () => '<b>' }}</p>`;

    // Assess
    expect(htmlText(markup)).toBe('<p>&lt;b&gt;</p>');
  });
});
