import type { BenchResults } from './results.js';
import type { Section } from './section.js';

/** The sections as aligned text tables, for the terminal. Only the last column may run long. */
export function renderText(sections: readonly Section[]): string {
  return sections
    .map((section) => {
      const widths = section.headers.map((header, column) =>
        Math.max(header.length, ...section.rows.map((row) => (row[column] ?? '').length)),
      );
      const line = (cells: readonly string[]) =>
        cells
          .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
          .join('  ')
          .trimEnd();
      return [
        section.title,
        '='.repeat(section.title.length),
        line(section.headers),
        line(widths.map((width) => '-'.repeat(width))),
        ...section.rows.map(line),
        ...section.notes.map((note) => `  - ${note}`),
      ].join('\n');
    })
    .join('\n\n');
}

/** BENCHMARKS.md: the machine, the date and every section as a Markdown table with its notes. */
export function renderMarkdown(results: BenchResults, sections: readonly Section[]): string {
  const { machine } = results;
  const cell = (text: string) => text.replaceAll('|', '\\|');
  // Padded to the widest cell of each column, as the project's formatter (Biome) writes tables.
  const table = (section: Section) => {
    const rows = [section.headers, ...section.rows].map((row) => row.map(cell));
    const widths = section.headers.map((_, column) =>
      Math.max(3, ...rows.map((row) => (row[column] ?? '').length)),
    );
    const line = (cells: readonly string[]) =>
      `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
    const [header = [], ...body] = rows;
    return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)];
  };
  return `${[
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${results.date}; every full run rewrites this file, and performance claims ` +
      'elsewhere in the project come from here only. `npm run bench -- --json <file>` also writes the figures ' +
      'as JSON; `--quick` measures less and leaves this file alone.',
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB memory, ` +
      `Node.js ${machine.node}, ${machine.os}.`,
    ...sections.flatMap((section) => [
      '',
      `## ${section.title}`,
      '',
      ...table(section),
      ...(section.notes.length > 0 ? ['', ...section.notes.map((note) => `- ${note}`)] : []),
    ]),
  ].join('\n')}\n`;
}
