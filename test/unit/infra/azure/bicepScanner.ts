/**
 * A small reader of the Bicep this project writes, for structural tests where no compiler exists
 * (the Bicep CLI is a downloaded binary). It knows statements, decorators, strings with
 * interpolation, comments and nested brackets; it does not type-check. The checks built on it are in
 * bicepChecks.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface BicepStatement {
  keyword: string;
  name: string;
  decorators: string[];
  /** The statement, comments removed. */
  text: string;
  /** The same, with string contents masked (interpolations kept): where identifiers are looked for. */
  code: string;
  line: number;
}

export interface BicepParam {
  name: string;
  type: string;
  hasDefault: boolean;
  decorators: string[];
}

export interface BicepResource {
  symbol: string;
  type: string;
  apiVersion: string;
  existing: boolean;
  /** The resource's object literal (after any `if (…)` or `[for …:`), as text and as masked code. */
  body: { text: string; code: string };
  line: number;
}

export interface BicepFile {
  path: string;
  statements: BicepStatement[];
  params: BicepParam[];
  resources: BicepResource[];
}

/** A piece of a statement, as text (comments removed) and as masked code (see `lex`). */
export interface Source {
  text: string;
  code: string;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

export function parseBicep(source: string, path = 'inline.bicep'): BicepFile {
  const { clean, masked } = lex(source);
  const statements = splitStatements(clean, masked);
  return {
    path,
    statements,
    params: statements.filter((s) => s.keyword === 'param').map(toParam),
    resources: statements.filter((s) => s.keyword === 'resource').map(toResource),
  };
}

/** Reads `relativePath` under `root`, naming the file by that relative path in every problem. */
export async function readBicepFile(root: string, relativePath: string): Promise<BicepFile> {
  return parseBicep(await readFile(join(root, relativePath), 'utf8'), relativePath);
}

/** Whether `code` mentions `name` as a value: not as a property key, not after a dot. */
export function uses(code: string, name: string): boolean {
  for (const match of code.matchAll(new RegExp(`(?<![\\w.$])${name}(?!\\w)`, 'g'))) {
    const before = code.slice(0, match.index).replace(/[ \t]+$/, '');
    const after = code.slice((match.index ?? 0) + name.length);
    const isKey = /(^|[\n{,])$/.test(before) && /^\s*:(?!:)/.test(after);
    if (!isKey) return true;
  }
  return false;
}

/** The text of `source` followed by the texts of every variable it refers to, transitively. */
export function expandVariables(file: BicepFile, source: Source, seen = new Set<string>()): string {
  const parts = [source.text];
  for (const [identifier] of source.code.matchAll(IDENTIFIER)) {
    const variable = file.statements.find((s) => s.keyword === 'var' && s.name === identifier);
    if (!variable || seen.has(identifier)) continue;
    seen.add(identifier);
    parts.push(expandVariables(file, variable, seen));
  }
  return parts.join('\n');
}

/** The top-level properties of the first object literal in `source`, by key. */
export function objectProperties(source: Source): Map<string, Source> {
  const properties = new Map<string, Source>();
  const open = source.code.indexOf('{');
  if (open < 0) return properties;
  const keyPattern = /[\n{,]\s*([A-Za-z_][A-Za-z0-9_]*|'[^']*')\s*:(?!:)/y;
  let depth = 0;
  for (let i = open; i < source.code.length; i += 1) {
    const char = source.code[i] ?? '';
    if ('([{'.includes(char)) depth += 1;
    if (')]}'.includes(char)) depth -= 1;
    if (depth === 0) break;
    if (depth !== 1 || !'\n{,'.includes(char)) continue;
    keyPattern.lastIndex = i;
    const match = keyPattern.exec(source.code);
    if (!match) continue;
    const valueStart = i + match[0].length;
    const valueEnd = endOfValue(source.code, valueStart);
    const key = (match[1] ?? '').replace(/^'|'$/g, '');
    properties.set(key, {
      text: source.text.slice(valueStart, valueEnd),
      code: source.code.slice(valueStart, valueEnd),
    });
    i = valueEnd - 1;
  }
  return properties;
}

/** Where a property value that starts at `start` ends: a newline or comma outside brackets, or the closing bracket. */
export function endOfValue(code: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < code.length && /\s/.test(code[i] ?? '')) i += 1;
  for (; i < code.length; i += 1) {
    const char = code[i] ?? '';
    if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) {
      if (depth === 0) return i;
      depth -= 1;
    } else if (depth === 0 && (char === '\n' || char === ',')) return i;
  }
  return i;
}

function toParam(statement: BicepStatement): BicepParam {
  const afterName = statement.code.slice(statement.code.indexOf(statement.name) + statement.name.length);
  const equals = afterName.indexOf('=');
  return {
    name: statement.name,
    type: (equals < 0 ? afterName : afterName.slice(0, equals)).trim(),
    hasDefault: equals >= 0,
    decorators: statement.decorators,
  };
}

function toResource(statement: BicepStatement): BicepResource {
  const header = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s*(existing)?\s*=/.exec(statement.text);
  const bodyStart = header ? header[0].length : statement.text.length;
  const open = statement.code.indexOf('{', bodyStart);
  return {
    symbol: header?.[1] ?? '',
    type: header?.[2] ?? '',
    apiVersion: header?.[3] ?? '',
    existing: header?.[4] === 'existing',
    body: { text: statement.text.slice(open), code: statement.code.slice(open) },
    line: statement.line,
  };
}

/** Statements end at a newline outside brackets; decorators attach to the statement after them. */
function splitStatements(clean: string, masked: string): BicepStatement[] {
  const statements: BicepStatement[] = [];
  let decorators: string[] = [];
  let depth = 0;
  let start = 0;
  const flush = (end: number) => {
    const raw = clean.slice(start, end);
    const text = raw.trim();
    const code = masked.slice(start, end).trim();
    const line = clean.slice(0, start + raw.length - raw.trimStart().length).split('\n').length;
    start = end + 1;
    if (!text) return;
    if (text.startsWith('@')) {
      decorators.push(text);
      return;
    }
    const [keyword = '', name = ''] = code.split(/\s+/, 2);
    statements.push({ keyword, name: name.replace(/\W.*$/, ''), decorators, text, code, line });
    decorators = [];
  };
  for (let i = 0; i < masked.length; i += 1) {
    const char = masked[i] ?? '';
    if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) depth -= 1;
    else if (char === '\n' && depth === 0) flush(i);
  }
  flush(masked.length);
  return statements;
}

