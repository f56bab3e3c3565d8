import type { Section } from '../section.js';
import type { DailyBill } from './dailyBill.js';
import { type BillResult, type OurOption, type ScenarioBill, TARGET_PEER } from './measureBill.js';

const usd = (value: number | null) => (value === null ? 'not found' : `$${value.toFixed(2)}`);
const times = (value: number | null | undefined) =>
  value === null || value === undefined ? 'n/a' : `${value.toFixed(3)}×`;
const whole = (value: number) => Math.round(value).toLocaleString('en-US');

/** The terms of a bill in the order of the table: compute, requests, executions, logs, the rest. */
function terms(bill: DailyBill) {
  const capturePhases = [bill.ingestion, bill.sealTimer];
  const sum = (pick: (phase: DailyBill['ingestion']) => number) =>
    capturePhases.reduce((total, phase) => total + pick(phase), 0);
  const compaction = bill.compaction;
  return {
    compute: sum((phase) => phase.compute),
    requests: sum((phase) => phase.requests),
    executions: sum((phase) => phase.executions),
    logs: sum((phase) => phase.logIngestion),
    fixed: bill.checkpoints + (bill.monitoring ?? 0),
    compaction: compaction.compute + compaction.requests + compaction.executions + compaction.logIngestion,
  };
}

function optionRow(option: OurOption): string[] {
  const term = terms(option.bill);
  const peer = TARGET_PEER[option.platform];
  return [
    `${option.platform === 'azure' ? 'Flex Consumption' : 'Lambda arm64'}: ${option.label}`,
    usd(option.bill.allIn),
    usd(option.bill.captureOnly),
    usd(term.compute),
    usd(term.requests),
    usd(term.executions),
    usd(term.logs),
    usd(term.fixed),
    usd(term.compaction),
    `${option.sealLatencySeconds.mean.toFixed(0)} / ${option.sealLatencySeconds.max.toFixed(0)}`,
    `${times(option.captureOnlyRatios[peer])} (${times(option.ratios[peer])})`,
  ];
}

/** The shipped row of a platform: the last lever. */
const shippedOf = (bill: ScenarioBill, platform: OurOption['platform']) =>
  bill.options.filter((option) => option.platform === platform).at(-1) as OurOption;

function targetNote(bill: ScenarioBill, platform: OurOption['platform']): string {
  const shipped = shippedOf(bill, platform);
  const peerId = TARGET_PEER[platform];
  const peer = bill.peers.find((candidate) => candidate.id === peerId);
  const ratio = shipped.captureOnlyRatios[peerId];
  const term = terms(shipped.bill);
  const largest = Object.entries(term)
    .filter(([name]) => name !== 'compaction')
    .sort(([, a], [, b]) => b - a)[0] as [string, number];
  const floor = bill.objectWriteFloor[platform];
  const met = ratio !== null && ratio !== undefined && ratio <= 0.1;
  return (
    `${platform === 'azure' ? 'Azure' : 'AWS'}: shipped settings ${usd(shipped.bill.captureOnly)} a day without compaction = ` +
    `${times(ratio)} ${peer?.option} (${usd(peer?.usdPerDay ?? null)}); target ≤ 0.1×: ${met ? 'met' : 'missed'}. ` +
    `Largest term: ${largest[0]} (${usd(largest[1])}). The contract alone (one object per partition and minute, ` +
    `${whole(bill.scenario.partitionsPerTopic * bill.scenario.topics * 1440)} writes a day) costs ${usd(floor.usdPerDay)} = ` +
    `${times(floor.ratio)} of it. With hourly compaction to Parquet, which the peers do not do, ${usd(shipped.bill.allIn)} ` +
    `(${times(shipped.ratios[peerId])}).`
  );
}

/** One table per scenario: our rows lever by lever on both platforms, then the peers. */
export function billSections(result: BillResult): Section[] {
  return result.scenarios.map((bill) => ({
    title: `All-in cost per day: ${bill.scenario.title}`,
    headers: [
      'option',
      '$/day all-in',
      'without compaction',
      'compute',
      'requests',
      'executions',
      'log ingestion',
      'checkpoints, alarms, dashboards',
      'compaction',
      'seal s (mean / max)',
      '× target peer (all-in)',
    ],
    rows: [
      ...bill.options.map(optionRow),
      ...bill.peers.map((peer) => [
        peer.option,
        usd(peer.usdPerDay),
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        peer.basis,
      ]),
    ],
    notes: [
      targetNote(bill, 'azure'),
      targetNote(bill, 'aws'),
      `${bill.eventsPerSecondPerPartition.toFixed(1)} events per second per partition (mean body ${Math.round(result.meanRecordBytes)} bytes); ` +
        `the slice ran ${bill.scenario.simulatedPartitions} partition(s) for ${result.countedMinutes} counted minutes through Azurite and the S3 and DynamoDB servers.`,
    ],
  }));
}

/** Storage requests a day by kind, the shipped rows. */
export function requestsSection(result: BillResult): Section {
  const kinds = [
    ...new Set(
      result.scenarios.flatMap((bill) =>
        bill.options.flatMap((option) => Object.keys(option.requestsPerDay)),
      ),
    ),
  ].sort();
  return {
    title: 'Storage requests a day by kind (shipped settings, every phase)',
    headers: ['scenario', 'platform', ...kinds],
    rows: result.scenarios.flatMap((bill) =>
      (['azure', 'aws'] as const).map((platform) => {
        const counts = shippedOf(bill, platform).requestsPerDay;
        return [
          bill.scenario.id,
          platform,
          ...kinds.map((kind) => whole(counts[kind as keyof typeof counts] ?? 0)),
        ];
      }),
    ),
    notes: [
      'Counted through a proxy in front of each emulator (every HTTP request the functions made, retries included), by phase, ' +
        'then scaled to a day: ingestion by partition-minutes, the seal timer by runs (its listing once per topic and run, ' +
        'the rest per partition), compaction by raw objects (its listings per hourly run and partition group).',
      `Compute is the functions' CPU time measured here, from the trigger's input as the runtime hands it over (on Lambda the ` +
        'runtime’s JSON.parse of the payload included; building the payload, the mapping’s work, left out) ' +
        `(Lambda: scaled up below 1,769 MB, where a function has less than a vCPU) ` +
        `plus ${result.requestWaitSeconds * 1000} ms per storage request waited on, an assumption: the emulators share this machine's ` +
        'two cores with other work, so their response times say nothing of the cloud’s.',
      `Log bytes: our line per invocation as written here; ${result.logBytesHow.aws}. ${result.logBytesHow.azure}.`,
      'Prices: US East list prices (see Prices used), no free grants, no savings plans, storage capacity and data transfer left out; ' +
        'Azure alert rules: price not found, left out. S3 DELETE requests are free (the price page); the store deletes one key ' +
        'per request, since the page says nothing of multi-object deletes (DeleteObjects, a POST, would be priced as one).',
      'DynamoDB (the AWS ledger table, on demand): each ledger write is priced at the write units its item took, measured on ' +
        'every write of the slice (a unit per started KB of the larger of the item before and after, the ledger gzipped); a ' +
        'read at a read unit per started 4 KB of that item; the timer’s query at the topic’s items together (Billing rules used).',
    ],
  };
}
