import { CaptureError, TransientStoreError } from '../../errors.js';
import { parseJsonOrUndefined } from '../../parseJsonOrUndefined.js';
import { STAGING_PREFIX } from '../../paths/lakePaths.js';
import type { ObjectStore } from '../../store.js';
import type { IcebergCatalog, MetadataPointer } from './catalog.js';
import { datedUuid } from './datedName.js';
import { metadataFileVersion } from './metadataFileVersion.js';
import type { RestAuthorization } from './restAuthorization.js';
import { restCommitOf } from './restUpdates.js';
import { parseTableMetadata } from './tableMetadata.js';

export interface RestCatalogOptions {
  /** The catalog's base URI, without `/v1`: `http://127.0.0.1:8181`. */
  readonly uri: string;
  readonly namespace: string;
  readonly table: string;
  readonly objects: ObjectStore;
  /** The lake's root as the catalog addresses it, ending in `/`: `s3://bucket/`, `file:///srv/lake/`. */
  readonly lakeLocation: string;
  /** Sent to `/v1/config` as `warehouse`; the catalog answers with the prefix of its paths, if it has one. */
  readonly warehouse?: string;
  /** The headers that authenticate each request (see `oauth2ClientCredentials`); none otherwise. */
  readonly authorization?: RestAuthorization;
  /** Injected for tests; the runtime's `fetch` otherwise. */
  readonly fetch?: typeof fetch;
}

/**
 * An Iceberg table in a REST catalog (the Iceberg REST spec), for the lake's readers to find it by
 * name. The first metadata is written here and registered (`register`), so the table keeps the field
 * ids its data files were written with; every later commit is sent as changes (new schemas and
 * properties, the appended snapshot, `main` moved to it) with the requirements they were planned on,
 * and the catalog writes the next metadata file itself. A conflict (409) is the commit lost. The
 * namespace is created when missing; the paths carry the prefix `/v1/config` answers with (for the
 * `warehouse` given), and every request the `authorization` headers, renewed once on a 401.
 *
 * @example
 * const catalog = restCatalog('compacted/orders/', { uri: 'http://127.0.0.1:8181', namespace: 'capture', table: 'orders', objects, lakeLocation: 'file:///srv/lake/' });
 */
export function restCatalog(root: string, options: RestCatalogOptions): IcebergCatalog {
  const { uri, namespace, table, objects, lakeLocation, warehouse, authorization } = options;
  const send = options.fetch ?? fetch;
  const description = `the REST catalog's table ${namespace}.${table} at ${uri}`;
  const v1 = `${uri.replace(/\/$/, '')}/v1`;

  const request = async (url: string, body: unknown): Promise<Response> => {
    const headers = { 'content-type': 'application/json', ...(await authorization?.headers()) };
    try {
      return await send(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      // No answer: a commit may have taken effect or not, which the next run finds out from the table.
      throw new TransientStoreError(`${description}: ${url} did not answer`, { cause: error });
    }
  };
  const call = async (url: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    let response = await request(url, body);
    if (response.status === 401 && authorization !== undefined) {
      // An expired or revoked token: one more try with a new one. A refused request changed nothing.
      await response.body?.cancel();
      authorization.renew();
      response = await request(url, body);
    }
    const text = await response.text();
    const answered = `${description}: ${url} answered ${response.status}: ${text.slice(0, 500)}`;
    // A catalog that is down, overloaded or throttling (408, 429) is asked again by the next run.
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw new TransientStoreError(answered);
    }
    if (response.status >= 400 && response.status !== 404 && response.status !== 409) {
      throw new CaptureError(answered, { retriable: false });
    }
    const json = text === '' ? null : parseJsonOrUndefined(text);
    if (json === undefined) {
      throw new TransientStoreError(`${description}: ${url} answered ${response.status} with no JSON`);
    }
    return { status: response.status, json };
  };
  const pointerOf = (answered: unknown): MetadataPointer => {
    // A catalog writing through Hadoop's file system names `file:///srv/lake/…` as `file:/srv/lake/…`.
    const location = typeof answered === 'string' ? answered.replace(/^file:\/(?!\/)/, 'file:///') : answered;
    if (typeof location !== 'string' || !location.startsWith(lakeLocation)) {
      throw new CaptureError(
        `${description}: its metadata ${String(location)} is outside the lake at ${lakeLocation}`,
        {
          retriable: false,
        },
      );
    }
    const path = location.slice(lakeLocation.length);
    return { path, version: metadataFileVersion(path) };
  };
  const locationOf = (answer: unknown) =>
    (answer as { 'metadata-location'?: unknown } | null)?.['metadata-location'];
  // The catalog's paths, once per catalog object: `/v1/config` may put a prefix before `namespaces`.
  let paths: Promise<{ base: string; tableUrl: string }> | undefined;
  const pathsOf = () => {
    paths ??= (async () => {
      const query = warehouse === undefined ? '' : `?warehouse=${encodeURIComponent(warehouse)}`;
      const { json } = await call(`${v1}/config${query}`);
      const prefix = configuredPrefix(json);
      const base = `${v1}/${prefix === undefined ? '' : `${prefix}/`}namespaces/${encodeURIComponent(namespace)}`;
      return { base, tableUrl: `${base}/tables/${encodeURIComponent(table)}` };
    })().catch((error: unknown) => {
      paths = undefined;
      throw error;
    });
    return paths;
  };

  return {
    description,
    writesMetadata: true,

    async currentMetadata() {
      const { tableUrl } = await pathsOf();
      const { status, json } = await call(tableUrl);
      return status === 404 ? null : pointerOf(locationOf(json));
    },

    async commit(previous, bytes) {
      const { base, tableUrl } = await pathsOf();
      if (previous === null) {
        const path = `${root}metadata/00001-${datedUuid(Date.now())}.metadata.json`;
        const staging = `${STAGING_PREFIX}/iceberg/${path}`;
        await objects.stage(staging, bytes);
        await objects.publish(path, [staging]);
        await objects.deleteStaged([staging]);
        const registration = { name: table, 'metadata-location': `${lakeLocation}${path}` };
        let { status } = await call(`${base}/register`, registration);
        if (status === 404) {
          // No such namespace yet: created (or found created by a concurrent run), then registered into.
          await call(base.slice(0, base.lastIndexOf('/')), { namespace: [namespace] });
          ({ status } = await call(`${base}/register`, registration));
        }
        if (status === 404) {
          throw new CaptureError(`${description}: the namespace ${namespace} cannot be created`, {
            retriable: false,
          });
        }
        return status === 409 ? null : { path, version: 1 };
      }
      const before = parseTableMetadata(await objects.read(previous.path), previous.path);
      const after = parseTableMetadata(bytes, `the next metadata of ${description}`);
      const { status, json } = await call(tableUrl, restCommitOf(before, after));
      if (status === 409) return null;
      if (status === 404) {
        throw new CaptureError(`${description}: the table is gone from the catalog`, { retriable: false });
      }
      return pointerOf(locationOf(json));
    },
  };
}

/** The path prefix a catalog's `/v1/config` answer sets (its overrides win over its defaults), if any. */
function configuredPrefix(answer: unknown): string | undefined {
  const config = answer as { defaults?: Record<string, unknown>; overrides?: Record<string, unknown> } | null;
  const prefix = config?.overrides?.prefix ?? config?.defaults?.prefix;
  return typeof prefix === 'string' && prefix !== '' ? prefix : undefined;
}
