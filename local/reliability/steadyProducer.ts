import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, ListOffsetTimestamps, ProduceAcks, Producer } from '@platformatic/kafka';
import { createEventGenerator } from '../sources/generator.js';

/** Producer sends this often: steady traffic rather than bursts. */
const SEND_EVERY_MS = 250;
/** The longest the runners may take to catch up before the topic is recreated. */
const CATCH_UP_TIMEOUT_MS = 5 * 60_000;

export interface SteadyTraffic {
  readonly topic: string;
  readonly partitions: number;
  /** Events per second, all partitions together. */
  readonly rate: number;
  readonly seed: number;
}

/** Generated events at a steady rate, timestamped as they are sent; pausable while the topic is recreated. */
export class SteadyProducer {
  private readonly producer: Producer;
  private readonly generate;
  private stopped = false;
  private paused = false;
  private sending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bootstrap: string,
    private readonly options: SteadyTraffic,
  ) {
    this.producer = new Producer({
      clientId: 'capture-soak',
      bootstrapBrokers: [bootstrap],
      acks: ProduceAcks.ALL,
    });
    this.generate = createEventGenerator(options.seed);
  }

  async createTopic(): Promise<void> {
    await withAdmin(this.bootstrap, (admin) =>
      admin.createTopics({ topics: [this.options.topic], partitions: this.options.partitions, replicas: 1 }),
    );
  }

  /** Deletes the topic, forgets the groups' offsets on it, and creates it again, empty. */
  async recreateTopic(groups: readonly string[]): Promise<void> {
    await withAdmin(this.bootstrap, async (admin) => {
      await admin.deleteTopics({ topics: [this.options.topic] });
      await admin.deleteGroups({ groups: [...groups] }).catch(() => {});
      for (let attempt = 0; ; attempt++) {
        const created = await admin
          .createTopics({ topics: [this.options.topic], partitions: this.options.partitions, replicas: 1 })
          .then(
            () => true,
            () => false,
          );
        if (created) return;
        if (attempt === 60) throw new Error(`topic ${this.options.topic} could not be created again`);
        await sleep(500);
      }
    });
  }

  /** Sends until stopped, keeping to the rate over the time it has been sending, pauses left out. */
  async run(): Promise<void> {
    let sent = 0;
    let sendingMs = 0;
    let last = Date.now();
    try {
      while (!this.stopped) {
        await sleep(SEND_EVERY_MS);
        const now = Date.now();
        if (!this.paused) sendingMs += now - last;
        last = now;
        const due = Math.floor((sendingMs / 1000) * this.options.rate) - sent;
        if (this.paused || due <= 0) continue;
        const messages = Array.from({ length: due }, () => {
          const event = this.generate(now);
          return {
            topic: this.options.topic,
            key: Buffer.from(event.key),
            value: event.body,
            timestamp: BigInt(now),
          };
        });
        this.sending = this.producer.send({ messages });
        await this.sending;
        sent += due;
      }
    } finally {
      await this.producer.close();
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  async idle(): Promise<void> {
    await this.sending;
  }

  stop(): void {
    this.stopped = true;
  }
}

/** Waits until every group has committed the topic's end offsets. */
export async function waitUntilCommitted(
  bootstrap: string,
  topic: string,
  groups: readonly string[],
): Promise<void> {
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  await withAdmin(bootstrap, async (admin) => {
    for (;;) {
      const metadata = await admin.metadata({ topics: [topic] });
      const partitions = Array.from(
        { length: metadata.topics.get(topic)?.partitionsCount ?? 0 },
        (_, partitionIndex) => partitionIndex,
      );
      const [ends] = await admin.listOffsets({
        topics: [
          {
            name: topic,
            partitions: partitions.map((partitionIndex) => ({
              partitionIndex,
              timestamp: ListOffsetTimestamps.LATEST,
            })),
          },
        ],
      });
      const endOf = new Map(
        (ends?.partitions ?? []).map(({ partitionIndex, offset }) => [partitionIndex, offset]),
      );
      const committed = await admin.listConsumerGroupOffsets({
        groups: groups.map((groupId) => ({
          groupId,
          topics: [{ name: topic, partitionIndexes: partitions }],
        })),
      });
      const caughtUp = committed.every((group) =>
        partitions.every((partition) => {
          const at = group.topics[0]?.partitions.find((entry) => entry.partitionIndex === partition);
          return (at?.committedOffset ?? -1n) >= (endOf.get(partition) ?? 0n);
        }),
      );
      if (caughtUp) return;
      if (Date.now() > deadline)
        throw new Error('the runners did not catch up with the topic before its recreation');
      await sleep(1000);
    }
  });
}

async function withAdmin<T>(bootstrap: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'capture-soak-admin', bootstrapBrokers: [bootstrap] });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}
