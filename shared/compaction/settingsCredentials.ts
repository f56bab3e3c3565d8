import { requiredSetting } from '../config/requiredSetting.js';
import type { RestCatalogConfig } from '../config/restCatalogSchema.js';
import type { ClientCredentials } from '../tables/iceberg/restAuthorization.js';

/**
 * The REST catalog's client credentials from the app settings its config names (Azure, local runs),
 * read with each token, so a rotated secret (a Key Vault reference's new version) is picked up.
 * Undefined when the config names none.
 */
export function settingsCredentials(
  config: RestCatalogConfig,
  env: NodeJS.ProcessEnv,
): (() => Promise<ClientCredentials>) | undefined {
  const { credentials } = config;
  if (credentials === undefined || !('clientIdSetting' in credentials)) return undefined;
  const namedBy = "the topic's compaction.restCatalog.credentials";
  return async () => ({
    clientId: requiredSetting(env, credentials.clientIdSetting, namedBy),
    clientSecret: requiredSetting(env, credentials.clientSecretSetting, namedBy),
  });
}
