import { parseCommandArgs, runCommand, usageError } from './cli.js';
import { FAULT_KINDS } from './faultProxy.js';
import {
  RELIABILITY_STORES,
  type ReliabilityReport,
  type ReliabilityStore,
  runReliability,
} from './reliabilityRun.js';

const USAGE = `Usage: npm run reliability -- [options]

Runs generated events through the real functions into Azurite (Event Hubs function) and the S3
emulator (Lambda function, MSK events), every storage request passing a proxy that injects faults.
Failed invocations are retried as the platform would until everything is sealed; then DuckDB reads
the lake back and every (partition, position) must be there exactly once. Exits 1 otherwise.

  --events <n>        events to generate (default 20000)
  --partitions <n>    partitions (default 4)
  --fault-rate <r>    share of storage requests that fail, 0 to 1 (default 0.05)
  --seed <n>          seed of the events and of the faults (default 1)
  --store azurite|s3|both   (default both)`;

const { values } = parseCommandArgs(
  {
    options: {
      events: { type: 'string', default: '20000' },
      partitions: { type: 'string', default: '4' },
      'fault-rate': { type: 'string', default: '0.05' },
      seed: { type: 'string', default: '1' },
      store: { type: 'string', default: 'both' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  },
  USAGE,
);

function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0)
    usageError(`--${name} must be a positive whole number, got "${value}"`, USAGE);
  return number;
}

async function main(): Promise<void> {
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const faultRate = Number(values['fault-rate']);
  if (!(faultRate >= 0 && faultRate <= 1))
    usageError(`--fault-rate must be between 0 and 1, got "${values['fault-rate']}"`, USAGE);
  const stores: readonly ReliabilityStore[] =
    values.store === 'both' ? RELIABILITY_STORES : [values.store as ReliabilityStore];
  if (!stores.every((store) => RELIABILITY_STORES.includes(store)))
    usageError('--store must be azurite, s3 or both', USAGE);

  let violated = false;
  for (const store of stores) {
    const report = await runReliability({
      store,
      events: positiveInteger('events', values.events),
      partitions: positiveInteger('partitions', values.partitions),
      faultRate,
      seed: positiveInteger('seed', values.seed),
    });
    console.log(describeReliability(report));
    violated ||= report.duplicates > 0 || report.losses > 0 || report.unexpected > 0;
  }
  if (violated) {
    console.error('npm run reliability failed: records were duplicated or lost (see above)');
    process.exit(1);
  }
}

function describeReliability(report: ReliabilityReport): string {
  const injected = Object.values(report.faults).reduce((sum, count) => sum + count, 0);
  const reasons = Object.entries(report.deadLettersByReason);
  const verdict = (count: number) => (count === 0 ? '0' : `${count}  <-- VIOLATION`);
  return [
    `Reliability: ${report.store} (${report.platform} functions), ${(report.durationMs / 1000).toFixed(1)} s`,
    `  storage requests     ${report.requests}`,
    `  faults injected      ${injected}`,
    ...FAULT_KINDS.map((kind) => `    ${kind.padEnd(18)} ${report.faults[kind]}`),
    `  invocations          ${report.invocations} (${report.invocationsRetried} failed and retried)`,
    `  records in           ${report.recordsIn}`,
    `  records out          ${report.recordsOut}`,
    `  duplicates           ${verdict(report.duplicates)}`,
    `  losses               ${verdict(report.losses)}`,
    `  never delivered      ${verdict(report.unexpected)}`,
    `  dead letters         ${reasons.length === 0 ? 'none' : reasons.map(([reason, count]) => `${reason} ${count}`).join(', ')}`,
  ].join('\n');
}

runCommand('npm run reliability', main);
