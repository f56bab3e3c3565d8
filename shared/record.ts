import type { RegistryDecoding } from './registry/schemaRef.js';

/**
 * A header (Kafka) or application property (Event Hubs) as the platform delivered it.
 * Kafka header values are bytes; Event Hubs properties keep their AMQP scalar types.
 */
export type HeaderValue = string | number | boolean | null | Buffer;

export interface RecordHeader {
  readonly name: string;
  readonly value: HeaderValue;
}

/**
 * One delivered record, normalized from any trigger shape.
 *
 * `position` orders the records of a partition and is what exactly-once is proven on: the Event Hubs
 * sequence number or the Kafka offset. The platform's own coordinates are kept beside it, untouched.
 */
export interface CaptureRecord {
  /** The configured topic this capture writes under. */
  readonly topic: string;
  /**
   * The topic the platform says the record came from (Kafka events name it); absent where the
   * platform names none (an Event Hubs trigger reads one hub). A record of another topic is refused:
   * its offsets would pass for this topic's positions.
   */
  readonly deliveredTopic?: string;
  /** Partition id as decimal digits ("0", "17"); adapters reject anything else. */
  readonly partition: string;
  readonly position: number;
  /** The offset exactly as the platform reported it (Event Hubs offsets are opaque strings). */
  readonly offset: string;
  /**
   * Broker time (Event Hubs enqueued time, Kafka record timestamp), epoch milliseconds; NaN when the
   * platform gave none usable, in which case the pipeline uses the time the record arrived.
   */
  readonly brokerTime: number;
  readonly key: Buffer | null;
  readonly headers: readonly RecordHeader[];
  /** Event Hubs system properties as delivered; empty for Kafka. */
  readonly systemProperties: Readonly<Record<string, unknown>>;
  readonly body: Buffer;
  /**
   * The body (and key) decoded with their writer schemas, for a topic whose producers frame records
   * for a schema registry; `body` and `key` stay the original bytes beside it.
   */
  readonly decoded?: RegistryDecoding;
}
