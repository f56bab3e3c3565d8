export { loadConfigFile, parseConfig, selectTopic } from './config/load.js';
export {
  type CaptureConfig,
  configSchema,
  type TopicConfig,
  type TopicConfigInput,
  topicSchema,
} from './config/schema.js';
export { compressMember } from './encode/compress.js';
export { createRecordEncoder, DeadLetterReason, type EncodedRecord } from './encode/recordEncoder.js';
export { CaptureError, ConfigError, TransientStoreError, TriggerShapeError } from './errors.js';
export type { CaptureContext } from './pipeline/context.js';
export { ingestBatch } from './pipeline/ingest.js';
export { sealIdlePartitions } from './pipeline/sealTimer.js';
export type { CaptureSummary, PartitionFigures } from './pipeline/summary.js';
export type { CaptureRecord, HeaderValue, RecordHeader } from './record.js';
export type { CaptureStore, LedgerStore, ObjectStore, PublishOutcome, VersionedLedger } from './store.js';
export { createFsStore } from './stores/fs/createFsStore.js';
export { type Clock, systemClock } from './time.js';
