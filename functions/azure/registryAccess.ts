import { requiredSetting } from '../../shared/config/requiredSetting.js';
import type { TopicConfig } from '../../shared/config/schema.js';
import { RegistryUnavailableError } from '../../shared/errors.js';
import type { RecordDecoder } from '../../shared/registry/recordDecoder.js';
import { basicAuthorization, registryDecoderFor } from '../../shared/registry/registryDecoderFor.js';

const REGISTRY_CREDENTIALS = "the topic's registry credentials";

/**
 * The registry decoder of an Azure topic: a Confluent registry's basic credentials from the app
 * settings the config names (a Key Vault reference there keeps the password out of the app's
 * configuration), or the app's managed identity for Azure Schema Registry (the Bicep grants it
 * Schema Registry Reader on the namespace). `@azure/identity` is loaded only for that kind.
 */
export async function azureRegistryDecoder(
  topic: TopicConfig,
  env: NodeJS.ProcessEnv,
): Promise<RecordDecoder | undefined> {
  const { registry } = topic;
  if (registry === undefined) return undefined;
  if (registry.kind === 'confluent') {
    const credentials = registry.credentials;
    if (credentials === undefined || !('usernameSetting' in credentials))
      return registryDecoderFor(topic, {});
    const username = requiredSetting(env, credentials.usernameSetting, REGISTRY_CREDENTIALS);
    const password = requiredSetting(env, credentials.passwordSetting, REGISTRY_CREDENTIALS);
    return registryDecoderFor(topic, {
      confluentHeaders: async () => basicAuthorization(username, password),
    });
  }
  if (registry.kind !== 'azure') return registryDecoderFor(topic, {});
  const { DefaultAzureCredential, ManagedIdentityCredential } = await import('@azure/identity');
  const clientId =
    registry.identityClientIdSetting &&
    requiredSetting(env, registry.identityClientIdSetting, REGISTRY_CREDENTIALS);
  const credential = clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential();
  return registryDecoderFor(topic, {
    azureToken: async (scope) => {
      try {
        return (await credential.getToken(scope)).token;
      } catch (error) {
        // The identity endpoint is part of the platform: while it fails, the batch waits.
        throw new RegistryUnavailableError('no token for Azure Schema Registry from the managed identity', {
          cause: error,
        });
      }
    },
  });
}
