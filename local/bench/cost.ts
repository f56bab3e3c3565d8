import { BILLING_RULES, PRICES } from './prices.js';
import type { CostLine, CostResult, ThroughputResult } from './results.js';

/** The volume compared: 1 TB (10^12 bytes) of event bodies a day, evenly spread. */
const DAILY_BYTES = 1e12;
/** One full vCPU on Lambda (see BILLING_RULES.lambdaCpu): the pipeline is measured on one core. */
const LAMBDA_MEMORY_MB = 1769;
/** A Flex Consumption instance size; the CPU it comes with was not found, one core is assumed. */
const FLEX_MEMORY_MB = 2048;
/** Firehose's "5 KB" billing increment, read as 5 KiB. */
const FIREHOSE_INCREMENT_BYTES = 5 * 1024;
/** Event Hubs throughput unit ingress (BILLING_RULES.eventHubsThroughputUnit), MB as 10^6 bytes. */
const TU_BYTES_PER_SECOND = 1e6;
const TU_EVENTS_PER_SECOND = 1000;
/** A connector runs at least one worker of one MCU, all day. */
const MIN_MSK_CONNECT_MCU_HOURS_PER_DAY = 24;

/** Dollars as a price list writes them: cents for amounts, every digit for per-unit rates. */
export function formatUsd(value: number): string {
  return value >= 0.01 ? `$${value.toFixed(2)}` : `$${value}`;
}

