import { z } from 'zod';
import { awsSettingsSchema, LAMBDA_CONSUMER_GROUP } from './awsSchema.js';
import { azureSettingsSchema } from './azureSchema.js';
import { parseByteSize } from './byteSize.js';
import { captureListingProblem, captureNamesOf, layoutProblems, usesCaptureNames } from './layoutRules.js';
import { registryProblems, registrySchema } from './registrySchema.js';
import { restCatalogProblems, restCatalogSchema } from './restCatalogSchema.js';

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

/**
 * A named layout (`capture`, `hive`, `kafka-connect`), a template of our tokens (`{topic}` `{partition}`
 * `{yyyy}` `{MM}` `{dd}` `{HH}` `{mm}`, one folder per minute), or a Capture file name format of
 * Capture's tokens (`{Namespace}` … `{Second}`). See `shared/layouts.ts`.
 */
const layout = z
  .string()
  .default('{topic}/{yyyy}/{MM}/{dd}/{HH}/{mm}')
  .superRefine((value, ctx) => {
    for (const message of layoutProblems(value)) ctx.addIssue({ code: 'custom', message });
  });

/** Raw bodies: one per line, or each after its length (4 bytes, big-endian) so any bytes fit. */
const rawBodies = z
  .object({ delimiter: z.enum(['newline', 'length-prefixed']).default('newline') })
  .strict()
  .default({ delimiter: 'newline' });

/** The names a Capture layout fills in: Capture's path starts with them. */
const captureNames = z
  .object({
    /** The Event Hubs namespace's name (`contoso-ingest`, not its host name): `{Namespace}`. */
    namespace: topicName,
    /** `{EventHub}`; defaults to eventHub.name, then the topic's name. */
    eventHub: topicName.optional(),
  })
  .strict();

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

/**
 * An Iceberg table's upkeep, run by compaction about once a day, as Iceberg's `expire_snapshots`
 * and `remove_orphan_files` procedures do it (see `maintainTable`), with their defaults: snapshots
 * older than five days expire (time travel reaches that far back), and unreferenced metadata files
 * go once three days old. On by default but with a REST catalog, whose owner (S3 Tables, Polaris)
 * maintains its tables itself. Delta tables ignore it.
 */
const maintenance = z
  .object({
    enabled: z.boolean().optional(),
    // At least an hour: longer than any compaction run, so no run still commits on top of an expired snapshot.
    snapshotMaxAgeHours: z.number().int().min(1).max(87_600).default(120),
    minSnapshotsToKeep: z.number().int().min(1).max(100_000).default(1),
    // At least a day, as Spark's remove_orphan_files asks: a manifest is dated when its unit's commit began.
    orphanMinAgeHours: z.number().int().min(24).max(87_600).default(72),
  })
  .strict()
  .default({ snapshotMaxAgeHours: 120, minSnapshotsToKeep: 1, orphanMinAgeHours: 72 });

/**
 * How the hourly compaction fans out: one invocation per group of partitions, each group a range of
 * `partitionsPerGroup` partition numbers (0-7, 8-15, … by default), so a group keeps its partitions
 * and its file names when partitions are added. Eight keeps a small topic in one invocation; one
 * invocation encodes about 13 GB of JSON in a Lambda's fifteen minutes (the benchmark's 15 MB/s per
 * core), so lower it when a partition carries more than about 1.5 GB an hour.
 */
