import { loadConfigFile, selectTopic } from '../shared/config/load.js';
import { type TopicConfig, topicSchema } from '../shared/config/schema.js';

/**
 * The embedded default topic of local runs: an Event Hubs-shaped topic written as JSON-lines envelopes
 * (coordinates beside each body, so the output can be checked offset by offset), zstd-compressed.
 */
const LOCAL_TOPIC: TopicConfig = topicSchema.parse({
  name: 'local-events',
  source: 'eventhub',
  compression: 'zstd',
  jsonl: { envelope: true },
});

/** The topic of a local command: one from a config file (`--config`, `--topic`), or the embedded default. */
export function localTopic(
  configFile: string | undefined,
  topicName: string | undefined,
  source?: TopicConfig['source'],
): TopicConfig {
  if (!configFile && !topicName) return LOCAL_TOPIC;
  const file = configFile ?? 'capture.config.yaml';
  const config = loadConfigFile(file);
  if (topicName) return selectTopic(config, topicName, file);
  const topic = config.topics.find((candidate) => candidate.source === source) ?? config.topics[0];
  if (!topic) throw new Error(`${file}: lists no topics`);
  return topic;
}
