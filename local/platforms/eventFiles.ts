import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { decodeBase64 } from '../../shared/adapters/triggerValues.js';

/**
 * Event files replay one trigger invocation, shaped as the Node.js handler receives it. Used by
 * `npm run invoke -- <function> --event <file>` and by the adapter tests, so both read the same bytes.
 *
 * Event Hubs: `{ "messages": [...], "triggerMetadata": {...} }` where each message is the body text
 * as a JSON string, or `{ "base64": "..." }` for a body that is not UTF-8 text, and `triggerMetadata`
 * is exactly what the library hands the handler (lower-camel keys, enqueued times without a zone).
 *
 * Kafka: `{ "messages": [...], "triggerMetadata": {...} }` as for Event Hubs (`dataType: 'binary'`,
 * the function's registration), or `{ "events": [...] }`, exactly the handler's first argument of a
 * trigger registered with `dataType: 'string'`.
 *
 * Lambda Kafka (MSK or self-managed): the event itself, exactly as the mapping delivers it; the
 * handler validates it, so a malformed file fails the way a malformed event would.
 */

const bodySchema = z.union([z.string(), z.strictObject({ base64: z.string() })]);

const eventHubsFileSchema = z.strictObject({
  messages: z.array(bodySchema),
  triggerMetadata: z.record(z.string(), z.unknown()),
});

const kafkaFileSchema = z.union([z.strictObject({ events: z.array(z.unknown()) }), eventHubsFileSchema]);

/** One Event Hubs invocation as a handler registered with `dataType: 'binary'` receives it. */
export interface EventHubsEventFile {
  readonly messages: Buffer[];
  readonly triggerMetadata: unknown;
}

/** One Kafka trigger invocation: the handler's arguments (binary mode: values as `Buffer`s). */
export interface KafkaEventFile {
  readonly events: unknown[];
  readonly triggerMetadata: Record<string, unknown>;
}

/**
 * Reads an Event Hubs event file and turns each body into the `Buffer` the worker would pass with
 * `dataType: 'binary'` (text as UTF-8, `{ base64 }` decoded).
 *
 * @throws Error naming the file when it is not JSON or not in the Event Hubs event file shape
 */
export function readEventHubsEventFile(path: string): EventHubsEventFile {
  const file = parseFile(
    path,
    eventHubsFileSchema,
    'an Event Hubs event file ({ messages, triggerMetadata })',
  );
  return { messages: bodiesOf(path, file.messages), triggerMetadata: file.triggerMetadata };
}

function bodiesOf(path: string, bodies: readonly z.infer<typeof bodySchema>[]): Buffer[] {
  return bodies.map((body, index) =>
    typeof body === 'string'
      ? Buffer.from(body, 'utf8')
      : decodeBase64(body.base64, () => `${path}: messages[${index}].base64`),
  );
}

/**
 * Reads a Kafka event file.
 *
 * @throws Error naming the file when it is not JSON or not `{ "events": [...] }`
 */
export function readKafkaEventFile(path: string): KafkaEventFile {
  const file = parseFile(
    path,
    kafkaFileSchema,
    'a Kafka event file ({ messages, triggerMetadata } or { events })',
  );
  if ('events' in file) return { events: file.events, triggerMetadata: {} };
  return { events: bodiesOf(path, file.messages), triggerMetadata: file.triggerMetadata };
}

/**
 * Reads a Lambda Kafka event file (the event as Lambda delivers it).
 *
 * @throws Error naming the file when it is not JSON
 */
export function readLambdaEventFile(path: string): unknown {
  return parseFile(path, z.unknown(), 'JSON');
}

function parseFile<T>(path: string, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `${path}: cannot read as JSON: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${path} is not ${what}:\n${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  return parsed.data;
}

/**
 * The topic a Kafka event file's records name (the Azure trigger's `Topic`, the Lambda record's
 * `topic`), or undefined when they name none.
 */
export function topicNamedBy(file: KafkaEventFile | unknown): string | undefined {
  const { events, triggerMetadata } = file as Partial<KafkaEventFile>;
  // A binary-mode invocation names its records' topics in the metadata, one per value.
  const topics = (triggerMetadata as { topicArray?: unknown } | undefined)?.topicArray;
  if (Array.isArray(topics)) return typeof topics[0] === 'string' ? topics[0] : undefined;
  if (Array.isArray(events)) {
    const [first] = events;
    const parsed = typeof first === 'string' ? (JSON.parse(first) as unknown) : first;
    const topic = (parsed as { Topic?: unknown } | undefined)?.Topic;
    return typeof topic === 'string' ? topic : undefined;
  }
  const records = (file as { records?: Record<string, { topic?: unknown }[]> }).records;
  const topic = Object.values(records ?? {})[0]?.[0]?.topic;
  return typeof topic === 'string' ? topic : undefined;
}
