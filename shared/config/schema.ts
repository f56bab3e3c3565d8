import { z } from 'zod';
import { awsSettingsSchema, LAMBDA_CONSUMER_GROUP } from './awsSchema.js';
import { azureSettingsSchema } from './azureSchema.js';
import { parseByteSize } from './byteSize.js';

const byteSize = (fallback: number) =>
  z
    .union([z.number(), z.string()])
    .default(fallback)
    .transform((value, ctx) => {
      const bytes = parseByteSize(value);
      if (bytes === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a size such as 1048576 or "8 MiB", got ${JSON.stringify(value)}`,
        });
        return z.NEVER;
      }
      return bytes;
    });

/** Kafka topic and Event Hub names are also path segments of the lake, so only safe characters pass. */
const topicName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,248}$/,
    'use letters, digits, ".", "_" and "-" (it becomes part of object paths)',
  );

const appSettingName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an app setting name, such as EventHubConnection');

/** A dotted path into a JSON body: "eventTime", "meta.created_at". A leading "$." is accepted. */
const bodyFieldPath = z
  .string()
  .transform((path) => path.replace(/^\$\./, ''))
  .pipe(z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, 'a dotted field path such as "meta.eventTime"'));

const LAYOUT_TOKENS = ['{topic}', '{partition}', '{yyyy}', '{MM}', '{dd}', '{HH}', '{mm}'] as const;

const layout = z
  .string()
  .default('{topic}/{yyyy}/{MM}/{dd}/{HH}/{mm}')
  .superRefine((template, ctx) => {
    const unknownTokens = (template.match(/\{[^}]*\}/g) ?? []).filter(
      (token) => !(LAYOUT_TOKENS as readonly string[]).includes(token),
    );
    if (unknownTokens.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown token ${unknownTokens.join(', ')}; use ${LAYOUT_TOKENS.join(' ')}`,
      });
    }
    for (const token of ['{yyyy}', '{MM}', '{dd}', '{HH}', '{mm}']) {
      if (!template.includes(token))
        ctx.addIssue({ code: 'custom', message: `must contain ${token}: one folder per minute` });
    }
    if (
      template.startsWith('/') ||
      template.split('/').some((part) => part === '' || part === '.' || part === '..')
    ) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a relative path without empty, "." or ".." segments',
      });
    }
  });

const eventHubSource = z
  .object({
    /** The event hub's name; defaults to the topic's name. */
    name: topicName.optional(),
    /** App setting holding the connection (or its `__fullyQualifiedNamespace` for identity). */
    connection: appSettingName.default('EventHubConnection'),
  })
  .strict();

const kafkaSource = z
  .object({
    /** App setting holding the broker list, as the Kafka trigger's `brokerList: '%Setting%'`. */
    brokerList: appSettingName.default('KafkaBrokerList'),
    protocol: z.enum(['plaintext', 'ssl', 'saslPlaintext', 'saslSsl']).default('saslSsl'),
    authenticationMode: z
      .enum(['notSet', 'plain', 'scramSha256', 'scramSha512', 'oAuthBearer'])
      .default('plain'),
    /** App settings holding the SASL user name and password; never the secrets themselves. */
    username: appSettingName.default('KafkaUsername'),
    password: appSettingName.default('KafkaPassword'),
  })
  .strict();

const jsonLines = z
  .object({
    /** false: each line is the body itself; true: each line is an envelope with the record's metadata. */
    envelope: z.boolean().default(false),
    /** What happens to a body that is not JSON: a dead letter, or (envelope only) a line carrying it as text or base64. */
    nonJsonBodies: z.enum(['deadletter', 'keep']).default('deadletter'),
  })
  .strict()
  .default({ envelope: false, nonJsonBodies: 'deadletter' })
  .superRefine((value, ctx) => {
    if (value.nonJsonBodies === 'keep' && !value.envelope) {
      ctx.addIssue({
        code: 'custom',
        path: ['nonJsonBodies'],
        message:
          '"keep" needs envelope: true, because a line without an envelope must be the JSON body itself',
      });
    }
  });

