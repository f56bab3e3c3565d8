import { Admin, ProduceAcks, Producer } from '@platformatic/kafka';
import { createEventGenerator } from '../generator.js';

/** Messages per produce request: large enough for throughput, small enough to show progress. */
const SEND_CHUNK = 2_000;

export interface ProduceOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly events: number;
  /** Partitions of the topic when it has to be created. */
  readonly partitions: number;
  /** Events per second of event time: the records' timestamps span `events / rate` seconds ending now. */
  readonly rate: number;
  readonly seed: number;
}

export interface ProduceResult {
  /** Partitions of the topic, which may differ from those asked for when it existed already. */
  readonly partitions: number;
  readonly created: boolean;
}

/**
 * Fills a topic with the generator's events, created first when missing: keyed by user (so the
 * producer's partitioner keeps one user's events in order on one partition), the generator's
 * properties as headers, and record timestamps on a timeline that ends now.
 */
export async function produceGeneratedEvents(options: ProduceOptions): Promise<ProduceResult> {
  const { topic } = options;
  const topicPartitions = await ensureTopic(options);
  const producer = new Producer({
    clientId: 'capture-local-producer',
    bootstrapBrokers: [...options.brokers],
    acks: ProduceAcks.ALL,
    // A send retried after a timeout on a busy machine would otherwise write its records twice: the
    // topic holds exactly the events asked for, which the runs and tests count on.
    idempotent: true,
  });
  const generate = createEventGenerator(options.seed);
  const start = Date.now() - Math.ceil((options.events / options.rate) * 1000);
  const progress = createProduceProgress(options.events);
  try {
    for (let produced = 0; produced < options.events; ) {
      const count = Math.min(SEND_CHUNK, options.events - produced);
      const messages = Array.from({ length: count }, (_, index) => {
        const timestamp = start + Math.floor(((produced + index) * 1000) / options.rate);
        const event = generate(timestamp);
        return {
          topic,
          key: Buffer.from(event.key),
          value: event.body,
          headers: new Map(
            Object.entries(event.properties).map(([name, value]) => [Buffer.from(name), Buffer.from(value)]),
          ),
          timestamp: BigInt(timestamp),
        };
      });
      await producer.send({ messages });
      produced += count;
      progress.update(produced);
    }
    progress.done();
  } finally {
    await producer.close();
  }
  return topicPartitions;
}

async function ensureTopic(options: ProduceOptions): Promise<ProduceResult> {
  const admin = new Admin({ clientId: 'capture-local-producer', bootstrapBrokers: [...options.brokers] });
  try {
    const existing = await admin.metadata({ topics: [options.topic] }).catch(() => null);
    const partitions = existing?.topics.get(options.topic)?.partitionsCount;
    if (partitions !== undefined) return { partitions, created: false };
    await admin.createTopics({ topics: [options.topic], partitions: options.partitions, replicas: 1 });
    return { partitions: options.partitions, created: true };
  } finally {
    await admin.close();
  }
}

/** Produced so far and the rate, on stderr: rewritten in place on a terminal, every 5 s otherwise. */
function createProduceProgress(total: number) {
  const started = performance.now();
  const interactive = process.stderr.isTTY === true;
  let lastPrint = 0;
  const render = (produced: number) =>
    `produced ${produced}/${total} events (${Math.floor((produced / total) * 100)}%) · ${Math.round(
      produced / Math.max((performance.now() - started) / 1000, 0.001),
    )} events/s`;
  return {
    update(produced: number) {
      const now = performance.now();
      if (interactive && now - lastPrint > 200) process.stderr.write(`\r${render(produced)}\x1b[K`);
      else if (!interactive && now - lastPrint > 5000) process.stderr.write(`${render(produced)}\n`);
      else return;
      lastPrint = now;
    },
    done() {
      process.stderr.write(`${interactive ? '\r' : ''}${render(total)}\x1b[K\n`);
    },
  };
}
