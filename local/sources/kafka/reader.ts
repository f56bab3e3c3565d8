import {
  Admin,
  Consumer,
  type ConsumerGroupJoinPayload,
  findErrorBy,
  IS_CONTROL,
  ListOffsetTimestamps,
  type RecordsBatch,
} from '@platformatic/kafka';
import { ConfigError } from '../../../shared/errors.js';
import type { FetchedRecord } from '../../platforms/kafka/batches.js';

/** Bit 3 of a record batch's attributes: the broker stamped the records (LogAppendTime). */
const LOG_APPEND_TIME = 1 << 3;

/**
 * How long the group waits for a member that stopped heartbeating. A runner that was killed holds its
 * partitions this long before a restarted one gets them, so it is the shortest a broker accepts by
 * default (group.min.session.timeout.ms); heartbeats every second keep a busy runner well inside it.
 */
const SESSION_TIMEOUT_MS = 6_000;
const HEARTBEAT_INTERVAL_MS = 1_000;
/** How long the broker holds a fetch open when there is nothing new to read. */
const FETCH_WAIT_MS = 500;
/** Bytes one fetch brings back, per partition and in all: enough for a full batch, little to throw away on a rebalance. */
const FETCH_PARTITION_BYTES = 1024 * 1024;
const FETCH_BYTES = 8 * 1024 * 1024;

export interface KafkaReaderOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  /** The consumer group: the topic's `consumerGroup`, as the trigger uses it. */
  readonly groupId: string;
  readonly clientId: string;
}

/** Offset positions of a partition, as the group and the broker see them. */
export interface PartitionProgress {
  /** Next offset the group will read after a restart; -1 when nothing is committed. */
  readonly committed: number;
  /** The offset after the newest record, as of the last fetch or listing. */
  readonly end: number;
}

export interface KafkaReader {
  /**
   * Reads the next records of the partitions this member owns, each partition from where it stopped
   * (at first: the group's committed offset, or the earliest retained one). Waits at the broker for up
   * to half a second when there is nothing new. Records fetched across a rebalance are dropped and read
   * again from the committed offsets.
   */
  fetch(): Promise<FetchedRecord[]>;
  /** Commits offsets for the group, for the partitions this member still owns. */
  commit(offsets: ReadonlyMap<number, number>): Promise<void>;
  /**
   * Called after every assignment with the partitions it took away. Every owned partition is then
   * read again from its committed offset, so records fetched before are stale.
   */
  onAssigned(listener: (revoked: ReadonlySet<number>) => void): void;
  /** Committed and end offsets of every partition of the topic, asked from the broker. */
  progress(): Promise<Map<number, PartitionProgress>>;
  /** Leaves the group, so the partitions move to another member at once, and closes the connections. */
  close(): Promise<void>;
}

/**
 * A consumer-group member that reads partitions by explicit fetches instead of a message stream: the
 * runner decides when to read, so nothing is read ahead of a batch that is being retried, and a
 * rebalance never mixes records of two assignments. Offsets are committed only by `commit`, never
 * automatically.
 */
