import type { SoakReport } from './soak.js';

/** The soak's report as `npm run reliability -- --soak` prints it, and its violations. */
export function describeSoak(report: SoakReport): { text: string; violations: number } {
  const verdict = (count: number) => (count === 0 ? '0' : `${count}  <-- VIOLATION`);
  let violations = 0;
  const lines = [
    `Soak: ${report.minutes} min of steady traffic, ${(report.durationMs / 60_000).toFixed(1)} min in all, ${report.produced} records produced, the topic recreated at ${report.topicRecreatedAt}`,
  ];
  for (const run of report.runs) {
    violations += run.duplicates + run.losses + run.unexpected + (run.partitionsRestarted === 0 ? 1 : 0);
    const longest = [...run.rss].sort((a, b) => b.minutes - a.minutes)[0];
    lines.push(
      `  ${run.platform === 'azure' ? 'Azure Kafka trigger into Azurite' : 'Lambda MSK mapping into S3'}`,
      `    records in / out     ${run.recordsIn} / ${run.recordsOut} (${run.recordsPerSecond.toFixed(0)} records/s over the soak)`,
      `    duplicates           ${verdict(run.duplicates)}`,
      `    losses               ${verdict(run.losses)}`,
      `    never produced       ${verdict(run.unexpected)}`,
      `    SIGKILLs             ${run.kills}`,
      `    faults injected      ${run.faultsInjected}`,
      `    positions restarted  ${run.partitionsRestarted === 0 ? '0  <-- VIOLATION (the recreated topic was not noticed)' : `${run.partitionsRestarted} partitions in generation 1; ${run.positionRestarts.length} capture.positions-restarted lines`}`,
      ...run.positionRestarts.map((restart) => `      ${restart}`),
      `    seal latency         p50 ${run.sealLatency.p50Seconds.toFixed(0)} s, p99 ${run.sealLatency.p99Seconds.toFixed(0)} s, max ${run.sealLatency.maxSeconds.toFixed(0)} s over ${run.sealLatency.objects} minute objects (minute end to object visible)`,
      `    RSS per process life ${run.rss.map((life) => `${life.firstMiB.toFixed(0)}->${life.lastMiB.toFixed(0)} MiB`).join(', ') || 'no life longer than its first minute'} (after each life's first minute)`,
      `    RSS slope            ${longest === undefined ? 'n/a' : `${longest.slopeMiBPerMinute.toFixed(2)} MiB/min over the longest life (${longest.minutes.toFixed(1)} min, straight-line fit)`}`,
    );
  }
  return { text: lines.join('\n'), violations };
}
