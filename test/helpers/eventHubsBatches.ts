import { fileURLToPath } from 'node:url';
import { type EventHubsEventFile, readEventHubsEventFile } from '../../local/platforms/eventFiles.js';

/** Absolute path of a file under samples/events. */
export const eventPath = (name: string): string =>
  fileURLToPath(new URL(`../../samples/events/${name}`, import.meta.url));

/** Five keyed order events of partition 3, as a handler with dataType 'binary' receives them. */
export const ordersBatch = (): EventHubsEventFile => readEventHubsEventFile(eventPath('eventhub-batch.json'));

/** Four unkeyed telemetry events of partition 0 with gzip, binary and text bodies. */
export const binaryBatch = (): EventHubsEventFile =>
  readEventHubsEventFile(eventPath('eventhub-batch-binary.json'));

/** The orders batch with some metadata fields replaced (or removed with `undefined`). */
export function ordersWith(overrides: Record<string, unknown>): EventHubsEventFile {
  const { messages, triggerMetadata } = ordersBatch();
  return { messages, triggerMetadata: { ...(triggerMetadata as Record<string, unknown>), ...overrides } };
}

/** The orders batch cut down to its first message, with that message's metadata replaced. */
export function firstOrderWith(overrides: Record<string, unknown>): EventHubsEventFile {
  const { messages, triggerMetadata } = ordersBatch();
  const single = Object.entries(triggerMetadata as Record<string, unknown>).map(([name, value]) => [
    name,
    Array.isArray(value) ? value.slice(0, 1) : value,
  ]);
  return { messages: messages.slice(0, 1), triggerMetadata: { ...Object.fromEntries(single), ...overrides } };
}
