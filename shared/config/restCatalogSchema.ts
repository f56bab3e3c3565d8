import { z } from 'zod';
import { appSettingNameOf, secretArnOf } from './credentialReferences.js';

const appSettingName = appSettingNameOf('IcebergCatalogClientSecret');
const secretArn = secretArnOf('catalog-abc123');

/** A namespace or table name as REST catalogs and their SQL readers take it unquoted. */
const catalogName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,254}$/, 'lower-case letters, digits and _, such as capture_orders');

/**
 * An Iceberg REST catalog to record a topic's Iceberg table in (Polaris, Unity Catalog, Nessie,
 * Gravitino, Lakekeeper and other servers of the Iceberg REST spec), instead of the runtime's own:
 * the Glue Data Catalog on AWS, the path catalog on Azure and locally. Authentication is OAuth2's
 * client credentials, as Iceberg's clients do it (`credential` and `scope`): the id and secret come
 * from two app settings (Azure, local runs) or one Secrets Manager secret holding
 * `{"clientId","clientSecret"}` (AWS), never from this file. Such a catalog's owner usually
 * maintains its tables, so `compaction.maintenance` is off for it unless `enabled: true`.
 */
export const restCatalogSchema = z
  .object({
    /** The catalog's base URL, without `/v1`: `https://polaris.example.com/api/catalog`. */
    uri: z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://catalog.example.com' }),
    /** Sent to the catalog's `/v1/config`, which answers with the prefix of its paths (Polaris: the catalog's name). */
    warehouse: z.string().min(1).optional(),
    /** Defaults to the topic's Glue names: namespace `capture_<topic>`, table `<topic>`, lower-cased, `_` for other characters. */
    namespace: catalogName.optional(),
    table: catalogName.optional(),
    credentials: z
      .union([
        z
          .object({ clientIdSetting: appSettingName, clientSecretSetting: appSettingName })
          .strict()
          .describe('Azure and local runs: app settings holding the client id and secret'),
        z
          .object({ secretArn })
          .strict()
          .describe('AWS: a Secrets Manager secret whose JSON holds clientId and clientSecret'),
      ])
      .optional(),
    /** The token endpoint; the catalog's own `<uri>/v1/oauth/tokens` by default, as Iceberg's clients use it. */
    oauth2ServerUri: z.url({ protocol: /^https?$/ }).optional(),
    /** The scope asked for, Iceberg's default `catalog`; Polaris wants `PRINCIPAL_ROLE:ALL`. */
    scope: z.string().min(1).default('catalog'),
  })
  .strict();

export type RestCatalogConfig = z.infer<typeof restCatalogSchema>;

/** What the REST catalog rules look at in a topic, apart from the block itself. */
interface TopicWithRestCatalog {
  readonly platform: 'azure' | 'aws';
  readonly compaction: { readonly table: string; readonly restCatalog?: RestCatalogConfig };
}

/** Rules between the REST catalog block and the rest of the topic, each with the field it concerns. */
export function restCatalogProblems(topic: TopicWithRestCatalog): { path: string[]; message: string }[] {
  const { restCatalog } = topic.compaction;
  if (restCatalog === undefined) return [];
  const problems: { path: string[]; message: string }[] = [];
  if (topic.compaction.table !== 'iceberg') {
    problems.push({
      path: ['compaction', 'table'],
      message: 'a REST catalog records Iceberg tables: set compaction.table: iceberg',
    });
  }
  const credentials = restCatalog.credentials;
  if (credentials !== undefined && 'secretArn' in credentials && topic.platform !== 'aws') {
    problems.push({
      path: ['compaction', 'restCatalog', 'credentials'],
      message: 'on Azure the credentials are app settings: { clientIdSetting, clientSecretSetting }',
    });
  }
  if (credentials !== undefined && 'clientIdSetting' in credentials && topic.platform === 'aws') {
    problems.push({
      path: ['compaction', 'restCatalog', 'credentials'],
      message: 'on AWS the credentials are a Secrets Manager secret: { secretArn }',
    });
  }
  return problems;
}