const compaction = z
  .object({
    // Every partition number of a group's range has its ledger read, known or not: hence a bound.
    partitionsPerGroup: z.number().int().min(1).max(1024).default(8),
    /**
     * The table format: Delta Lake, or Apache Iceberg (recorded in the AWS Glue Data Catalog on AWS,
     * in a version hint beside its metadata on Azure and locally, or in `restCatalog`). Changing it
     * for a topic that has a table already is not supported: choose it before the first compaction.
     */
    table: z.enum(['delta', 'iceberg']).default('delta'),
    /** Record the Iceberg table in this REST catalog rather than the runtime's own. */
    restCatalog: restCatalogSchema.optional(),
    maintenance,
  })
  .strict()
  .default({
    partitionsPerGroup: 8,
    table: 'delta',
    maintenance: { snapshotMaxAgeHours: 120, minSnapshotsToKeep: 1, orphanMinAgeHours: 72 },
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
    /** JSON lines, Event Hubs Capture's Avro, or the bodies as they came. */
    format: z.enum(['jsonl', 'avro-capture', 'raw']).default('jsonl'),
    jsonl: jsonLines,
    raw: rawBodies,
    compression: z.enum(['gzip', 'zstd', 'none']).default('gzip'),
    /** "broker" (enqueued time / record timestamp) or `{ field: "path.in.body" }` (ISO string or epoch ms). */
    timeSource: z.union([z.literal('broker'), z.object({ field: bodyFieldPath }).strict()]).default('broker'),
    /** Where one (partition, minute) object goes under the raw and dead-letter prefixes. */
    layout,
    /** Namespace and event hub names of a Capture layout. */
    capture: captureNames.optional(),
    /** How long after a minute ends it is sealed: the grace for records still on their way. */
    sealDelaySeconds: z.number().int().min(0).max(3600).default(60),
    maxRecordBytes: byteSize(1024 * 1024),
    maxSegmentBytes: byteSize(8 * 1024 * 1024),
    /** The hourly compaction into Parquet: how many partitions one invocation compacts. */
    compaction,
    /** The schema registry the producers frame records for; the records are decoded into JSON lines. */
    registry: registrySchema.optional(),
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
  })
  .superRefine((topic, ctx) => {
    // Format and layout, apart from the platform rules above.
    if (topic.format === 'avro-capture' && topic.compression === 'zstd') {
      ctx.addIssue({
        code: 'custom',
        path: ['compression'],
        message:
          "avro-capture takes none (Capture's Avro, codec null) or gzip (Capture's AvroDeflate, codec deflate); Capture's readers know no zstd",
      });
    }
    if (usesCaptureNames(topic.layout) && topic.capture === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['capture'],
        message: 'a Capture layout needs capture: { namespace } to fill {Namespace}',
      });
    }
    if (!usesCaptureNames(topic.layout) && topic.capture !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['capture'], message: 'only for a Capture layout' });
    }
    // Hourly compaction lists a Capture layout's hour by partition; raw topics are not compacted.
    const listing =
      topic.format !== 'raw' && usesCaptureNames(topic.layout)
        ? captureListingProblem(topic.layout, captureNamesOf(topic))
        : undefined;
    if (listing !== undefined) ctx.addIssue({ code: 'custom', path: ['layout'], message: listing });
    for (const { path, message } of registryProblems(topic)) ctx.addIssue({ code: 'custom', path, message });
    for (const { path, message } of restCatalogProblems(topic)) {
      ctx.addIssue({ code: 'custom', path, message });
    }
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
  })
  .superRefine((config, ctx) => {
    // Two topics whose Capture names expand alike would write the same objects.
    const seen = new Map<string, string>();
    config.topics.forEach((topic, index) => {
      if (!usesCaptureNames(topic.layout)) return;
      const { namespace, eventHub } = captureNamesOf(topic);
      const key = `${namespace}/${eventHub}`;
      const other = seen.get(key);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['topics', index, 'capture'],
          message: `namespace "${namespace}" and event hub "${eventHub}" are topic "${other}"'s Capture names already`,
        });
      }
      seen.set(key, topic.name);
    });
  });

/** What a person writes in the config file (defaults optional). */
export type TopicConfigInput = z.input<typeof topicSchema>;
/** What code reads after validation (defaults filled in). */
export type TopicConfig = z.infer<typeof topicSchema>;
export type CaptureConfig = z.infer<typeof configSchema>;
