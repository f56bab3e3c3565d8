import { parseConfig } from '../../shared/config/load.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/errors.js';
import { onceUntilSuccess } from '../../shared/onceUntilSuccess.js';
import type { CaptureContext } from '../../shared/pipeline/context.js';
import { systemClock } from '../../shared/time.js';

/** Where the stack puts the topic's validated config entry, as JSON. */
export const TOPIC_CONFIG_VARIABLE = 'CAPTURE_TOPIC_CONFIG';
/** The lake bucket the stack created for the topic. */
export const BUCKET_VARIABLE = 'CAPTURE_BUCKET';
/** The DynamoDB table the stack created for the topic's ledger. */
export const LEDGER_TABLE_VARIABLE = 'CAPTURE_LEDGER_TABLE';

/**
 * The topic this function captures, validated at cold start by the same schema as the config file:
 * a bad entry fails the init with a message naming the field, before any record is taken. The stack
 * passes the entry as JSON rather than shipping the YAML file, so the bundle carries no YAML parser.
 */
export function topicFromLambdaEnvironment(env: NodeJS.ProcessEnv): TopicConfig {
  const text = env[TOPIC_CONFIG_VARIABLE];
  if (!text) {
    throw new ConfigError(
      `${TOPIC_CONFIG_VARIABLE} is not set: deploy the function with the stack in infra/aws, which sets it to the topic's config entry`,
    );
  }
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the text around the error, and the variable names secrets.
    throw new ConfigError(
      `${TOPIC_CONFIG_VARIABLE} is not JSON: deploy the function with the stack in infra/aws, which sets it to the topic's config entry`,
      { cause: error },
    );
  }
  const [topic] = parseConfig({ topics: [entry] }, TOPIC_CONFIG_VARIABLE).topics;
  return topic as TopicConfig;
}

/**
 * Gets the function's pipeline context, creating the store on first use (one S3 and one DynamoDB
 * client per instance).
 */
export type ContextProvider = () => Promise<CaptureContext>;

/**
 * The AWS SDK is loaded on the first event, not at init, so a failing config is reported fast and
 * cheap. The lake is the bucket, the ledger the table (a partition it does not hold yet is read from
 * the bucket, where a stack deployed before the table kept it).
 */
export function s3ContextProvider(topic: TopicConfig, env: NodeJS.ProcessEnv): ContextProvider {
  const bucket = env[BUCKET_VARIABLE];
  if (!bucket) {
    throw new ConfigError(
      `${BUCKET_VARIABLE} is not set: the stack in infra/aws sets it to the topic's lake bucket`,
    );
  }
  const ledgerTable = env[LEDGER_TABLE_VARIABLE];
  if (!ledgerTable) {
    throw new ConfigError(
      `${LEDGER_TABLE_VARIABLE} is not set: the stack in infra/aws sets it to the topic's ledger table`,
    );
  }
  return onceUntilSuccess(async () => {
    const [{ createS3Store, s3ClientFor }, { dynamoClientFor }] = await Promise.all([
      import('../../shared/stores/s3/createS3Store.js'),
      import('../../shared/stores/dynamodb/dynamoClient.js'),
    ]);
    const store = createS3Store({
      bucket,
      client: s3ClientFor({}),
      ledgerTable: { name: ledgerTable, client: dynamoClientFor() },
    });
    if (topic.registry === undefined) return { topic, store, clock: systemClock };
    // A registry topic's decoder (and its SDK, Glue or Secrets Manager) only where the topic has one.
    const { awsRegistryDecoder } = await import('./registryAccess.js');
    return { topic, store, clock: systemClock, decoder: await awsRegistryDecoder(topic) };
  });
}
