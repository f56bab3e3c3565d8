import type { TopicConfig } from '../../shared/config/schema.js';
import { RegistryUnavailableError } from '../../shared/errors.js';
import { onceUntilSuccess } from '../../shared/onceUntilSuccess.js';
import type { RecordDecoder } from '../../shared/registry/recordDecoder.js';
import { basicAuthorization, registryDecoderFor } from '../../shared/registry/registryDecoderFor.js';
import { secretJsonFields } from './secretJson.js';

/**
 * The registry decoder of an AWS topic: Glue through the function's role (the stack allows
 * `glue:GetSchemaVersion` on the topic's registry), or a Confluent registry whose basic credentials
 * are a Secrets Manager secret `{"username","password"}` (the stack allows reading that secret only).
 * Each SDK is loaded only for the kind that needs it.
 */
export async function awsRegistryDecoder(topic: TopicConfig): Promise<RecordDecoder | undefined> {
  const { registry } = topic;
  if (registry === undefined) return undefined;
  if (registry.kind === 'glue') {
    const [{ GlueClient }, { glueSchemaVersionReader }] = await Promise.all([
      import('@aws-sdk/client-glue'),
      import('./glueSchemaVersions.js'),
    ]);
    return registryDecoderFor(topic, { glueReader: glueSchemaVersionReader(new GlueClient({})) });
  }
  const credentials = registry.kind === 'confluent' ? registry.credentials : undefined;
  if (credentials === undefined || !('secretArn' in credentials)) return registryDecoderFor(topic, {});
  const { secretArn } = credentials;
  return registryDecoderFor(topic, {
    confluentHeaders: onceUntilSuccess(() => secretCredentials(secretArn)),
  });
}

/** Reads the secret once per instance (a failed read is asked again on the next batch). */
async function secretCredentials(secretArn: string): Promise<Record<string, string>> {
  const { username, password } = await secretJsonFields(
    secretArn,
    ['username', 'password'],
    'the schema registry',
    (cause) =>
      new RegistryUnavailableError("could not read the schema registry's credentials secret", { cause }),
  );
  return basicAuthorization(username, password);
}