export async function openKafkaReader(options: KafkaReaderOptions): Promise<KafkaReader> {
  const { topic } = options;
  await ensureTopicExists(topic, options.brokers);
  const consumer = new Consumer({
    clientId: options.clientId,
    groupId: options.groupId,
    bootstrapBrokers: [...options.brokers],
    autocommit: false,
    sessionTimeout: SESSION_TIMEOUT_MS,
    rebalanceTimeout: SESSION_TIMEOUT_MS,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    maxWaitTime: FETCH_WAIT_MS,
    maxBytes: FETCH_BYTES,
  });
  // Group errors (a heartbeat that failed while rejoining) are retried by the client; without a
  // listener an 'error' event would end the process.
  consumer.on('error', () => {});

  let owned = new Set<number>();
  /** Bumped by every assignment: a fetch or lookup started under an older one is discarded. */
  let assignment = 0;
  /** Next offset to fetch, per owned partition; missing until looked up after an assignment. */
  const positions = new Map<number, number>();
  const assignedListeners: ((revoked: ReadonlySet<number>) => void)[] = [];

  consumer.on('consumer:group:join', (payload: ConsumerGroupJoinPayload) => {
    const next = new Set(payload.assignments?.find((entry) => entry.topic === topic)?.partitions ?? []);
    const revoked = new Set([...owned].filter((partition) => !next.has(partition)));
    assignment += 1;
    owned = next;
    // Like the Java consumer after a rebalance: every owned partition restarts from its committed
    // offset, so what another member committed meanwhile is respected.
    positions.clear();
    for (const listener of assignedListeners) listener(revoked);
  });

  consumer.topics.track(topic);
  await consumer.joinGroup({});

  /** Positions of owned partitions that have none: committed offset, or the earliest retained. */
  const lookUpPositions = async (): Promise<void> => {
    const missing = [...owned].filter((partition) => !positions.has(partition));
    if (missing.length === 0) return;
    const lookedUpFor = assignment;
    const committed = (await consumer.listCommittedOffsets({ topics: [{ topic, partitions: missing }] })).get(
      topic,
    );
    const earliest = (
      await consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.EARLIEST })
    ).get(topic);
    if (lookedUpFor !== assignment) return;
    for (const partition of missing) {
      const offset = committed?.[partition] ?? -1n;
      positions.set(partition, Number(offset >= 0n ? offset : (earliest?.[partition] ?? 0n)));
    }
  };

  /** Partitions whose position is beyond what the broker still holds start again at its earliest. */
  const restartOutOfRange = async (error: unknown): Promise<boolean> => {
    if (!findErrorBy(error as Error, 'apiId', 'OFFSET_OUT_OF_RANGE')) return false;
    const earliest = (
      await consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.EARLIEST })
    ).get(topic);
    const latest = (
      await consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.LATEST })
    ).get(topic);
    for (const [partition, position] of positions) {
      const first = Number(earliest?.[partition] ?? 0n);
      const end = Number(latest?.[partition] ?? 0n);
      if (position < first || position > end) positions.set(partition, first);
    }
    return true;
  };

  const fetchFromLeaders = async (): Promise<FetchedRecord[]> => {
    const fetchedFor = assignment;
    const metadata = await consumer.metadata({ topics: [topic] });
    const topicMetadata = metadata.topics.get(topic);
    if (!topicMetadata) throw new Error(`topic "${topic}" is not in the cluster's metadata`);
    const byLeader = new Map<number, { partition: number; offset: number }[]>();
    for (const [partition, offset] of positions) {
      const leader = topicMetadata.partitions[partition]?.leader ?? -1;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), { partition, offset }]);
    }
    const responses = await Promise.all(
      [...byLeader].map(async ([node, wanted]) => ({
        wanted,
        response: await consumer.fetch({
          node,
          topics: [
            {
              topicId: topicMetadata.id,
              partitions: wanted.map(({ partition, offset }) => ({
                partition,
                fetchOffset: BigInt(offset),
                partitionMaxBytes: FETCH_PARTITION_BYTES,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              })),
            },
          ],
          maxWaitTime: FETCH_WAIT_MS,
          minBytes: 1,
          maxBytes: FETCH_BYTES,
        }),
      })),
    );
    if (fetchedFor !== assignment) return [];
    const records: FetchedRecord[] = [];
    for (const { wanted, response } of responses) {
      for (const { partition, offset } of wanted) {
        const fetched = partitionOf(response, partition);
        if (fetched) positions.set(partition, recordsOf(partition, offset, fetched.records ?? [], records));
      }
    }
    return records;
  };

  return {
    async fetch() {
      await lookUpPositions();
      if (positions.size === 0) {
        // Nothing owned (another member has every partition): wait as a fetch would.
        await new Promise((done) => setTimeout(done, FETCH_WAIT_MS));
        return [];
      }
      try {
        return await fetchFromLeaders();
      } catch (error) {
        if (await restartOutOfRange(error)) return [];
        throw error;
      }
    },
    async commit(offsets) {
      const stillOwned = [...offsets].filter(([partition]) => owned.has(partition));
      if (stillOwned.length === 0) return;
      await consumer.commit({
        offsets: stillOwned.map(([partition, offset]) => ({
          topic,
          partition,
          offset: BigInt(offset),
          leaderEpoch: -1,
        })),
      });
    },
    onAssigned(listener) {
      assignedListeners.push(listener);
    },
    progress: () => progressOf(consumer, topic),
    close: () => consumer.close(),
  };
}