/**
 * Two views of the source, aligned character for character: `clean` without comments, `masked`
 * also without string contents (so brackets and words inside strings are not code), keeping the
 * expressions of `${…}` interpolations, which are code.
 */
function lex(source: string): { clean: string; masked: string } {
  const clean = source.split('');
  const masked = source.split('');
  const blank = (from: number, to: number, inCleanToo: boolean) => {
    for (let k = from; k < to; k += 1) {
      if (source[k] === '\n' && inCleanToo) continue;
      masked[k] = source[k] === '\n' ? ' ' : 'x';
      if (inCleanToo) clean[k] = ' ';
    }
  };

  const scanString = (from: number): number => {
    let i = from;
    while (i < source.length && source[i] !== "'") {
      if (source[i] === '\\') {
        blank(i, i + 2, false);
        i += 2;
      } else if (source.startsWith('${', i)) {
        i = scanCode(i + 2, true) + 1;
      } else {
        blank(i, i + 1, false);
        i += 1;
      }
    }
    return i + 1;
  };

  const scanCode = (from: number, untilClosingBrace: boolean): number => {
    let depth = 0;
    let i = from;
    while (i < source.length) {
      if (source.startsWith('//', i)) {
        const end = source.indexOf('\n', i);
        const stop = end < 0 ? source.length : end;
        blank(i, stop, true);
        i = stop;
      } else if (source.startsWith('/*', i)) {
        const end = source.indexOf('*/', i + 2);
        const stop = end < 0 ? source.length : end + 2;
        blank(i, stop, true);
        i = stop;
      } else if (source.startsWith("'''", i)) {
        const end = source.indexOf("'''", i + 3);
        const stop = end < 0 ? source.length : end;
        blank(i + 3, stop, false);
        i = stop + 3;
      } else if (source[i] === "'") {
        i = scanString(i + 1);
      } else {
        if (source[i] === '{') depth += 1;
        if (source[i] === '}') {
          if (untilClosingBrace && depth === 0) return i;
          depth -= 1;
        }
        i += 1;
      }
    }
    return i;
  };

  scanCode(0, false);
  return { clean: clean.join(''), masked: masked.join('') };
}
