import { type CompactionOptions, compactClosedHours } from '../../shared/compaction/compact.js';
import { parseConfig } from '../../shared/config/load.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import type { CaptureContext } from '../../shared/pipeline/context.js';
import { ingestBatch } from '../../shared/pipeline/ingest.js';
import { sealIdlePartitions } from '../../shared/pipeline/sealTimer.js';
import type { CaptureRecord } from '../../shared/record.js';
import type { CrashPhase, SimulatedProcess } from '../faults/simulatedProcess.js';

/** What a platform asks of the functions, at a fixed clock time. */
export type ScenarioStep =
  /** The trigger delivers a batch; an invocation that fails or dies is delivered again. */
  | {
      readonly kind: 'deliver';
      readonly at: number;
      /** Names the batch in reports. */
      readonly batch: string;
      readonly records: readonly CaptureRecord[];
    }
  /** The seal timer fires. */
  | { readonly kind: 'timer'; readonly at: number }
  /** The compaction worker of a partition group runs. */
  | { readonly kind: 'compaction'; readonly at: number; readonly partitions: readonly string[] };

/** Gzipped JSON-lines envelopes: coordinates on every line, and the format compaction reads. */
export const SCENARIO_TOPIC: TopicConfig = parseConfig(
  {
    topics: [
      {
        name: 'crash-matrix',
        source: 'eventhub',
        compression: 'gzip',
        jsonl: { envelope: true, nonJsonBodies: 'deadletter' },
        sealDelaySeconds: 60,
      },
    ],
  },
  'the crash matrix scenario',
).topics[0] as TopicConfig;

/** The hour before the one the compaction runs in: the scenario's hour. */
const COMPACTION: CompactionOptions = { lookbackHours: 1 };

/** 2026-11-21 12:mm:ss UTC; minutes past 59 run into the next hour. */
const at = (minute: number, second = 0) => Date.UTC(2026, 10, 21, 12, minute, second);

/** Records of one partition from `first` on, one per broker time given, each body naming its coordinates. */
function records(
  partition: string,
  first: number,
  times: readonly number[],
  extra: Record<string, unknown> = {},
): CaptureRecord[] {
  return times.map((brokerTime, index) => {
    const position = first + index;
    return {
      topic: SCENARIO_TOPIC.name,
      partition,
      position,
      offset: String(position * 100),
      brokerTime,
      key: Buffer.from(`key-${partition}-${position}`),
      headers: [{ name: 'source', value: Buffer.from('crash-matrix') }],
      systemProperties: {},
      body: Buffer.from(JSON.stringify({ partition, position, amount: position * 10, ...extra })),
    };
  });
}

/** Partition 1's part carries a body that is not JSON: it must end in a dead-letter object. */
const WITH_POISON = records('1', 0, [at(1, 10), at(1, 20), at(1, 40)]).map((record) =>
  record.position === 2 ? { ...record, body: Buffer.from('{"partition":"1", not json') } : record,
);
const BOTH_PARTITIONS = [...records('0', 0, [at(1, 10), at(1, 25), at(1, 40)]), ...WITH_POISON];

/**
 * Two partitions, one hour of a topic, every path through the pipeline once, in as few store calls
 * as that takes (each call is a crash point, and each crash point a run of the whole scenario): a
 * batch of both partitions (a Kafka event source mapping) with a record that becomes a dead letter;
 * the same batch again after a lost checkpoint; batches of one partition (the Event Hubs trigger)
 * whose records move on and seal earlier minutes during ingestion; the timer closing an idle
 * partition's minute; a record for a minute already sealed (a late object) between two records of a
 * minute still open (its second segment, whose positions enclose the late one's); and the
 * compaction of the closed hour. The seal delay is 60 s.
 */
export const CRASH_SCENARIO: readonly ScenarioStep[] = [
  { kind: 'deliver', at: at(1, 50), batch: 'p0+p1 minute 1', records: BOTH_PARTITIONS },
  // The checkpoint of the batch before was lost: the platform delivers it again.
  { kind: 'deliver', at: at(2, 10), batch: 'p0+p1 minute 1 again', records: BOTH_PARTITIONS },
  // A record timed 12:03:20 seals partition 0's minutes through 12:01.
  { kind: 'deliver', at: at(3, 30), batch: 'p0 minute 3', records: records('0', 3, [at(3, 0), at(3, 20)]) },
  // Partition 1 has been idle since 12:01:50: the timer seals its minute 12:01.
  { kind: 'timer', at: at(4, 30) },
  // Position 5 is for 12:01, sealed: a late object. Position 7, timed 13:00:30, seals 12:03 and so
  // closes the hour; its own minute stays open.
  {
    kind: 'deliver',
    at: at(60, 40),
    batch: 'p0 late and on',
    records: records('0', 5, [at(1, 55), at(3, 50), at(60, 30)]),
  },
  { kind: 'compaction', at: at(70), partitions: ['0'] },
  { kind: 'compaction', at: at(70), partitions: ['1'] },
  // Position 8 is for 12:02, sealed long ago: a late object of the compacted hour.
  {
    kind: 'deliver',
    at: at(75),
    batch: 'p0 late after compaction',
    records: records('0', 8, [at(2, 5)], { detail: { note: 'late' } }),
  },
  { kind: 'compaction', at: at(80), partitions: ['0'] },
];

/** The step in a report's words. */
export function describeStep(step: ScenarioStep): string {
  return step.kind === 'deliver'
    ? `batch "${step.batch}"`
    : step.kind === 'timer'
      ? 'seal timer'
      : `compaction of partitions ${step.partitions.join(',')}`;
}

/** The phase whose store calls a step makes. */
export function phaseOf(step: ScenarioStep): CrashPhase {
  return step.kind === 'deliver' ? 'ingestion' : step.kind === 'timer' ? 'sealing' : 'compaction';
}

/** Runs one step in a process through the real pipeline entry points, its clock stopped at the step's time. */
export async function runStep(process: SimulatedProcess, step: ScenarioStep): Promise<void> {
  const context: CaptureContext = {
    topic: SCENARIO_TOPIC,
    store: process.storeFor(phaseOf(step)),
    clock: () => step.at,
  };
  if (step.kind === 'deliver') await ingestBatch(context, step.records);
  else if (step.kind === 'timer') await sealIdlePartitions(context);
  else await compactClosedHours(context, { ...COMPACTION, partitions: step.partitions });
}
