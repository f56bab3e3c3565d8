/**
 * The custom metrics the Lambda functions publish (CloudWatch embedded metric format, through the
 * Powertools metrics utility) and the dashboard and alarms read. One namespace for the product; each
 * metric carries the dimensions of `metricDimensionsOf`: per-partition figures stay in the log line,
 * where they cost nothing per series.
 */
export const METRICS_NAMESPACE = 'StreamCapture';
export const TOPIC_DIMENSION = 'topic';

/** The service name of a topic's functions (Powertools logs and metrics). */
export const serviceNameOf = (topic: string) => `capture-${topic}`;

/**
 * Powertools always adds a `service` dimension, so a metric's full dimension set, which CloudWatch
 * needs to find it, is the service and the topic.
 */
export const metricDimensionsOf = (topic: string) => ({
  service: serviceNameOf(topic),
  [TOPIC_DIMENSION]: topic,
});

export const METRIC = {
  records: 'Records',
  redelivered: 'RedeliveredRecords',
  bytesIn: 'BytesIn',
  bytesOut: 'BytesOut',
  objectsSealed: 'ObjectsSealed',
  lateObjectsSealed: 'LateObjectsSealed',
  deadLetters: 'DeadLetters',
  lagMs: 'LagMs',
  ledgerConflicts: 'LedgerConflicts',
  hoursCompacted: 'HoursCompacted',
  rowsCompacted: 'RowsCompacted',
  compactedBytes: 'CompactedBytes',
  /** Partition groups the hourly dispatch sent a compaction worker. */
  compactionGroups: 'CompactionGroups',
  /** Hours seen by compaction whose minutes are not all sealed yet. */
  hoursWaiting: 'HoursWaiting',
  /** Hours from a group's compaction watermark to now: the backlog the compaction alarm watches. */
  compactionHoursBehind: 'CompactionHoursBehind',
  /** Raw objects a compaction run saw that no committed unit covers yet. */
  compactionObjectsPending: 'CompactionObjectsPending',
  /** Hours a run went back to for late objects that came after the lookback (their markers). */
  compactionLateHoursFound: 'CompactionLateHoursFound',
  /** Invocations that threw: the mapping retries them (the partition waits). */
  failures: 'Failures',
  /** Partitions whose positions started over: captured into a new generation (README, Nothing skipped). */
  positionRestarts: 'PositionRestarts',
  /** Partitions with staged segments but no ledger, found by the seal timer's hourly check. */
  ledgersLost: 'LedgersLost',
  /**
   * Invocations holding a partition until an operator acts: a missing ledger, positions that cannot
   * be told apart, records of another topic. Each is also a failure.
   */
  operatorHolds: 'OperatorHolds',
} as const;
