/** One event as an Event Hubs partition holds it. */
export interface PartitionEvent {
  readonly sequenceNumber: number;
  readonly offset: number;
  readonly enqueuedTimeMs: number;
  readonly partitionKey: string | null;
  readonly body: Buffer;
  readonly properties: Record<string, unknown>;
  /** The event's content type (Azure Schema Registry's `avro/binary+<id>`), an AMQP property. */
  readonly contentType?: string;
}

export interface EventHubsDelivery {
  readonly messages: Buffer[];
  readonly triggerMetadata: Record<string, unknown>;
}

/**
 * Builds what the Event Hubs trigger hands a Node handler registered with `cardinality: 'many'` and
 * `dataType: 'binary'` (see samples/events/eventhub-batch.json): bodies as Buffers and metadata arrays with
 * the library's lower-camel keys and enqueued times written without a zone designator.
 */
export function eventHubsDelivery(
  partition: { eventHubName: string; consumerGroup: string; partitionId: string },
  events: readonly PartitionEvent[],
): EventHubsDelivery {
  const partitionContext = { fullyQualifiedNamespace: 'local.servicebus.windows.net', ...partition };
  const enqueued = events.map((event) => new Date(event.enqueuedTimeMs).toISOString().replace(/Z$/, ''));
  return {
    messages: events.map((event) => event.body),
    triggerMetadata: {
      triggerPartitionContext: partitionContext,
      partitionContext,
      partitionKeyArray: events.map((event) => event.partitionKey),
      offsetArray: events.map((event) => event.offset),
      sequenceNumberArray: events.map((event) => event.sequenceNumber),
      enqueuedTimeUtcArray: enqueued,
      propertiesArray: events.map((event) => event.properties),
      systemPropertiesArray: events.map((event, index) => ({
        'x-opt-sequence-number': event.sequenceNumber,
        'x-opt-offset': event.offset,
        'x-opt-enqueued-time': `${enqueued[index]}+00:00`,
        ...(event.partitionKey === null ? {} : { 'x-opt-partition-key': event.partitionKey }),
        // The AMQP properties section's fields come under their AMQP names.
        ...(event.contentType === undefined ? {} : { 'content-type': event.contentType }),
        sequenceNumber: event.sequenceNumber,
        offset: event.offset,
        partitionKey: event.partitionKey,
        enqueuedTimeUtc: enqueued[index],
      })),
    },
  };
}
