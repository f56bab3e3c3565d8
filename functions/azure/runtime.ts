import { loadConfigFile, selectTopic } from '../../shared/config/load.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/errors.js';
import { onceUntilSuccess } from '../../shared/onceUntilSuccess.js';
import type { CaptureContext } from '../../shared/pipeline/context.js';
import { systemClock } from '../../shared/time.js';

/** The config file deployed with the app, unless CAPTURE_CONFIG points elsewhere. */
const DEFAULT_CONFIG_FILE = 'capture.config.yaml';

/**
 * The topic this Function App captures, validated at cold start: a bad file or a missing setting
 * stops the app with a message naming the file, the topic and the field, before any event is taken.
 */
export function topicFromEnvironment(env: NodeJS.ProcessEnv): TopicConfig {
  const file = env.CAPTURE_CONFIG ?? DEFAULT_CONFIG_FILE;
  const config = loadConfigFile(file);
  const name = env.CAPTURE_TOPIC;
  if (name) return selectTopic(config, name, file);
  const [only, ...others] = config.topics;
  if (only && others.length === 0) return only;
  throw new ConfigError(
    `${file}: lists ${config.topics.length} topics; set the app setting CAPTURE_TOPIC to the one this app captures`,
  );
}

/** Gets the app's pipeline context, creating the store on first use (a cloud client per instance). */
export type ContextProvider = () => Promise<CaptureContext>;

/**
 * The Azure store (and a registry topic's decoder) are loaded lazily so that a cold start pays for
 * the SDKs and codecs only when an event comes, and only for what the topic uses.
 */
export function azureContextProvider(topic: TopicConfig, env: NodeJS.ProcessEnv): ContextProvider {
  return onceUntilSuccess(async () => {
    const { createAzureStore } = await import('../../shared/stores/azure/createAzureStore.js');
    const store = await createAzureStore(topic.storage, env);
    if (topic.registry === undefined) return { topic, store, clock: systemClock };
    const { azureRegistryDecoder } = await import('./registryAccess.js');
    return { topic, store, clock: systemClock, decoder: await azureRegistryDecoder(topic, env) };
  });
}