async function progressOf(consumer: Consumer, topic: string): Promise<Map<number, PartitionProgress>> {
  const latest = (
    await consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.LATEST })
  ).get(topic);
  const partitions = Array.from({ length: latest?.length ?? 0 }, (_, partition) => partition);
  const committed = (await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic);
  return new Map(
    partitions.map((partition) => [
      partition,
      { committed: Number(committed?.[partition] ?? -1n), end: Number(latest?.[partition] ?? 0n) },
    ]),
  );
}

/** Committed and end offsets of a group on a topic, asked without joining the group. */
export async function groupProgress(
  options: Pick<KafkaReaderOptions, 'brokers' | 'topic' | 'groupId'>,
): Promise<Map<number, PartitionProgress>> {
  const consumer = new Consumer({
    clientId: 'capture-local-progress',
    groupId: options.groupId,
    bootstrapBrokers: [...options.brokers],
    autocommit: false,
  });
  try {
    return await progressOf(consumer, options.topic);
  } finally {
    await consumer.close();
  }
}

/** A typo in --topic says so, rather than leaving the runner waiting on a topic that never comes. */
async function ensureTopicExists(topic: string, brokers: readonly string[]): Promise<void> {
  const admin = new Admin({ clientId: 'capture-local-topic-check', bootstrapBrokers: [...brokers] });
  try {
    const topics = await admin.listTopics().catch((error: unknown) => {
      throw new ConfigError(
        `cannot reach Kafka at ${brokers.join(',')} (${error instanceof Error ? error.message : String(error)}): is it running? npm run kafka:start starts one`,
        { cause: error },
      );
    });
    if (topics.includes(topic)) return;
  } finally {
    await admin.close();
  }
  throw new ConfigError(
    `topic "${topic}" does not exist on ${brokers.join(',')}: create it, e.g. with npm run local -- --produce 1000 --brokers ${brokers[0]} --topic ${topic}`,
  );
}

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

function partitionOf(response: FetchResponse, partition: number) {
  for (const topicResponse of response.responses) {
    const found = topicResponse.partitions.find((entry) => entry.partitionIndex === partition);
    if (found) return found;
  }
  return undefined;
}

/**
 * Appends the records of one partition's fetched batches from `from` on, and returns the next offset
 * to fetch. Transaction markers take offsets but are no records; a batch may start before `from`
 * (the broker returns whole batches).
 */
function recordsOf(
  partition: number,
  from: number,
  batches: readonly RecordsBatch[],
  into: FetchedRecord[],
): number {
  let next = from;
  for (const batch of batches) {
    const firstOffset = Number(batch.firstOffset);
    next = Math.max(next, firstOffset + batch.lastOffsetDelta + 1);
    if (batch.attributes & IS_CONTROL) continue;
    const logAppendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
    for (const record of batch.records) {
      const offset = firstOffset + record.offsetDelta;
      if (offset < from) continue;
      into.push({
        partition,
        offset,
        timestamp: Number(logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta),
        timestampType: logAppendTime ? 'LOG_APPEND_TIME' : 'CREATE_TIME',
        key: record.key,
        value: record.value,
        headers: record.headers.map(([name, value]) => ({ name: name?.toString('utf8') ?? '', value })),
      });
    }
  }
  return next;
}
