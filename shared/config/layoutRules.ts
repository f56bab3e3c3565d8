/**
 * The rules a layout's text must follow, checked when the config is read. They look at text only, so
 * the config schema can use them without importing the rest of the core. How a layout becomes a path
 * is `shared/paths/layoutPath.ts`.
 */

/** Layouts chosen by name; any other `layout` is a template. */
const NAMED_LAYOUTS = ['capture', 'hive', 'kafka-connect'] as const;

/** Our template tokens: a folder per minute, the object's name after it. */
const TEMPLATE_TOKENS = ['{topic}', '{partition}', '{yyyy}', '{MM}', '{dd}', '{HH}', '{mm}'] as const;
const TEMPLATE_TIME_TOKENS = ['{yyyy}', '{MM}', '{dd}', '{HH}', '{mm}'] as const;

/**
 * Event Hubs Capture's file name format tokens. Capture requires all of them, in any order, with or
 * without separators, and pads the date values with zeros; the name gets `.avro` after it.
 */
export const CAPTURE_TOKENS = [
  '{Namespace}',
  '{EventHub}',
  '{PartitionId}',
  '{Year}',
  '{Month}',
  '{Day}',
  '{Hour}',
  '{Minute}',
  '{Second}',
] as const;
/** Capture's default file name format, which `layout: capture` stands for. */
export const CAPTURE_NAME_FORMAT =
  '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}';

/** True when the layout names objects the way Capture does, which needs a namespace to fill `{Namespace}`. */
export function usesCaptureNames(layout: string): boolean {
  return layout === 'capture' || CAPTURE_TOKENS.some((token) => layout.includes(token));
}

/** What is wrong with a layout, for the config's error message; empty when it is usable. */
export function layoutProblems(layout: string): string[] {
  if ((NAMED_LAYOUTS as readonly string[]).includes(layout)) return [];
  const problems: string[] = [];
  const tokens = layout.match(/\{[^}]*\}/g) ?? [];
  const [known, required, must] = usesCaptureNames(layout)
    ? [CAPTURE_TOKENS, CAPTURE_TOKENS, 'every Capture token']
    : [TEMPLATE_TOKENS, TEMPLATE_TIME_TOKENS, 'one folder per minute'];
  const unknown = tokens.filter((token) => !(known as readonly string[]).includes(token));
  if (unknown.length > 0) problems.push(`unknown token ${unknown.join(', ')}; use ${known.join(' ')}`);
  for (const token of required) {
    if (!layout.includes(token)) problems.push(`must contain ${token}: ${must}`);
  }
  if (
    layout.startsWith('/') ||
    layout.split('/').some((part) => part === '' || part === '.' || part === '..')
  )
    problems.push('must be a relative path without empty, "." or ".." segments');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\\\u0000-\u001f\u007f]/.test(layout))
    problems.push('must not contain "\\" or control characters: they break object paths');
  return problems;
}

/** Capture tokens whose values are digits. */
const CAPTURE_DIGIT_TOKENS = [
  '{PartitionId}',
  '{Year}',
  '{Month}',
  '{Day}',
  '{Hour}',
  '{Minute}',
  '{Second}',
] as const;

/**
 * What keeps compaction from telling a Capture layout's objects apart by partition, for the config's
 * error message; undefined when nothing does. Compaction reads a partition id as the run of digits at
 * its place in a path (every other token has a fixed width), so something that is not a digit must
 * follow `{PartitionId}`: a separator, or the end of the name. Then every path reads as at most one
 * (partition, minute), whatever the partition ids; after a digit, `1` + `2…` and `12` + `…` read
 * alike, and whether some late object's `-<position>` suffix completes another partition's name
 * would depend on how long partition ids can be.
 */
export function captureListingProblem(
  layout: string,
  names: { readonly namespace: string; readonly eventHub: string },
): string | undefined {
  const format = layout === 'capture' ? CAPTURE_NAME_FORMAT : layout;
  for (const { index } of format.matchAll(/\{PartitionId\}/g)) {
    const follower = digitFollower(format.slice(index + '{PartitionId}'.length), names);
    if (follower !== undefined) {
      return `{PartitionId} is followed by ${follower}: compaction reads a partition id as the digits at its place in a path, so put a separator that is not a digit ("/", "_" or "-") after {PartitionId}`;
    }
  }
  return undefined;
}

/** What follows a `{PartitionId}`, named for a message, when its value starts with a digit. */
function digitFollower(
  after: string,
  names: { readonly namespace: string; readonly eventHub: string },
): string | undefined {
  const token = /^\{[A-Za-z]+\}/.exec(after)?.[0];
  if (token === undefined) return /^\d/.test(after) ? `the digit "${after[0]}"` : undefined;
  if ((CAPTURE_DIGIT_TOKENS as readonly string[]).includes(token)) return token;
  const value = token === '{Namespace}' ? names.namespace : token === '{EventHub}' ? names.eventHub : '';
  return /^\d/.test(value) ? `${token} ("${value}", which starts with a digit)` : undefined;
}

/** The parts of a topic's config that fill a Capture layout's names. */
export interface CaptureNamedTopic {
  readonly name: string;
  readonly capture?: { readonly namespace: string; readonly eventHub?: string | undefined } | undefined;
  readonly eventHub: { readonly name?: string | undefined };
}

/** The Capture names of a topic: `{Namespace}` from the config, `{EventHub}` the hub's (or topic's) name. */
export function captureNamesOf(topic: CaptureNamedTopic): { namespace: string; eventHub: string } {
  return {
    namespace: topic.capture?.namespace ?? '',
    eventHub: topic.capture?.eventHub ?? topic.eventHub.name ?? topic.name,
  };
}
