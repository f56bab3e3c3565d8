import type { TopicConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { AZURE_SCHEMA_REGISTRY_SCOPE, azureSchemaSource } from './azureSource.js';
import { confluentSchemaSource } from './confluentSource.js';
import { type GlueSchemaVersionReader, glueSchemaSource } from './glueSource.js';
import { createRecordDecoder, type RecordDecoder } from './recordDecoder.js';
import type { RegistryHttp } from './registryHttp.js';

/**
 * How a platform reaches its registry: the credentials its runtime resolves (app settings, a secret,
 * a managed identity, a role) and, for tests and local runs, other endpoints and `fetch`.
 */
export interface RegistryAccess {
  /** Headers of every Confluent request: basic authentication when the topic names credentials. */
  readonly confluentHeaders?: () => Promise<Record<string, string>>;
  /** A bearer token for Azure Schema Registry (scope `https://eventhubs.azure.net/.default`). */
  readonly azureToken?: (scope: string) => Promise<string>;
  /** Replaces `https://<fullyQualifiedNamespace>` (a test server). */
  readonly azureEndpoint?: string;
  /** Glue's `GetSchemaVersion`, through the AWS SDK the Lambda function carries. */
  readonly glueReader?: GlueSchemaVersionReader;
  readonly fetch?: typeof fetch;
}

const noHeaders = async () => ({});

/**
 * The record decoder of a topic with a `registry`, for one instance (create it once, with the
 * pipeline context: it caches the schemas), or undefined for a topic without one.
 *
 * @throws ConfigError when the platform gave no way to reach the topic's kind of registry
 */
export function registryDecoderFor(topic: TopicConfig, access: RegistryAccess): RecordDecoder | undefined {
  const { registry } = topic;
  if (registry === undefined) return undefined;
  const fetchFunction = access.fetch ?? fetch;
  switch (registry.kind) {
    case 'confluent': {
      const http: RegistryHttp = {
        service: 'the Confluent schema registry',
        fetch: fetchFunction,
        headers: access.confluentHeaders ?? noHeaders,
      };
      return createRecordDecoder(
        topic.name,
        registry,
        confluentSchemaSource({ url: registry.url, topic: topic.name, http }),
      );
    }
    case 'azure': {
      const { azureToken } = access;
      if (azureToken === undefined) {
        throw new ConfigError(
          `topic "${topic.name}": an Azure Schema Registry needs the app's managed identity`,
        );
      }
      const http: RegistryHttp = {
        service: 'Azure Schema Registry',
        fetch: fetchFunction,
        headers: async () => ({ authorization: `Bearer ${await azureToken(AZURE_SCHEMA_REGISTRY_SCOPE)}` }),
      };
      const endpoint = access.azureEndpoint ?? `https://${registry.fullyQualifiedNamespace}`;
      return createRecordDecoder(topic.name, registry, azureSchemaSource({ endpoint, http }));
    }
    case 'glue': {
      if (access.glueReader === undefined) {
        throw new ConfigError(
          `topic "${topic.name}": a Glue Schema Registry needs the function's Glue client`,
        );
      }
      return createRecordDecoder(topic.name, registry, glueSchemaSource(access.glueReader));
    }
  }
}

/** `Authorization: Basic …` of a user name and password. */
export function basicAuthorization(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}
