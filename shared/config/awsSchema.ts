import { z } from 'zod';

/** An ARN of the given service, in any partition (aws, aws-cn, aws-us-gov). */
const arnOf = (service: string, example: string) =>
  z
    .string()
    .regex(
      new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:\\S+$`),
      `an ARN of ${service}, such as ${example}`,
    );

const mskClusterArn = arnOf(
  'kafka',
  'arn:aws:kafka:eu-west-1:123456789012:cluster/lake/abcd1234-ef56-7890-abcd-ef1234567890-1',
);
const secretArn = arnOf(
  'secretsmanager',
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-abc123',
);

const hostAndPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'a broker address such as b-1.kafka.example.com:9096');

/** An Amazon MSK cluster. Without `secretArn` the mapping authenticates with the function's IAM role. */
const mskSource = z
  .object({
    clusterArn: mskClusterArn,
    /** Secrets Manager secret with SASL/SCRAM credentials (`AmazonMSK_` prefix), when the cluster uses SCRAM. */
    secretArn: secretArn.optional(),
    /** The customer-managed KMS key that encrypts that secret (MSK requires one); the function may decrypt with it. */
    secretKmsKeyArn: arnOf(
      'kms',
      'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ).optional(),
  })
  .strict();

/** A Kafka cluster Lambda reaches by its bootstrap servers (Confluent Cloud, Redpanda, your own brokers). */
const selfManagedSource = z
  .object({
    bootstrapServers: z.array(hostAndPort).min(1, 'list at least one bootstrap server'),
    authentication: z
      .enum(['sasl-scram-512', 'sasl-scram-256', 'sasl-plain', 'mtls'])
      .default('sasl-scram-512'),
    /** Secrets Manager secret with the credentials (`username`/`password`, or the client certificate for mtls). */
    secretArn,
    /** Secrets Manager secret with the root CA certificate, when the brokers' TLS certificates come from a private CA. */
    rootCaSecretArn: secretArn.optional(),
    /** The brokers' VPC, when they are not reachable from the internet. */
    vpc: z
      .object({
        vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, 'a VPC id such as vpc-0a1b2c3d'),
        subnetIds: z
          .array(z.string().regex(/^subnet-[0-9a-f]+$/, 'a subnet id such as subnet-0a1b2c3d'))
          .min(1),
        securityGroupIds: z
          .array(z.string().regex(/^sg-[0-9a-f]+$/, 'a security group id such as sg-0a1b2c3d'))
          .min(1),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The event source mapping's batching when a topic's config sets none (see `awsSettingsSchema`). */
export const AWS_BATCHING_DEFAULTS = { batchSize: 10_000, maxBatchingWindowSeconds: 60 } as const;

/**
 * How a topic captured on AWS is deployed: its Kafka source and the Lambda event source mapping's
 * batching. Minute objects want large, infrequent batches, since every batch costs a staged object and
 * a ledger write per partition it touches: up to 10000 records (or Lambda's 6 MB), gathered for up to
 * 60 s. No longer: a record that waits at most the seal delay (60 s by default) still reaches its
 * minute before the seal timer closes it, so minutes stay sealed within the contract's bound.
 */
export const awsSettingsSchema = z
  .object({
    msk: mskSource.optional(),
    selfManagedKafka: selfManagedSource.optional(),
    batchSize: z.number().int().min(1).max(10_000).default(AWS_BATCHING_DEFAULTS.batchSize),
    maxBatchingWindowSeconds: z
      .number()
      .int()
      .min(0)
      .max(300)
      .default(AWS_BATCHING_DEFAULTS.maxBatchingWindowSeconds),
    startingPosition: z.enum(['TRIM_HORIZON', 'LATEST']).default('TRIM_HORIZON'),
    memoryMiB: z.number().int().min(128).max(10_240).default(1024),
    timeoutSeconds: z.number().int().min(30).max(900).default(300),
    /** The hourly compaction holds a row group of Parquet in memory and encodes it; more memory is also more CPU on Lambda. */
    compactionMemoryMiB: z.number().int().min(512).max(10_240).default(2048),
    /** A fixed bucket name; by default CloudFormation names the bucket (names are global). */
    bucketName: z
      .string()
      .regex(
        /^[a-z0-9](?!.*\.\.)[a-z0-9.-]{1,61}[a-z0-9]$/,
        'an S3 bucket name: 3-63 lower-case letters, digits, "." and "-"',
      )
      .optional(),
    /** Raw and dead-letter objects expire after this many days; absent keeps them forever. */
    rawRetentionDays: z.number().int().min(1).optional(),
    /** Staging leftovers (segments of a crashed seal the timer has not cleaned) expire after this many days. */
    stagingRetentionDays: z.number().int().min(1).default(14),
    /** The offset lag (records behind) at which the lag alarm fires. */
    offsetLagAlarm: z.number().int().min(1).default(100_000),
    /**
     * A CloudWatch dashboard of the topic. Off by default: each custom dashboard is billed every month
     * (beyond an account's first three), for a topic of 1 GB a day about half of what its capture costs
     * (npm run bench). The alarms stay on without it, and the metrics are in the `StreamCapture`
     * namespace either way.
     */
    dashboard: z.boolean().default(false),
  })
  .strict()
  .superRefine((settings, ctx) => {
    const sources = [settings.msk, settings.selfManagedKafka].filter((source) => source !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'set exactly one of msk (an Amazon MSK cluster) or selfManagedKafka (bootstrap servers)',
      });
    }
  });

export type AwsSettings = z.infer<typeof awsSettingsSchema>;

/** Lambda's rule for a Kafka consumer group id. */
export const LAMBDA_CONSUMER_GROUP = /^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/;
