import type { TopicConfig } from '../shared/config/schema.js';
import type { CaptureStore } from '../shared/store.js';
import { createAzureStore } from '../shared/stores/azure/createAzureStore.js';
import { createS3Store, s3ClientFor } from '../shared/stores/s3/createS3Store.js';
import { startAzurite } from './azurite.js';
import { type FaultPlan, type RunningFaultProxy, startFaultProxy } from './faultProxy.js';
import type { ReliabilityStore } from './reliabilityRun.js';
import { ensureS3Server, startS3Server } from './s3Server.js';

/** Running emulators to use instead of starting one per run (the tests share theirs). */
export interface ReliabilityEmulators {
  readonly azuriteConnectionString?: string | undefined;
  readonly s3Endpoint?: string | undefined;
}

export interface ReliabilityStores {
  /** The topic the run captures, with a container and ledger table of its own. */
  readonly topic: TopicConfig;
  /** What the functions use: every request through the fault proxy. */
  readonly faulty: CaptureStore;
  /** Straight to the emulator, for the drain check and the read-back. */
  readonly direct: CaptureStore;
  close(): Promise<void>;
}

/**
 * The two views of one emulator a reliability run needs: through fault proxies (one per service,
 * all drawing from `plan`) for the functions, and direct for the observer. `base` is the topic to
 * capture; it gets fresh storage names, so runs sharing an emulator never see each other's lake.
 */
export async function openReliabilityStores(
  store: ReliabilityStore,
  base: TopicConfig,
  plan: FaultPlan,
  emulators: ReliabilityEmulators,
): Promise<ReliabilityStores> {
  const name = `rel${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
  const topic: TopicConfig = {
    ...base,
    storage: { ...base.storage, container: name, ledgerTable: name },
  };
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  const proxy = async (target: string, dialect: 'azure-blob' | 'azure-table' | 's3') => {
    const running: RunningFaultProxy = await startFaultProxy({ target, dialect, plan });
    cleanups.push(() => running.stop());
    return running.origin;
  };
  try {
    if (store === 'azurite') {
      let connectionString = emulators.azuriteConnectionString;
      if (connectionString === undefined) {
        const azurite = await startAzurite({ inMemory: true });
        cleanups.push(() => azurite.stop());
        connectionString = azurite.connectionString;
      }
      const blob = endpointOf(connectionString, 'BlobEndpoint');
      const table = endpointOf(connectionString, 'TableEndpoint');
      const proxied = connectionString
        .replace(blob.origin, await proxy(blob.origin, 'azure-blob'))
        .replace(table.origin, await proxy(table.origin, 'azure-table'));
      const { connection } = topic.storage;
      return {
        topic,
        faulty: await createAzureStore(topic.storage, { [connection]: proxied }),
        direct: await createAzureStore(topic.storage, { [connection]: connectionString }),
        close,
      };
    }
    let endpoint = emulators.s3Endpoint;
    if (endpoint === undefined) {
      await ensureS3Server();
      const server = await startS3Server();
      cleanups.push(() => server.stop());
      endpoint = server.endpoint;
    }
    const faultyClient = s3ClientFor({ endpoint: await proxy(endpoint, 's3') });
    const directClient = s3ClientFor({ endpoint });
    cleanups.push(async () => {
      faultyClient.destroy();
      directClient.destroy();
    });
    const bucket = topic.storage.container;
    return {
      topic,
      faulty: createS3Store({ bucket, client: faultyClient, createBucketIfMissing: true }),
      direct: createS3Store({ bucket, client: directClient, createBucketIfMissing: true }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function endpointOf(connectionString: string, setting: 'BlobEndpoint' | 'TableEndpoint'): URL {
  const value = new RegExp(`(?:^|;)${setting}=([^;]+)`).exec(connectionString)?.[1];
  if (value === undefined) throw new Error(`the Azurite connection string has no ${setting}`);
  return new URL(value);
}