/** One captured topic. Every field but `name` and `source` (and `aws` on AWS) has a default. */
export const topicSchema = z
  .object({
    name: topicName,
    source: z.enum(['eventhub', 'kafka']),
    /** Where the topic is captured: an Azure Function App, or a Lambda stack (Kafka only). */
    platform: z.enum(['azure', 'aws']).default('azure'),
    /** Kafka source, batching and retention of a topic captured on AWS. */
    aws: awsSettingsSchema.optional(),
    /** Function App sizing, the resources it uses and its alerts, for a topic captured on Azure. */
    azure: azureSettingsSchema.optional(),
    consumerGroup: z.string().min(1).default('$Default'),
    eventHub: eventHubSource.default({ connection: 'EventHubConnection' }),
    kafka: kafkaSource.default({
      brokerList: 'KafkaBrokerList',
      protocol: 'saslSsl',
      authenticationMode: 'plain',
      username: 'KafkaUsername',
      password: 'KafkaPassword',
    }),
    format: z.enum(['jsonl']).default('jsonl'),
    jsonl: jsonLines,
    compression: z.enum(['gzip', 'zstd', 'none']).default('gzip'),
    /** "broker" (enqueued time / record timestamp) or `{ field: "path.in.body" }` (ISO string or epoch ms). */
    timeSource: z.union([z.literal('broker'), z.object({ field: bodyFieldPath }).strict()]).default('broker'),
    /** Folder of one (partition, minute) under the raw and dead-letter prefixes. */
    layout,
    /** How long after a minute ends it is sealed: the grace for records still on their way. */
    sealDelaySeconds: z.number().int().min(0).max(3600).default(60),
    maxRecordBytes: byteSize(1024 * 1024),
    maxSegmentBytes: byteSize(8 * 1024 * 1024),
    storage: z
      .object({
        container: z
          .string()
          .regex(
            /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
            'a blob container or bucket name: 3-63 lower-case letters, digits, "-"',
          )
          .default('lake'),
        ledgerTable: z
          .string()
          .regex(
            /^[A-Za-z][A-Za-z0-9]{2,62}$/,
            'a table name: 3-63 letters and digits, starting with a letter',
          )
          .default('captureledger'),
        /** App setting with the storage connection string, or its `__blobServiceUri`/`__tableServiceUri` for identity. */
        connection: appSettingName.default('LakeStorage'),
      })
      .strict()
      .default({ container: 'lake', ledgerTable: 'captureledger', connection: 'LakeStorage' }),
  })
  .strict()
  .superRefine((topic, ctx) => {
    if (topic.platform === 'azure') {
      if (topic.aws !== undefined)
        ctx.addIssue({ code: 'custom', path: ['aws'], message: 'only for platform: aws' });
      return;
    }
    if (topic.azure !== undefined)
      ctx.addIssue({ code: 'custom', path: ['azure'], message: 'only for platform: azure' });
    if (topic.source !== 'kafka')
      ctx.addIssue({
        code: 'custom',
        path: ['source'],
        message:
          'platform aws captures Kafka topics (MSK or self-managed); Event Hubs topics use platform azure',
      });
    if (topic.aws === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['aws'],
        message:
          'platform aws needs an aws block with msk: { clusterArn } or selfManagedKafka: { bootstrapServers, secretArn }',
      });
    if (!LAMBDA_CONSUMER_GROUP.test(topic.consumerGroup))
      ctx.addIssue({
        code: 'custom',
        path: ['consumerGroup'],
        message: 'on AWS a consumer group id uses letters, digits and -/*:_+=.@ only; set consumerGroup',
      });
  });

export const configSchema = z
  .object({ topics: z.array(topicSchema).min(1, 'list at least one topic') })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.topics.forEach((topic, index) => {
      if (seen.has(topic.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['topics', index, 'name'],
          message: `topic "${topic.name}" is listed twice`,
        });
      }
      seen.add(topic.name);
    });
  });

/** What a person writes in the config file (defaults optional). */
export type TopicConfigInput = z.input<typeof topicSchema>;
/** What code reads after validation (defaults filled in). */
export type TopicConfig = z.infer<typeof topicSchema>;
export type CaptureConfig = z.infer<typeof configSchema>;
