import type { KafkaPeerFigure, KafkaPeersResult } from './kafkaPeers.js';
import type { Section } from './section.js';

/** The bar: ours at least as fast as Kafka Connect past start-up, in both shapes. */
const TARGET = 1;

/** Kafka to lake, ours in both shapes beside Kafka Connect and the console consumer. */
export function kafkaPeersSection(result: KafkaPeersResult): Section {
  const connect = result.figures.find((figure) => figure.tool.startsWith('Kafka Connect'));
  const ours = result.figures.filter((figure) => figure.tool.startsWith('ours'));
  const ratio = (mbPerSecond: number) =>
    connect ? `${(mbPerSecond / connect.mbPerSecondPastStartup).toFixed(2)}×` : 'n/a';
  const met =
    connect !== undefined &&
    ours.every((figure) => figure.mbPerSecondPastStartup >= TARGET * connect.mbPerSecondPastStartup);
  return {
    title: 'Kafka to lake: ours against Kafka Connect and the console consumer',
    headers: [
      'tool',
      'start-up s',
      'past start-up s',
      'MB/s past start-up',
      '× Kafka Connect',
      'rounds (MB/s)',
      'CPU s past start-up',
      'CPU s per GB',
      'broker CPU s',
    ],
    rows: result.figures.map((figure) => [
      figure.tool,
      figure.startupSeconds.toFixed(1),
      figure.workSeconds.toFixed(1),
      figure.mbPerSecondPastStartup.toFixed(1),
      ratio(figure.mbPerSecondPastStartup),
      figure.roundsMbPerSecond.map((rate) => rate.toFixed(1)).join(', '),
      seconds(figure.cpuSeconds),
      seconds(figure.cpuSeconds === null ? null : figure.cpuSeconds / (result.bodyBytes / 1e9)),
      seconds(figure.brokerCpuSeconds),
    ]),
    notes: [
      `One topic of ${result.events.toLocaleString('en-US')} generated events over ${result.partitions} partitions ` +
        `(${(result.bodyBytes / 1e6).toFixed(1)} MB of bodies) in a local KRaft broker, each tool reading all of it from the ` +
        `beginning with a consumer group of its own, one after another on the same machine, in ${result.rounds} round(s) ` +
        'that each run every tool once; a row is the tool’s median round. Start-up ends at the first output ' +
        '(our first invocation line; the sink file’s first bytes; the consumer’s first line); ours runs past it to its exit, ' +
        'every record staged and every minute sealed.',
      `Ours: \`npm run local -- --source kafka --from-beginning --until-drained --instances ${result.instances}\` into the filesystem lake ` +
        `with the batch settings the product ships (host.json’s Kafka extension settings; the stack’s default mapping batch size and ` +
        `window, the 6 MB payload); ${result.instances} function instance(s), one per core and at most one per partition, each in a thread of its own with the ` +
        'partitions shared out, as the cloud runs a topic’s partitions on instances side by side; ' +
        'JSON-lines envelopes, zstd, compressed and staged, ledger per batch, sealed. Connect: FileStreamSink writes each value as a ' +
        'line, no compression, no sealing; the console consumer prints each value.',
      'CPU s: user and system seconds of the tool’s process, every thread, past start-up (from /proc, the median round’s), ' +
        `and per GB of bodies; the broker’s over the same time, serving that tool. ${result.cores} cores give ${result.cores} CPU s ` +
        'per second of wall time. Ours’ split below is the run’s own, from its first batch on: a little more than the column, ' +
        'which starts when the first invocation has ended.',
      ...ours.flatMap((figure) => splitNote(figure)),
      `Target: ours ≥ ${TARGET} × Kafka Connect past start-up in both shapes: ${met ? 'met' : 'missed'}.`,
      ...(result.rounds > 1
        ? ['The rounds show how far the machine’s other work moved each tool; the ratio compares medians.']
        : []),
    ],
  };
}

const seconds = (value: number | null) => (value === null ? 'n/a' : value.toFixed(1));

/** Where ours spent its CPU, as the run itself split it from its first batch on. */
function splitNote({ tool, cpuSplit }: KafkaPeerFigure): string[] {
  if (cpuSplit === null) return [];
  const { totalSeconds, runnerSeconds, instanceSeconds, instances } = cpuSplit;
  const share = (part: number) =>
    totalSeconds > 0
      ? `${part.toFixed(2)} s (${Math.round((100 * part) / totalSeconds)}%)`
      : `${part.toFixed(2)} s`;
  const threads =
    instances === 0
      ? `the runner’s thread, the emulated trigger, the function and the seal timer, ${share(runnerSeconds)}`
      : `the runner’s thread, the emulated trigger (Kafka reads, batching, handing over) and the seal timer, ${share(runnerSeconds)}; ` +
        `${instances} function instance threads ${share(instanceSeconds)}`;
  return [
    `${tool}: ${totalSeconds.toFixed(2)} CPU s from its first batch on, as the run split them: ${threads}; other threads ` +
      `(V8’s collector and compiler, libuv’s compression and file writes) ${share(totalSeconds - runnerSeconds - instanceSeconds)}.`,
  ];
}
