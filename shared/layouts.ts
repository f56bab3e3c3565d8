import type { TopicConfig } from './config/schema.js';
import { encodingOfKind, fileExtensionOf } from './encode/encodings.js';
import type { ObjectKind } from './naming.js';
import { pathSegment } from './pathSegment.js';
import { minuteStartMs } from './time.js';

/** Layouts chosen by name; any other `layout` is a template. */
const NAMED_LAYOUTS = ['capture', 'hive', 'kafka-connect'] as const;

/** Our template tokens: a folder per minute, the object's name after it. */
const TEMPLATE_TOKENS = ['{topic}', '{partition}', '{yyyy}', '{MM}', '{dd}', '{HH}', '{mm}'] as const;
const TEMPLATE_TIME_TOKENS = ['{yyyy}', '{MM}', '{dd}', '{HH}', '{mm}'] as const;

/**
 * Event Hubs Capture's file name format tokens. Capture requires all of them, in any order, with or
 * without separators, and pads the date values with zeros; the name gets `.avro` after it.
 */
const CAPTURE_TOKENS = [
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
const CAPTURE_NAME_FORMAT =
  '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}';

/** Kafka Connect's default `filename.offset.zero.pad.width`. */
const CONNECT_OFFSET_WIDTH = 10;
/** Positions padded so that names sort like the positions they carry (Kafka pads log segments the same way). */
const POSITION_WIDTH = 20;

export function padPosition(position: number, width = POSITION_WIDTH): string {
  return String(position).padStart(width, '0');
}

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

/** The Capture names of a topic: `{Namespace}` from the config, `{EventHub}` the hub's (or topic's) name. */
export function captureNamesOf(topic: TopicConfig): { namespace: string; eventHub: string } {
  return {
    namespace: topic.capture?.namespace ?? '',
    eventHub: topic.capture?.eventHub ?? topic.eventHub.name ?? topic.name,
  };
}

export interface ObjectCoordinates {
  readonly kind: ObjectKind;
  readonly partition: string;
  readonly minute: number;
  /** Position of the first record in the object; distinct objects of a partition never share it. */
  readonly first: number;
  readonly late: boolean;
  readonly encoding: string;
}

/**
 * Where an object goes under the raw or dead-letter prefix, by the topic's layout. Every part comes
 * from the object's coordinates, so sealing the same minute twice names the same object, and every
 * value from outside passes through {@link pathSegment}, so none can leave the prefix.
 *
 * - template (default `{topic}/{yyyy}/{MM}/{dd}/{HH}/{mm}`): `<folder>/<partition>-<first>[.late]<ext>`
 * - `hive`: `topic=<topic>/date=<yyyy-MM-dd>/hour=<HH>/minute=<mm>/<partition>-<first>[.late]<ext>`
 * - `kafka-connect`: `<topic>/year=…/month=…/day=…/hour=…/minute=…/<topic>+<partition>+<first>.<ext>`,
 *   the S3 sink's TimeBasedPartitioner folders down to the minute and its file name; a late object is
 *   one more file of the minute, named by its own start offset.
 * - Capture (`capture` or a template of Capture tokens): the expanded name with `{Second}` `00` and
 *   `.avro`, as Capture names a file, for the minute's object; a late object, or one left in an
 *   encoding the topic no longer writes, adds `-<first>[.late]` so it can sit beside it.
 */
export function layoutPath(topic: TopicConfig, object: ObjectCoordinates): string {
  const start = new Date(minuteStartMs(object.minute));
  const two = (value: number) => String(value).padStart(2, '0');
  const time = {
    year: String(start.getUTCFullYear()).padStart(4, '0'),
    month: two(start.getUTCMonth() + 1),
    day: two(start.getUTCDate()),
    hour: two(start.getUTCHours()),
    minute: two(start.getUTCMinutes()),
  };
  const topicName = pathSegment(topic.name);
  const partition = pathSegment(object.partition);
  const extension = fileExtensionOf(object.encoding);
  const positioned = `${padPosition(object.first)}${object.late ? '.late' : ''}${extension}`;

  if (topic.layout === 'hive') {
    const folder = `topic=${topicName}/date=${time.year}-${time.month}-${time.day}/hour=${time.hour}/minute=${time.minute}`;
    return `${folder}/${partition}-${positioned}`;
  }
  if (topic.layout === 'kafka-connect') {
    const folder = `${topicName}/year=${time.year}/month=${time.month}/day=${time.day}/hour=${time.hour}/minute=${time.minute}`;
    return `${folder}/${topicName}+${partition}+${padPosition(object.first, CONNECT_OFFSET_WIDTH)}${extension}`;
  }
  if (usesCaptureNames(topic.layout)) {
    const names = captureNamesOf(topic);
    const format = topic.layout === 'capture' ? CAPTURE_NAME_FORMAT : topic.layout;
    const values: Record<(typeof CAPTURE_TOKENS)[number], string> = {
      '{Namespace}': pathSegment(names.namespace),
      '{EventHub}': pathSegment(names.eventHub),
      '{PartitionId}': partition,
      '{Year}': time.year,
      '{Month}': time.month,
      '{Day}': time.day,
      '{Hour}': time.hour,
      '{Minute}': time.minute,
      '{Second}': '00',
    };
    const name = expand(format, values);
    const theMinutesObject = !object.late && object.encoding === encodingOfKind(topic, object.kind);
    return theMinutesObject ? `${name}${extension}` : `${name}-${positioned}`;
  }
  const folder = expand(topic.layout, {
    '{topic}': topicName,
    '{partition}': partition,
    '{yyyy}': time.year,
    '{MM}': time.month,
    '{dd}': time.day,
    '{HH}': time.hour,
    '{mm}': time.minute,
  });
  return `${folder}/${partition}-${positioned}`;
}

function expand(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{[A-Za-z]+\}/g, (token) => values[token] ?? token);
}
