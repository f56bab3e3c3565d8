import type { RegistryHttp } from './registryHttp.js';
import { registryGet } from './registryHttp.js';
import type { SchemaFormat } from './schemaRef.js';
import type { SchemaSource } from './schemaSource.js';

/** The data-plane API version of Azure Schema Registry's GET schema by id. */
export const AZURE_SCHEMA_REGISTRY_API_VERSION = '2023-07-01';
/** The token audience of Event Hubs, whose namespaces hold the schema registry. */
export const AZURE_SCHEMA_REGISTRY_SCOPE = 'https://eventhubs.azure.net/.default';

export interface AzureSourceOptions {
  /** `https://<namespace>.servicebus.windows.net` (a test server's URL in tests). */
  readonly endpoint: string;
  /** Requests carry `Authorization: Bearer <token>` for the scope above (see `RegistryHttp.headers`). */
  readonly http: RegistryHttp;
}

/**
 * Azure Schema Registry: `GET /$schemaGroups/$schemas/<id>` answers the schema's text as its body
 * and says which it is in headers (`Schema-Group-Name`, `Schema-Name`, `Schema-Version`, and the
 * content type's `serialization`); an unknown id answers 404. Schemas there have no references.
 */
export function azureSchemaSource(options: AzureSourceOptions): SchemaSource {
  const base = options.endpoint.replace(/\/+$/, '');
  return async (id) => {
    const url = `${base}/$schemaGroups/$schemas/${encodeURIComponent(id)}?api-version=${AZURE_SCHEMA_REGISTRY_API_VERSION}`;
    const answer = await registryGet(options.http, url, `schema id ${id}`);
    if (answer.status === 404) return undefined;
    const group = answer.headers.get('schema-group-name');
    const name = answer.headers.get('schema-name');
    const version = Number(answer.headers.get('schema-version'));
    return {
      format: formatOf(answer.headers.get('content-type')),
      definition: answer.text,
      references: [],
      ...(group && name ? { subject: `${group}/${name}` } : {}),
      ...(Number.isInteger(version) && version > 0 ? { version } : {}),
    };
  };
}

/** `application/json; serialization=Avro` is Avro; JSON schemas say `serialization=Json`. */
function formatOf(contentType: string | null): SchemaFormat {
  return /serialization=json/i.test(contentType ?? '') ? 'json' : 'avro';
}
