import { readFile } from 'node:fs/promises';

/** One invocation's figures for one partition, in the order the log has them. */
export interface InvocationPoint {
  /** The invocation's place in the log (1 for the first line of any function). */
  readonly invocation: number;
  readonly records: number;
  readonly lagMs: number | null;
}

export interface InvocationSeries {
  readonly file: string;
  readonly invocations: number;
  /** Per partition, the invocations that did something for it. */
  readonly byPartition: Readonly<Record<string, readonly InvocationPoint[]>>;
}

/**
 * The lag and records of each partition per invocation, from the log lines the local runs write
 * (`<dir>/_logs/invocations.jsonl`, one `capture.invocation` line per invocation, as Application
 * Insights and CloudWatch get them). The lines carry no clock time, so the series is by invocation
 * order. Null when there is no such file (a deployed lake's lines are in the cloud's logs).
 */
export async function readInvocationSeries(file: string): Promise<InvocationSeries | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    // Only a missing log means "no log"; a log the console cannot read is an error to show.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const byPartition: Record<string, InvocationPoint[]> = {};
  let invocations = 0;
  for (const line of text.split('\n')) {
    const value = parsed(line);
    if (value?.event !== 'capture.invocation') continue;
    invocations++;
    for (const figures of Array.isArray(value.byPartition) ? value.byPartition : []) {
      const { partition, records, lagMs } = figures as Record<string, unknown>;
      if (typeof partition !== 'string') continue;
      byPartition[partition] ??= [];
      byPartition[partition].push({
        invocation: invocations,
        records: typeof records === 'number' ? records : 0,
        lagMs: typeof lagMs === 'number' ? lagMs : null,
      });
    }
  }
  return { file, invocations, byPartition };
}

function parsed(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
