import { parseCommandArgs, runCommand, usageError } from './cli/command.js';
import { runCrashMatrix } from './crashMatrix/matrix.js';
import { crashMatrixStoresNamed, describeCrashMatrix } from './crashMatrix/report.js';
import { FAULT_KINDS } from './faults/faultProxy.js';
import { runKafkaReliability, startReliabilityBroker } from './reliability/kafkaRun.js';
import {
  RELIABILITY_SOURCES,
  RELIABILITY_STORES,
  type ReliabilityReport,
  type ReliabilitySource,
  type ReliabilityStore,
  runReliability,
} from './reliability/run.js';
import { runSoak } from './reliability/soak.js';
import { describeSoak } from './reliability/soakReport.js';

const USAGE = `Usage: npm run reliability -- [options]

Runs events through the real functions into Azurite and the S3 emulator, every storage request
passing a proxy that injects faults, from two sources:
  generator  generated events delivered as the Event Hubs trigger (Azurite) and the Lambda Kafka
             event source mapping (S3, MSK events) deliver them
  kafka      the events produced into a real local broker (started for the run), read by the local
             Kafka runner (npm run local -- --source kafka) as the Azure Kafka trigger (Azurite) and
             the MSK event source mapping (S3) read them, offsets committed after each success
Failed invocations are retried as the platform would until everything is sealed; then DuckDB reads
the lake back and every (partition, position) must be there exactly once. Then the drained lake is
compacted through the same proxies (a failed run is redone, as the hourly schedule would), and
DuckDB reads the Parquet files the table's Delta log lists: every raw record must be one row, and
each raw object covered by one committed unit. Faults during compaction are counted apart. Then the crash matrix:
a scenario through ingestion, sealing and compaction with the process killed before each of its
store and ledger calls in turn and restarted, each run on an empty lake, must leave exactly what a
run without crashes leaves. Exits 1 otherwise.

  --events <n>        events to generate (default 20000)
  --partitions <n>    partitions (default 4)
  --fault-rate <r>    share of storage requests that fail, 0 to 1 (default 0.05)
  --seed <n>          seed of the events and of the faults (default 1)
  --store azurite|s3|both   (default both)
  --source generator|kafka|both   (default both; with the other defaults the four runs take about
                      four minutes on 2 cores)
  --crashes fs|azurite|s3|all|none   stores of the crash matrix (default all)

A soak instead (nothing else runs): steady traffic into a real broker for <minutes>, captured by the
local Kafka runner as the Azure Kafka trigger (Azurite) and as the MSK mapping (S3) at once, through
fault proxies, each runner SIGKILLed and restarted every --kill-every seconds, the topic deleted and
created again halfway; then both drain and each lake is audited, both generations of positions.
  --soak <minutes>    how long traffic flows
  --rate <n>          events per second (default 100)
  --kill-every <s>    seconds between a runner's SIGKILLs (default 60)
  --partitions, --fault-rate (default 0.05), --seed   as above`;

const { values } = parseCommandArgs(
  {
    options: {
      events: { type: 'string', default: '20000' },
      partitions: { type: 'string', default: '4' },
      'fault-rate': { type: 'string', default: '0.05' },
      seed: { type: 'string', default: '1' },
      store: { type: 'string', default: 'both' },
      source: { type: 'string', default: 'both' },
      crashes: { type: 'string', default: 'all' },
      soak: { type: 'string' },
      rate: { type: 'string', default: '100' },
      'kill-every': { type: 'string', default: '60' },
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
  const sources: readonly ReliabilitySource[] =
    values.source === 'both' ? RELIABILITY_SOURCES : [values.source as ReliabilitySource];
  if (!sources.every((source) => RELIABILITY_SOURCES.includes(source)))
    usageError('--source must be generator, kafka or both', USAGE);
  if (values.soak !== undefined) {
    const report = await runSoak({
      minutes: positiveInteger('soak', values.soak),
      partitions: positiveInteger('partitions', values.partitions),
      rate: positiveInteger('rate', values.rate),
      killEverySeconds: positiveInteger('kill-every', values['kill-every']),
      faultRate,
      seed: positiveInteger('seed', values.seed),
    });
    const { text, violations } = describeSoak(report);
    console.log(text);
    if (violations > 0) {
      console.error('npm run reliability -- --soak failed: records were duplicated or lost (see above)');
      process.exit(1);
    }
    return;
  }
  const crashStores = crashMatrixStoresNamed(values.crashes);
  if (crashStores === null) usageError('--crashes must be fs, azurite, s3, all or none', USAGE);

  let violated = false;
  for (const source of sources) {
    const broker = source === 'kafka' ? await startReliabilityBroker() : undefined;
    try {
      for (const store of stores) {
        const options = {
          store,
          events: positiveInteger('events', values.events),
          partitions: positiveInteger('partitions', values.partitions),
          faultRate,
          seed: positiveInteger('seed', values.seed),
        };
        const report = broker
          ? await runKafkaReliability({ ...options, kafkaBootstrap: broker.bootstrap })
          : await runReliability(options);
        console.log(describeReliability(report));
        violated ||= violationsOf(report) > 0;
      }
    } finally {
      await broker?.stop();
    }
  }
  for (const store of crashStores) {
    const matrix = await runCrashMatrix({ store });
    console.log(describeCrashMatrix(matrix));
    violated ||= matrix.mismatches.length > 0;
  }
  if (violated) {
    console.error(
      'npm run reliability failed: records were duplicated or lost, or a crash changed the result (see above)',
    );
    process.exit(1);
  }
}

/** Records duplicated, lost or made up, in the raw lake or in its compaction, and raw objects covered other than once. */
function violationsOf(report: ReliabilityReport): number {
  const { compaction } = report;
  return (
    report.duplicates +
    report.losses +
    report.unexpected +
    compaction.duplicates +
    compaction.losses +
    compaction.unexpected +
    compaction.rawObjectsUncovered +
    compaction.rawObjectsCoveredTwice
  );
}

function describeReliability(report: ReliabilityReport): string {
  const injected = Object.values(report.faults).reduce((sum, count) => sum + count, 0);
  const reasons = Object.entries(report.deadLettersByReason);
  const verdict = (count: number) => (count === 0 ? '0' : `${count}  <-- VIOLATION`);
  const { compaction } = report;
  const compactionFaults = FAULT_KINDS.filter((kind) => compaction.faults[kind] > 0).map(
    (kind) => `${kind} ${compaction.faults[kind]}`,
  );
  return [
    `Reliability: ${report.store}, ${report.source} source (${report.platform} functions), ${(report.durationMs / 1000).toFixed(1)} s`,
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
    `  compaction           ${compaction.runs} runs (${compaction.runsFailed} failed and redone), ${compaction.requests} storage requests`,
    `    faults injected    ${compactionFaults.length === 0 ? 'none' : compactionFaults.join(', ')}`,
    `    rows in            ${compaction.rowsIn} (records of the raw objects)`,
    `    rows out           ${compaction.rowsOut} (rows of the files the Delta log lists)`,
    `    duplicates         ${verdict(compaction.duplicates)}`,
    `    losses             ${verdict(compaction.losses)}`,
    `    not in raw         ${verdict(compaction.unexpected)}`,
    `    raw objects not covered by one unit  ${verdict(compaction.rawObjectsUncovered + compaction.rawObjectsCoveredTwice)}`,
  ].join('\n');
}

runCommand('npm run reliability', main);
