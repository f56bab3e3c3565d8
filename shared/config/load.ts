import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { type CaptureConfig, configSchema, type TopicConfig } from './schema.js';

/**
 * Validates an already-parsed config document. `source` names where it came from (a file path) so
 * every message says where to look: `capture.config.yaml: topic "orders", field compression: ...`.
 */
export function parseConfig(document: unknown, source: string): CaptureConfig {
  const result = configSchema.safeParse(document);
  if (result.success) return result.data;
  throw new ConfigError(describeIssues(result.error.issues, document, source));
}

/** Reads and validates the YAML config file. */
export function loadConfigFile(path: string): CaptureConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the config file (${(error as Error).message})`, {
      cause: error,
    });
  }
  let document: unknown;
  try {
    // Without pretty errors the parser's message does not quote the offending line, which may hold
    // a secret pasted where an app setting's name belongs; the position is added back below.
    document = parseYaml(text, { prettyErrors: false });
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML: ${yamlProblem(error, text)}`, { cause: error });
  }
  return parseConfig(document, path);
}

/** The parser's description of a YAML error and its line and column, without the file's text. */
function yamlProblem(error: unknown, text: string): string {
  const { message, pos } = error as { message: string; pos?: [number, number] };
  if (pos === undefined) return message;
  const before = text.slice(0, pos[0]);
  const line = before.split('\n').length;
  const column = pos[0] - before.lastIndexOf('\n');
  return `${message} at line ${line}, column ${column}`;
}

/** The one topic a function app serves. */
export function selectTopic(config: CaptureConfig, name: string, source: string): TopicConfig {
  const topic = config.topics.find((candidate) => candidate.name === name);
  if (!topic) {
    const names = config.topics.map((candidate) => candidate.name).join(', ');
    throw new ConfigError(`${source}: no topic named "${name}" (the file lists: ${names})`);
  }
  return topic;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], document: unknown, source: string): string {
  const lines = issues.map((issue) => `${source}: ${describePath(issue.path, document)}: ${issue.message}`);
  return lines.join('\n');
}

/** Turns ["topics", 2, "jsonl", "envelope"] into `topic "orders", field jsonl.envelope`. */
function describePath(path: readonly PropertyKey[], document: unknown): string {
  if (path[0] !== 'topics' || typeof path[1] !== 'number') {
    return path.length === 0 ? 'the file' : `field ${path.map(String).join('.')}`;
  }
  const topics = (document as { topics?: unknown[] } | null)?.topics;
  const entry = Array.isArray(topics) ? topics[path[1]] : undefined;
  const name = (entry as { name?: unknown } | undefined)?.name;
  const topic = typeof name === 'string' ? `topic "${name}" (topics[${path[1]}])` : `topics[${path[1]}]`;
  const field = path.slice(2).map(String).join('.');
  return field ? `${topic}, field ${field}` : topic;
}
