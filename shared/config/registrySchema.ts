import { z } from 'zod';
import { appSettingNameOf, secretArnOf } from './credentialReferences.js';

/**
 * Where a topic's records get their schemas, when producers frame them for a schema registry. Every
 * credential is a reference (an app setting's name, a secret's ARN, the app's managed identity),
 * never the secret itself: the config file is deployed with the app and read by infra.
 */

const appSettingName = appSettingNameOf('SchemaRegistryPassword');
const secretArn = secretArnOf('registry-abc123');

/** What the decoded records become, shared by every kind. */
const decodedOutput = {
  /** Decode framed keys too (Confluent and Glue frame keys like values; Azure's content type is the value's only). */
  keys: z.boolean().default(false),
  /** Keep each record's original bytes beside its decoded value (`bodyBase64` in the envelope). */
  keepRawBytes: z.boolean().default(false),
};

/**
 * A Confluent Schema Registry API: Confluent Platform or Cloud, Apicurio's `/apis/ccompat/v7`,
 * Redpanda, Karapace. Basic authentication, when the registry wants it, comes from two app settings
 * (Azure) or one Secrets Manager secret holding `{"username","password"}` (AWS).
 */
const confluentRegistry = z
  .object({
    kind: z.literal('confluent'),
    /** The API's base URL, without `/schemas/...`: `https://psrc-123.eu-west-1.aws.confluent.cloud`. */
    url: z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://registry.example.com' }),
    credentials: z
      .union([
        z
          .object({ usernameSetting: appSettingName, passwordSetting: appSettingName })
          .strict()
          .describe('Azure: app settings holding the user name and password (a Key Vault reference works)'),
        z
          .object({ secretArn })
          .strict()
          .describe('AWS: a Secrets Manager secret whose JSON holds username and password'),
      ])
      .optional(),
    ...decodedOutput,
  })
  .strict();

/**
 * Azure Schema Registry, part of an Event Hubs namespace: the event's content type carries the
 * schema id (`avro/binary+<id>`). The Function App reads it with its managed identity (the Bicep
 * grants Schema Registry Reader on the namespace).
 */
const azureRegistry = z
  .object({
    kind: z.literal('azure'),
    /** The namespace's host name: `contoso.servicebus.windows.net`. */
    fullyQualifiedNamespace: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]\.servicebus\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)$/,
        'a namespace host name such as contoso.servicebus.windows.net',
      ),
    /** App setting holding the client id of a user-assigned identity; the system-assigned one otherwise. */
    identityClientIdSetting: appSettingName.optional(),
    ...decodedOutput,
  })
  .strict();

/**
 * AWS Glue Schema Registry: the frame carries the schema version's UUID. The function reads it with
 * its role, which the stack allows `glue:GetSchemaVersion` on this registry's schemas only.
 */
const glueRegistry = z
  .object({
    kind: z.literal('glue'),
    /** The registry the topic's schemas are in; the role may read no other. */
    registryName: z
      .string()
      .regex(/^[A-Za-z0-9_$#.-]{1,255}$/, 'a Glue registry name: letters, digits and _ $ # . -'),
    ...decodedOutput,
  })
  .strict();

export const registrySchema = z.discriminatedUnion('kind', [confluentRegistry, azureRegistry, glueRegistry]);

export type RegistryConfig = z.infer<typeof registrySchema>;
export type RegistryKind = RegistryConfig['kind'];

/** What the registry rules look at in a topic, apart from the registry block itself. */
interface TopicWithRegistry {
  readonly platform: 'azure' | 'aws';
  readonly format: string;
  readonly jsonl: { readonly envelope: boolean };
  readonly registry?: RegistryConfig;
}

/**
 * Rules between the registry block and the rest of the topic, each with the field it concerns (a
 * path under the topic): decoded records are written as JSON lines; each registry kind runs where
 * its credentials come from.
 */
export function registryProblems(topic: TopicWithRegistry): { path: string[]; message: string }[] {
  const { registry } = topic;
  if (registry === undefined) return [];
  const problems: { path: string[]; message: string }[] = [];
  if (topic.format !== 'jsonl') {
    problems.push({
      path: ['format'],
      message: 'a topic with a registry is written as JSON lines (format: jsonl): its records are decoded',
    });
  }
  if (registry.keepRawBytes && !topic.jsonl.envelope) {
    problems.push({
      path: ['registry', 'keepRawBytes'],
      message:
        'keepRawBytes needs jsonl.envelope: true, since the raw bytes go beside the body in the envelope',
    });
  }
  if (registry.kind === 'azure' && topic.platform !== 'azure') {
    problems.push({
      path: ['registry', 'kind'],
      message: 'an Azure Schema Registry is read from platform azure',
    });
  }
  if (registry.kind === 'azure' && registry.keys) {
    problems.push({
      path: ['registry', 'keys'],
      message: "Azure Schema Registry frames the value only (its id is in the event's content type)",
    });
  }
  if (registry.keys && registry.kind === 'confluent' && topic.platform === 'azure') {
    problems.push({
      path: ['registry', 'keys'],
      message:
        'the Azure Kafka trigger hands keys over as UTF-8 text, so framed keys cannot be decoded; keys: true is for platform aws',
    });
  }
  if (registry.kind === 'glue' && topic.platform !== 'aws') {
    problems.push({
      path: ['registry', 'kind'],
      message: 'a Glue Schema Registry is read from platform aws',
    });
  }
  if (registry.kind === 'confluent' && registry.credentials !== undefined) {
    const onAzure = 'usernameSetting' in registry.credentials;
    if (onAzure !== (topic.platform === 'azure')) {
      problems.push({
        path: ['registry', 'credentials'],
        message:
          topic.platform === 'azure'
            ? 'on Azure the credentials are app settings: { usernameSetting, passwordSetting }'
            : 'on AWS the credentials are a Secrets Manager secret: { secretArn }',
      });
    }
  }
  return problems;
}
