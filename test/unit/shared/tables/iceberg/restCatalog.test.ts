import { describe, expect, it } from 'vitest';
import { CaptureError, TransientStoreError } from '../../../../../shared/errors.js';
import type { ObjectStore } from '../../../../../shared/store.js';
import type { RestAuthorization } from '../../../../../shared/tables/iceberg/restAuthorization.js';
import { type RestCatalogOptions, restCatalog } from '../../../../../shared/tables/iceberg/restCatalog.js';

const URI = 'https://catalog.example.com/api/catalog';
const LAKE = 's3://lake/';
const METADATA = 'compacted/orders/metadata/00003-a.metadata.json';

/** A catalog answering from `routes` (by method and URL), recording each request's authorization. */
function catalogAt(routes: Record<string, { status: number; body: unknown }[]>) {
  const seen: { request: string; authorization: string | null }[] = [];
  const send: typeof fetch = async (input, init) => {
    const request = `${init?.method ?? 'GET'} ${String(input)}`;
    seen.push({ request, authorization: new Headers(init?.headers).get('authorization') });
    const answer = routes[request]?.shift() ?? { status: 500, body: `no route for ${request}` };
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  };
  return { seen, send };
}

/** The orders table's catalog at `URI`, over `send`, with the options given. */
function ordersCatalog(send: typeof fetch, options: Partial<RestCatalogOptions> = {}) {
  return restCatalog('compacted/orders/', {
    uri: URI,
    namespace: 'capture',
    table: 'orders',
    objects: {} as ObjectStore,
    lakeLocation: LAKE,
    fetch: send,
    ...options,
  });
}

/** Tokens `t1`, `t2`, … each renewal giving the next. */
function countingAuthorization(): RestAuthorization {
  let token = 1;
  return {
    headers: async () => ({ authorization: `Bearer t${token}` }),
    renew: () => {
      token++;
    },
  };
}

describe('Function: restCatalog', () => {
  it('puts the prefix the config answer gives for the warehouse before every path', async () => {
    // Prepare
    const table = `${URI}/v1/warehouses%2Flake/namespaces/capture/tables/orders`;
    const { seen, send } = catalogAt({
      [`GET ${URI}/v1/config?warehouse=s3%3A%2F%2Flake`]: [
        {
          status: 200,
          body: { defaults: { prefix: 'ignored' }, overrides: { prefix: 'warehouses%2Flake' } },
        },
      ],
      [`GET ${table}`]: [{ status: 200, body: { 'metadata-location': `${LAKE}${METADATA}` } }],
    });
    const catalog = ordersCatalog(send, { uri: `${URI}/`, warehouse: 's3://lake' });

    // Act
    const pointer = await catalog.currentMetadata();

    // Assess
    expect(pointer).toEqual({ path: METADATA, version: 3 });
    expect(seen.map(({ request }) => request)).toEqual([
      `GET ${URI}/v1/config?warehouse=s3%3A%2F%2Flake`,
      `GET ${table}`,
    ]);
  });

  it('asks again with a new token once when the catalog answers 401, and refuses a second 401', async () => {
    // Prepare
    const table = `${URI}/v1/namespaces/capture/tables/orders`;
    const { seen, send } = catalogAt({
      [`GET ${URI}/v1/config`]: [{ status: 200, body: { defaults: {}, overrides: {} } }],
      [`GET ${table}`]: [
        { status: 401, body: { error: { message: 'token expired' } } },
        { status: 200, body: { 'metadata-location': `${LAKE}${METADATA}` } },
        { status: 401, body: { error: { message: 'token expired' } } },
        { status: 401, body: { error: { message: 'not authorized' } } },
      ],
    });
    const catalog = ordersCatalog(send, { authorization: countingAuthorization() });

    // Act
    const pointer = await catalog.currentMetadata();
    const refused = catalog.currentMetadata();

    // Assess
    expect(pointer).toEqual({ path: METADATA, version: 3 });
    await expect(refused).rejects.toThrow(`${table} answered 401`);
    expect(seen.map(({ authorization }) => authorization)).toEqual([
      'Bearer t1',
      'Bearer t1',
      'Bearer t2',
      'Bearer t2',
      'Bearer t3',
    ]);
  });

  it('creates a missing namespace, then registers the first metadata into it', async () => {
    // Prepare
    const base = `${URI}/v1/namespaces/capture`;
    const { seen, send } = catalogAt({
      [`GET ${URI}/v1/config`]: [{ status: 200, body: {} }],
      [`POST ${base}/register`]: [
        { status: 404, body: { error: { type: 'NoSuchNamespaceException' } } },
        { status: 200, body: {} },
      ],
      [`POST ${URI}/v1/namespaces`]: [{ status: 200, body: { namespace: ['capture'] } }],
    });
    const published: string[] = [];
    const objects = {
      stage: async () => undefined,
      publish: async (path: string) => {
        published.push(path);
      },
      deleteStaged: async () => undefined,
    } as unknown as ObjectStore;
    const catalog = ordersCatalog(send, { objects });

    // Act
    const pointer = await catalog.commit(null, Buffer.from('{}'));

    // Assess
    expect(pointer).toEqual({ path: published[0], version: 1 });
    expect(seen.map(({ request }) => request)).toEqual([
      `GET ${URI}/v1/config`,
      `POST ${base}/register`,
      `POST ${URI}/v1/namespaces`,
      `POST ${base}/register`,
    ]);
  });

  it.each([
    ['a throttled request (429)', 429, { error: { message: 'slow down' } }, TransientStoreError],
    ['a proxy’s page instead of JSON (502)', 502, '<html>bad gateway</html>', TransientStoreError],
    ['a refusal (403)', 403, { error: { message: 'forbidden' } }, CaptureError],
  ])('fails %s as the status says: retried or not', async (_case, status, body, kind) => {
    // Prepare
    const send: typeof fetch = async (input) =>
      String(input).endsWith('/v1/config')
        ? new Response('{}', { status: 200 })
        : new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
    const catalog = ordersCatalog(send);

    // Act
    const error: unknown = await catalog.currentMetadata().catch((failure: unknown) => failure);

    // Assess
    expect(error).toBeInstanceOf(kind);
    expect((error as CaptureError).retriable).toBe(kind === TransientStoreError);
    expect((error as Error).message).toContain(`answered ${status}`);
  });
});
