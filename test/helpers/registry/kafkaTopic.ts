import { Admin, ProduceAcks, Producer } from '@platformatic/kafka';

/** One record for a test topic: its bytes exactly as a producer sent them. */
export interface ProducedRecord {
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly headers?: ReadonlyMap<string, Buffer>;
}

/** Produce requests sent before every partition of a new topic has a leader are retried, and may land twice. */
async function leadersElected(admin: Admin, topic: string, partitions: number): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => null);
    const found = metadata?.topics.get(topic)?.partitions ?? [];
    if (found.length === partitions && found.every((partition) => partition.leader >= 0)) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`topic ${topic} has no leader for every partition after 30 s`);
}

/**
 * Creates the topic and writes the records in the order given, each to its partition, once: the
 * producer is idempotent, so a send it retries (a leader not yet elected on the new topic) is not
 * written twice, and the topic holds exactly these records.
 */
export async function produceToNewTopic(
  bootstrap: string,
  topic: string,
  partitions: number,
  records: readonly ProducedRecord[],
): Promise<void> {
  const admin = new Admin({ clientId: 'registry-test-admin', bootstrapBrokers: [bootstrap] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    await leadersElected(admin, topic, partitions);
  } finally {
    await admin.close();
  }
  const producer = new Producer({
    clientId: 'registry-test-producer',
    bootstrapBrokers: [bootstrap],
    acks: ProduceAcks.ALL,
  });
  try {
    // One request per partition: a request spanning partitions was seen written twice to one of them.
    for (let partition = 0; partition < partitions; partition += 1) {
      const messages = records
        .filter((record) => record.partition === partition)
        .map((record) => ({
          topic,
          partition,
          ...(record.key === null ? {} : { key: record.key }),
          value: record.value,
          ...(record.headers
            ? { headers: new Map([...record.headers].map(([name, value]) => [Buffer.from(name), value])) }
            : {}),
        }));
      if (messages.length > 0) await producer.send({ messages });
    }
  } finally {
    await producer.close();
  }
}
