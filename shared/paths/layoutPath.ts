import {
  CAPTURE_NAME_FORMAT,
  type CAPTURE_TOKENS,
  captureNamesOf,
  usesCaptureNames,
} from '../config/layoutRules.js';
import type { TopicConfig } from '../config/schema.js';
import type { ObjectCoordinates } from '../coordinates.js';
import { encodingOfKind, fileExtensionOf } from '../encode/encodings.js';
import { minuteStartMs } from '../time.js';
import { pathSegment } from './pathSegment.js';

/** Kafka Connect's default `filename.offset.zero.pad.width`. */
const CONNECT_OFFSET_WIDTH = 10;
/** Positions padded so that names sort like the positions they carry (Kafka pads log segments the same way). */
const POSITION_WIDTH = 20;

export function padPosition(position: number, width = POSITION_WIDTH): string {
  return String(position).padStart(width, '0');
}

/** Before a generation's number in names: `3-g1-<first>`. Generation 0 (almost every object) has none. */
export const GENERATION_MARK = 'g';

/**
 * The generation an object's name carries (`…-g2-<first>…`, `…+g2-<first>…`); 0 for a name without
 * one. Only the end of the name is read, where `layoutPath` puts it.
 */
export function generationInPath(path: string): number {
  const found = /[-+]g(\d+)-\d{10,20}(\.late)?(\.[A-Za-z0-9]+)+$/.exec(path);
  return found ? Number(found[1]) : 0;
}

/** `g<n>-` before a position, for a generation after the first; nothing for generation 0. */
function generationPart(generation: number | undefined): string {
  return generation ? `${GENERATION_MARK}${generation}-` : '';
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
  const generation = generationPart(object.generation);
  const positioned = `${generation}${padPosition(object.first)}${object.late ? '.late' : ''}${extension}`;

  if (topic.layout === 'hive') {
    const folder = `topic=${topicName}/date=${time.year}-${time.month}-${time.day}/hour=${time.hour}/minute=${time.minute}`;
    return `${folder}/${partition}-${positioned}`;
  }
  if (topic.layout === 'kafka-connect') {
    const folder = `${topicName}/year=${time.year}/month=${time.month}/day=${time.day}/hour=${time.hour}/minute=${time.minute}`;
    return `${folder}/${topicName}+${partition}+${generation}${padPosition(object.first, CONNECT_OFFSET_WIDTH)}${extension}`;
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
    const theMinutesObject =
      !object.late && !object.generation && object.encoding === encodingOfKind(topic, object.kind);
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
