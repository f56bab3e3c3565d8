import type { RestCatalogConfig } from '../config/restCatalogSchema.js';
import { type ClientCredentials, oauth2ClientCredentials } from '../tables/iceberg/restAuthorization.js';
import { restCatalog } from '../tables/iceberg/restCatalog.js';
import { catalogTableNames } from './catalogTableNames.js';
import type { IcebergTargetProvider } from './icebergTable.js';

/**
 * Iceberg through a REST catalog (`compaction.restCatalog`), on any runtime: the runtime gives how
 * readers address the lake's root and, when the config names credentials, how to read them (app
 * settings, a Secrets Manager secret). The token is kept per instance, across compactions. The
 * catalog's owner maintains the table, so the product's maintenance is off unless turned on.
 */
export function restCatalogTarget(
  topicName: string,
  config: RestCatalogConfig,
  options: {
    readonly lakeLocation: () => string;
    readonly credentials?: () => Promise<ClientCredentials>;
    /** Injected for tests; the runtime's `fetch` otherwise. */
    readonly fetch?: typeof fetch;
  },
): IcebergTargetProvider {
  const names = catalogTableNames(topicName);
  const namespace = config.namespace ?? names.namespace;
  const table = config.table ?? names.table;
  const uri = config.uri.replace(/\/$/, '');
  const authorization =
    options.credentials === undefined
      ? undefined
      : oauth2ClientCredentials({
          tokenUri: config.oauth2ServerUri ?? `${uri}/v1/oauth/tokens`,
          scope: config.scope,
          credentials: options.credentials,
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        });
  return async ({ store }) => {
    const lakeLocation = options.lakeLocation();
    return {
      lakeLocation,
      catalogMaintains: true,
      catalog: (root) =>
        restCatalog(root, {
          uri,
          namespace,
          table,
          objects: store.objects,
          lakeLocation,
          ...(config.warehouse === undefined ? {} : { warehouse: config.warehouse }),
          ...(authorization === undefined ? {} : { authorization }),
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        }),
    };
  };
}
