import { parentPort, workerData } from 'node:worker_threads';
import type { TopicConfig } from '../../../shared/config/schema.js';
import type { CaptureSummary } from '../../../shared/pipeline/summary.js';
import { registryDecoderFor } from '../../../shared/registry/registryDecoderFor.js';
import { type LakeRecipe, openLakeRecipe } from '../../emulators/lakeRecipe.js';
import { threadCpuSeconds } from './cpuSplit.js';
import { type PackedBatch, unpackBatch } from './packedBatch.js';
import { type KafkaPlatformOptions, kafkaPlatformFunctions, type Platform } from './triggerFunctions.js';

/** What a function instance starts with: the same settings the runner's own functions get. */
export interface InstanceSetup extends KafkaPlatformOptions {
  readonly platform: Platform;
  readonly topic: TopicConfig;
  readonly lake: LakeRecipe;
}

/** One batch for the instance's ingestion function; `id` pairs it with its reply. */
export interface InstanceRequest {
  readonly id: number;
  readonly batch: PackedBatch;
}

type InstanceNews =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly summary: CaptureSummary }
  /** The invocation failed; the runner retries the batch as the platform would. */
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };

/** Every reply also says how much CPU the instance's thread has used so far, in seconds. */
export type InstanceReply = InstanceNews & { readonly cpuSeconds: number };

/**
 * One function instance in a thread of its own: its own store clients and registry decoder, as a
 * scaled-out Function App instance or a concurrent Lambda has, and the platform's ingestion handler.
 */
async function serve(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('instanceThread runs as a worker thread of the Kafka runner');
  const setup = workerData as InstanceSetup;
  const store = await openLakeRecipe(setup.lake);
  const functions = kafkaPlatformFunctions(
    setup.platform,
    { topic: setup.topic, store, clock: Date.now, decoder: registryDecoderFor(setup.topic, {}) },
    setup,
  );
  const reply = (message: InstanceNews) => port.postMessage({ ...message, cpuSeconds: threadCpuSeconds() });
  port.on('message', ({ id, batch }: InstanceRequest) => {
    functions.ingest(unpackBatch(batch)).then(
      (summary) => reply({ kind: 'done', id, summary }),
      // Only the message crosses: an error's own fields (SDK metadata, causes) need not be cloneable.
      (error: unknown) =>
        reply({ kind: 'failed', id, message: error instanceof Error ? error.message : String(error) }),
    );
  });
  reply({ kind: 'ready' });
}

await serve();
