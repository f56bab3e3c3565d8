/**
 * How a platform's trigger cuts a stream of records into invocations, on simulated time, so the bill
 * can run a day's shape of batches through the real functions in seconds.
 */
export interface TriggerSettings {
  /** Event Hubs `maxEventBatchSize`; the Lambda mapping's `BatchSize`. */
  readonly maxRecords: number;
  /**
   * Event Hubs `minEventBatchSize`: a batch goes once this many wait. Lambda waits for a full batch
   * (or its window, or 6 MB), so there it equals `maxRecords`.
   */
  readonly minRecords: number;
  /** Event Hubs `maxWaitTime`; the mapping's `MaximumBatchingWindowInSeconds`. */
  readonly maxWaitSeconds: number;
  /** Lambda's 6 MB invocation payload; Infinity on Event Hubs. */
  readonly maxPayloadBytes: number;
}

/** One record as the trigger sees it: when it can be read, and what it adds to the payload. */
export interface ArrivingRecord {
  readonly arrivalMs: number;
  readonly payloadBytes: number;
}

/** A batch: records `[first, end)` of the stream, delivered at `deliveredMs`. */
export interface TriggerBatch {
  readonly first: number;
  readonly end: number;
  readonly deliveredMs: number;
}

/**
 * Cuts records (in arrival order) into batches as the trigger would with a function that keeps up:
 * a batch goes as soon as `minRecords` wait (taking at most `maxRecords`, and no more than the
 * payload cap allows), or when its first record has waited `maxWaitSeconds`, whichever is first.
 * The function's own time is not simulated: at live rates a trigger hands over what is there, so a
 * slower function would only make batches larger (and the bill smaller).
 */
export function cutTriggerBatches(
  records: readonly ArrivingRecord[],
  settings: TriggerSettings,
): TriggerBatch[] {
  const batches: TriggerBatch[] = [];
  const waitMs = settings.maxWaitSeconds * 1000;
  let first = 0;
  while (first < records.length) {
    const head = records[first] as ArrivingRecord;
    const deadline = head.arrivalMs + waitMs;
    let end = first;
    let payload = 0;
    let deliveredMs = deadline;
    while (end < records.length) {
      const record = records[end] as ArrivingRecord;
      if (record.arrivalMs > deadline) break;
      if (end > first && payload + record.payloadBytes > settings.maxPayloadBytes) {
        deliveredMs = record.arrivalMs;
        break;
      }
      payload += record.payloadBytes;
      end += 1;
      const count = end - first;
      if (count >= settings.minRecords || count >= settings.maxRecords) {
        deliveredMs = record.arrivalMs;
        break;
      }
    }
    batches.push({ first, end, deliveredMs });
    first = end;
  }
  return batches;
}
