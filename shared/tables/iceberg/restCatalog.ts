import { randomUUID } from 'node:crypto';
import { CaptureError, TransientStoreError } from '../../errors.js';
import { STAGING_PREFIX } from '../../paths/lakePaths.js';
import type { ObjectStore } from '../../store.js';
import type { IcebergCatalog, MetadataPointer } from './catalog.js';
import { metadataFileVersion } from './metadataFileVersion.js';
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
  /** Injected for tests; the runtime's `fetch` otherwise. */
  readonly fetch?: typeof fetch;
}

/**
 * An Iceberg table in a REST catalog (the Iceberg REST spec), for the lake's readers to find it by
 * name. The first metadata is written here and registered (`register`), so the table keeps the field
 * ids its data files were written with; every later commit is sent as changes (new schemas and
 * properties, the appended snapshot, `main` moved to it) with the requirements they were planned on,
 * and the catalog writes the next metadata file itself. A conflict (409) is the commit lost.
 *
 * @example
 * const catalog = restCatalog('compacted/orders/', { uri: 'http://127.0.0.1:8181', namespace: 'capture', table: 'orders', objects, lakeLocation: 'file:///srv/lake/' });
 */
export function restCatalog(root: string, options: RestCatalogOptions): IcebergCatalog {
  const { uri, namespace, table, objects, lakeLocation } = options;
  const send = options.fetch ?? fetch;
  const description = `the REST catalog's table ${namespace}.${table} at ${uri}`;
  const base = `${uri.replace(/\/$/, '')}/v1/namespaces/${encodeURIComponent(namespace)}`;
  const tableUrl = `${base}/tables/${encodeURIComponent(table)}`;

  const call = async (url: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    let response: Response;
    try {
      response = await send(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      // No answer: a commit may have taken effect or not, which the next run finds out from the table.
      throw new TransientStoreError(`${description}: ${url} did not answer`, { cause: error });
    }
    const text = await response.text();
    const json: unknown = text === '' ? null : JSON.parse(text);
    if (response.status >= 500) {
      throw new TransientStoreError(
        `${description}: ${url} answered ${response.status}: ${text.slice(0, 500)}`,
      );
    }
    if (response.status >= 400 && response.status !== 404 && response.status !== 409) {
      throw new CaptureError(`${description}: ${url} answered ${response.status}: ${text.slice(0, 500)}`, {
        retriable: false,
      });
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

  return {
    description,
    writesMetadata: true,

    async currentMetadata() {
      const { status, json } = await call(tableUrl);
      return status === 404 ? null : pointerOf(locationOf(json));
    },

    async commit(previous, bytes) {
      if (previous === null) {
        const path = `${root}metadata/00001-${randomUUID()}.metadata.json`;
        const staging = `${STAGING_PREFIX}/iceberg/${path}`;
        await objects.stage(staging, bytes);
        await objects.publish(path, [staging]);
        await objects.deleteStaged([staging]);
        const { status } = await call(`${base}/register`, {
          name: table,
          'metadata-location': `${lakeLocation}${path}`,
        });
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
