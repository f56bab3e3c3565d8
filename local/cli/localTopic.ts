import { usesCaptureNames } from '../../shared/config/layoutRules.js';
import { loadConfigFile, parseConfig, selectTopic } from '../../shared/config/load.js';
import type { TopicConfig, TopicConfigInput } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/errors.js';

/**
 * The embedded default topic of local runs: an Event Hubs-shaped topic written as JSON-lines envelopes
 * (coordinates beside each body, so the output can be checked offset by offset), zstd-compressed.
 */
const LOCAL_TOPIC: TopicConfigInput = {
  name: 'local-events',
  source: 'eventhub',
  compression: 'zstd',
  jsonl: { envelope: true },
};

/** The format and layout a local run asks for on its command line (`--format`, `--layout`). */
export interface LocalOutput {
  readonly format?: string | undefined;
  readonly layout?: string | undefined;
}

/**
 * The topic of a local command: one from a config file (`--config`, `--topic`), or the embedded
 * default in the format and layout asked for. Capture's Avro has no zstd, so it is deflated (gzip);
 * a Capture layout names the namespace `local`.
 */
export function localTopic(
  configFile: string | undefined,
  topicName: string | undefined,
  source?: TopicConfig['source'],
  output: LocalOutput = {},
): TopicConfig {
  if (!configFile && !topicName) return embeddedTopic(output);
  if (output.format !== undefined || output.layout !== undefined) {
    throw new ConfigError(
      '--format and --layout choose the output of the embedded topic; with --config, set format and layout in the file',
    );
  }
  const file = configFile ?? 'capture.config.yaml';
  const config = loadConfigFile(file);
  if (topicName) return selectTopic(config, topicName, file);
  const topic = config.topics.find((candidate) => candidate.source === source) ?? config.topics[0];
  if (!topic) throw new Error(`${file}: lists no topics`);
  return topic;
}

/**
 * The topic a function invoked on its own works for: the config file's topic of that name (the
 * default file's when none is given), or the embedded settings under that name when the file lists
 * none of it, so an event file's own topic name is captured as such (`npm run invoke`).
 */
export function invokedTopic(
  configFile: string | undefined,
  topicName: string | undefined,
  source: TopicConfig['source'],
): TopicConfig {
  if (configFile || !topicName) return localTopic(configFile, topicName, source);
  const listed = loadConfigFile('capture.config.yaml').topics.some((topic) => topic.name === topicName);
  if (listed) return localTopic(undefined, topicName, source);
  const [parsed] = parseConfig(
    { topics: [{ ...LOCAL_TOPIC, name: topicName, source }] },
    'the embedded local topic',
  ).topics;
  return parsed as TopicConfig;
}

function embeddedTopic({ format, layout }: LocalOutput): TopicConfig {
  const topic = {
    ...LOCAL_TOPIC,
    ...(format === undefined ? {} : { format }),
    ...(format === 'avro-capture' ? { compression: 'gzip' } : {}),
    ...(layout === undefined ? {} : { layout }),
    ...(layout !== undefined && usesCaptureNames(layout) ? { capture: { namespace: 'local' } } : {}),
  };
  const [parsed] = parseConfig({ topics: [topic] }, 'npm run local --format/--layout').topics;
  return parsed as TopicConfig;
}