/** A unit price as it was quoted ($0.029, not $0.03): rounding it would misstate the rate used. */
export function formatPrice(value: number): string {
  return `$${value}`;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * Turns the one-core zstd pipeline rate into compute seconds per GB and a daily bill at list
 * prices, beside what the managed alternatives bill on for the same volume. A price that was not
 * found leaves its figure out (null) but keeps the line, with what it would be multiplied by.
 */
export function estimateCost(throughput: ThroughputResult): CostResult {
  const meanRecordBytes = throughput.bodyBytes / throughput.events;
  const gbPerDay = DAILY_BYTES / 1e9;
  const recordsPerDay = DAILY_BYTES / meanRecordBytes;
  const invocationsPerDay = recordsPerDay / throughput.batchRecords;
  const secondsPerGb = (envelope: boolean) => {
    const figure = throughput.pipeline.find(
      (run) => run.compression === 'zstd' && run.envelope === envelope && run.store === 'filesystem',
    );
    if (!figure) throw new Error('no zstd pipeline figure to cost');
    return 1000 / figure.mbPerSecond;
  };
  const computeSecondsPerGb = { body: secondsPerGb(false), envelope: secondsPerGb(true) };

  const lines: CostLine[] = [];
  for (const [mode, seconds] of Object.entries(computeSecondsPerGb)) {
    const lambdaGbSeconds = seconds * gbPerDay * (LAMBDA_MEMORY_MB / 1024);
    const lambdaCompute = lambdaGbSeconds * PRICES.lambdaArmDuration.usd;
    const lambdaRequests = (invocationsPerDay / 1e6) * PRICES.lambdaRequests.usd;
    lines.push({
      option: `this pipeline on Lambda arm64, ${LAMBDA_MEMORY_MB} MB (zstd, ${mode} lines)`,
      usdPerDay: lambdaCompute + lambdaRequests,
      basis:
        `${count(lambdaGbSeconds)} GB-s × ${formatPrice(PRICES.lambdaArmDuration.usd)} = ${formatUsd(lambdaCompute)}, ` +
        `+ ${count(invocationsPerDay)} invocations × ${formatPrice(PRICES.lambdaRequests.usd)}/M = ${formatUsd(lambdaRequests)}`,
    });
    const flexGbSeconds = seconds * gbPerDay * (FLEX_MEMORY_MB / 1024);
    const flexExecutionTime = flexGbSeconds * PRICES.flexOnDemandExecutionTime.usd;
    lines.push({
      option: `this pipeline on Flex Consumption, ${FLEX_MEMORY_MB} MB instance (zstd, ${mode} lines)`,
      usdPerDay: flexExecutionTime,
      basis:
        `${count(flexGbSeconds)} GB-s × ${formatPrice(PRICES.flexOnDemandExecutionTime.usd)} = ${formatUsd(flexExecutionTime)}; ` +
        `${count(invocationsPerDay)} executions at a price not found, left out`,
    });
  }

  const eventsPerSecond = recordsPerDay / 86_400;
  const throughputUnits = Math.max(
    Math.ceil(DAILY_BYTES / 86_400 / TU_BYTES_PER_SECOND),
    Math.ceil(eventsPerSecond / TU_EVENTS_PER_SECOND),
  );
  const captureTuHours = throughputUnits * 24;
  lines.push({
    option: 'Event Hubs Capture (Standard), the Capture meter alone',
    usdPerDay: captureTuHours * PRICES.eventHubsCapture.usd,
    basis:
      `${count(eventsPerSecond)} events/s need ${throughputUnits} throughput units; Capture bills ` +
      `${captureTuHours} TU-hours a day × ${formatPrice(PRICES.eventHubsCapture.usd)} (the throughput units themselves are paid either way)`,
  });
  const billedRecordBytes = Math.ceil(meanRecordBytes / FIREHOSE_INCREMENT_BYTES) * FIREHOSE_INCREMENT_BYTES;
  const billedGbPerDay = (recordsPerDay * billedRecordBytes) / 2 ** 30;
  const rounding = `${count(billedGbPerDay)} GiB billed a day (each ${Math.round(meanRecordBytes)}-byte record counts as ${billedRecordBytes / 1024} KiB, ${(billedRecordBytes / meanRecordBytes).toFixed(1)}× its size)`;
  lines.push(
    {
      option: 'Amazon Data Firehose, Direct PUT or Kinesis source',
      usdPerDay: billedGbPerDay * PRICES.firehoseIngestion.usd,
      basis: `${rounding} × ${formatPrice(PRICES.firehoseIngestion.usd)}`,
    },
    {
      option: 'Amazon Data Firehose + format conversion to Parquet',
      usdPerDay: PRICES.firehoseFormatConversion.usd,
      basis: 'conversion is billed on the same rounded volume on top of ingestion; price not found',
    },
    {
      option: 'Amazon Data Firehose + dynamic partitioning',
      usdPerDay: PRICES.firehoseDynamicPartitioning.usd,
      basis: 'billed per GB delivered and per S3 object on top of ingestion; price not found',
    },
    {
      option: 'Kafka Connect S3 sink worker (Amazon MSK Connect), at least',
      usdPerDay: MIN_MSK_CONNECT_MCU_HOURS_PER_DAY * PRICES.mskConnect.usd,
      basis:
        `billed per MCU-hour (1 MCU = 1 vCPU, 4 GiB): one MCU all day is ${MIN_MSK_CONNECT_MCU_HOURS_PER_DAY} MCU-hours × ` +
        `${formatPrice(PRICES.mskConnect.usd)}, a floor: how many MCUs 1 TB a day needs was not measured`,
    },
  );

  return {
    dailyBytes: DAILY_BYTES,
    meanRecordBytes,
    computeSecondsPerGb,
    lines,
    assumptions: [
      `1 TB a day = 10^12 bytes of event bodies, evenly spread; mean event ${Math.round(meanRecordBytes)} bytes as generated here.`,
      'Compute is the zstd pipeline’s best one-core rate on this machine, into the filesystem store as a stand-in for the ' +
        'Blob or S3 calls a function waits on; a Lambda arm64 or Flex vCPU is assumed as fast as this core (not measured).',
      `Lambda at ${LAMBDA_MEMORY_MB} MB, one full vCPU (${BILLING_RULES.lambdaCpu.source}); one invocation per ${throughput.batchRecords}-record batch.`,
      `Flex Consumption at ${FLEX_MEMORY_MB} MB per instance, billed while executing, one batch at a time; its CPU per instance size was not found.`,
      'US East list prices, no free grants, no savings plans; storage, storage requests, ledger operations and data transfer are left out of every line.',
      'Capture, Firehose and Kafka Connect lines show what they bill on at prices quoted by secondary pages (see Prices used); where no price was found the figure is left out.',
    ],
  };
}
