import { PRICES } from '../prices.js';
import type { Scenario } from './scenarios.js';

/** What a user would otherwise pay a day for the same volume, with the basis of the figure. */
export interface PeerBill {
  readonly id: PeerId;
  readonly option: string;
  readonly usdPerDay: number | null;
  readonly basis: string;
}

export type PeerId =
  | 'capture'
  | 'firehose-msk'
  | 'firehose-direct-put'
  | 'msk-connect'
  | 'container-aws'
  | 'container-azure';

/** Throughput units' ingress (BILLING_RULES.eventHubsThroughputUnit): 1 MB/s or 1,000 events/s. */
const TU_BYTES_PER_SECOND = 1e6;
const TU_EVENTS_PER_SECOND = 1000;
/** Firehose's "5 KB" increment per record (Direct PUT and Kinesis sources), read as 5 KiB. */
const FIREHOSE_INCREMENT_BYTES = 5 * 1024;
/** The story's self-run consumer: a small container per topic. */
const CONTAINER_VCPU = 0.25;
const CONTAINER_GIB = 0.5;
const SECONDS_PER_DAY = 86_400;

export interface PeerInputs {
  readonly meanRecordBytes: number;
  /** A Kafka Connect worker's measured throughput on one topic here (MB/s), null when not measured. */
  readonly connectWorkerMbPerSecond: number | null;
  /** Our pipeline's one-core rate here (MB/s of bodies): what sizes the container per topic. */
  readonly pipelineMbPerSecondPerCore: number;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * The managed and self-run alternatives, priced for the scenario. Capture is charged per throughput
 * unit the namespace needs (the units themselves are paid with or without Capture); the namespace of
 * small hubs is priced as one namespace holding them all, the cheapest Capture can be, so the ratio
 * against it is the hardest one for us.
 */
export function peerBills(scenario: Scenario, inputs: PeerInputs): PeerBill[] {
  const bytesPerDay = scenario.bytesPerTopicPerDay * scenario.topics;
  const recordsPerDay = bytesPerDay / inputs.meanRecordBytes;
  const bytesPerSecond = bytesPerDay / SECONDS_PER_DAY;
  const throughputUnits = Math.max(
    Math.ceil(bytesPerSecond / TU_BYTES_PER_SECOND),
    Math.ceil(recordsPerDay / SECONDS_PER_DAY / TU_EVENTS_PER_SECOND),
  );
  const gbPerDay = bytesPerDay / 1e9;
  const billedRecordBytes =
    Math.ceil(inputs.meanRecordBytes / FIREHOSE_INCREMENT_BYTES) * FIREHOSE_INCREMENT_BYTES;
  const directPutGb = (recordsPerDay * billedRecordBytes) / 2 ** 30;
  const mbPerSecondPerTopic = scenario.bytesPerTopicPerDay / SECONDS_PER_DAY / 1e6;
  const containersPerTopic = Math.ceil(
    mbPerSecondPerTopic / (inputs.pipelineMbPerSecondPerCore * CONTAINER_VCPU),
  );
  const containers = containersPerTopic * scenario.topics;
  const workers =
    inputs.connectWorkerMbPerSecond === null
      ? 1
      : Math.max(1, Math.ceil(bytesPerSecond / 1e6 / inputs.connectWorkerMbPerSecond));
  const fargatePerDay =
    (CONTAINER_VCPU * PRICES.fargateVcpu.usd + CONTAINER_GIB * PRICES.fargateMemory.usd) * 24;
  const containerAppsPerDay =
    (CONTAINER_VCPU * PRICES.containerAppsVcpu.usd + CONTAINER_GIB * PRICES.containerAppsMemory.usd) *
    SECONDS_PER_DAY;
  const containerBasis = `${containers} container${containers === 1 ? '' : 's'} of ${CONTAINER_VCPU} vCPU / ${CONTAINER_GIB} GiB all day (${containersPerTopic} per topic: our pipeline's ${inputs.pipelineMbPerSecondPerCore.toFixed(1)} MB/s per core × ${CONTAINER_VCPU}); its storage writes left out`;
  return [
    {
      id: 'capture',
      option: 'Event Hubs Capture (Standard), the Capture meter',
      usdPerDay: throughputUnits * 24 * PRICES.eventHubsCapture.usd,
      basis: `${count(bytesPerSecond / 1e3)} kB/s and ${count(recordsPerDay / SECONDS_PER_DAY)} events/s need ${throughputUnits} throughput units in one namespace; ${throughputUnits * 24} TU-hours × $${PRICES.eventHubsCapture.usd}`,
    },
    {
      id: 'firehose-msk',
      option: 'Amazon Data Firehose, Amazon MSK source',
      usdPerDay: gbPerDay * PRICES.firehoseMskSource.usd,
      basis: `${count(gbPerDay)} GB a day (no 5 KB rounding) × $${PRICES.firehoseMskSource.usd}`,
    },
    {
      id: 'firehose-direct-put',
      option: 'Amazon Data Firehose, Direct PUT (for reference: not a Kafka source)',
      usdPerDay: directPutGb * PRICES.firehoseIngestion.usd,
      basis: `${count(directPutGb)} GiB billed (each ${Math.round(inputs.meanRecordBytes)}-byte record counts as 5 KiB) × $${PRICES.firehoseIngestion.usd}`,
    },
    {
      id: 'msk-connect',
      option: 'Kafka Connect sink on Amazon MSK Connect',
      usdPerDay: workers * 24 * PRICES.mskConnect.usd,
      basis:
        inputs.connectWorkerMbPerSecond === null
          ? `1 MCU all day, a floor: a worker's throughput was not measured in this run; 24 MCU-hours × $${PRICES.mskConnect.usd}`
          : `${workers} MCU${workers === 1 ? '' : 's'} all day: ${(bytesPerSecond / 1e6).toFixed(2)} MB/s over a worker's ${inputs.connectWorkerMbPerSecond.toFixed(1)} MB/s measured here (FileStreamSink, one vCPU shared); one connector for every topic`,
    },
    {
      id: 'container-aws',
      option: 'a small container per topic on AWS Fargate',
      usdPerDay: containers * fargatePerDay,
      basis: containerBasis,
    },
    {
      id: 'container-azure',
      option: 'a small container per topic on Azure Container Apps',
      usdPerDay: containers * containerAppsPerDay,
      basis: containerBasis,
    },
  ];
}
