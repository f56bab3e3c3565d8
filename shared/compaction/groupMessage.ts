import { z } from 'zod';
import type { TopicConfig } from '../config/schema.js';
import { CaptureError } from '../errors.js';
import type { CaptureContext } from '../pipeline/context.js';
import type { CompactionSummary } from './compactionSummary.js';
import { isPartitionGroup, partitionGroupsOf } from './partitionGroups.js';

/**
 * What the hourly dispatch sends for each partition group and a compaction worker receives: an
 * asynchronous Lambda invocation's event, a storage queue message on Azure. JSON on the wire.
 */
export interface CompactionGroupMessage {
  readonly topic: string;
  readonly partitions: readonly string[];
}

/** What a worker did, with the group it compacted (in its log line too). */
export type GroupCompactionSummary = CompactionSummary & { readonly partitions: readonly string[] };

/** What one dispatch sent: a line for the logs and a figure for the dashboards. */
export interface CompactionDispatchSummary {
  /** Messages sent, one per partition group. */
  readonly groups: number;
  /** Partitions the ledger knows: what the groups cover, apart from numbers not used yet. */
  readonly partitions: number;
}

const messageSchema = z
  .object({
    topic: z.string().min(1),
    partitions: z.array(z.string().min(1)).min(1),
  })
  .strict();

/**
 * One message per partition group of the topic (see `partitionGroupsOf`), from the partitions its
 * ledger knows now. A topic whose ledger knows no partition yet has nothing to compact: no message.
 */
export async function planCompactionGroups(
  context: CaptureContext,
): Promise<{ messages: CompactionGroupMessage[]; summary: CompactionDispatchSummary }> {
  const { topic, store } = context;
  const known = await store.ledger.partitions(topic.name);
  const messages = partitionGroupsOf(known, topic.compaction.partitionsPerGroup).map((partitions) => ({
    topic: topic.name,
    partitions,
  }));
  return { messages, summary: { groups: messages.length, partitions: known.length } };
}

/**
 * Narrows what a worker received (an object, or its JSON text as a queue may deliver it) to a group
 * of this topic under its current grouping. Anything else is a permanent error that says where the
 * message should have come from: retrying it cannot help, and the next hourly dispatch sends the
 * topic's groups again.
 */
export function parseCompactionGroupMessage(value: unknown, topic: TopicConfig): CompactionGroupMessage {
  const refuse = (problem: string, cause?: unknown): never => {
    throw new CaptureError(
      `compaction of ${topic.name}: ${problem}; a worker compacts one partition group, as the hourly dispatch sends it: ` +
        `{"topic":"${topic.name}","partitions":["0","1",…]} (see planCompactionGroups)`,
      { retriable: false, cause },
    );
  };
  let candidate = value;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    try {
      candidate = JSON.parse(value.toString());
    } catch (error) {
      refuse('the message is not JSON', error);
    }
  }
  const parsed = messageSchema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`,
    );
    return refuse(`the message is not a partition group (${issues.join('; ')})`);
  }
  const message = parsed.data;
  if (message.topic !== topic.name) {
    refuse(
      `the message is for topic ${message.topic}, and this worker captures ${topic.name} (do two topics share a queue?)`,
    );
  }
  const { partitionsPerGroup } = topic.compaction;
  if (!isPartitionGroup(message.partitions, partitionsPerGroup)) {
    refuse(
      `partitions ${message.partitions.join(',')} are not one group of compaction.partitionsPerGroup ${partitionsPerGroup} ` +
        '(a message sent before that setting changed: the next hourly dispatch covers these partitions, nothing is lost)',
    );
  }
  return message;
}
