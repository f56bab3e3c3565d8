import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEAD_LETTER_PREFIX, RAW_PREFIX } from '../../shared/paths/lakePaths.js';
import { escapeHtml } from './html.js';
import { lakePage } from './lakePage.js';
import { buildLakeView, type ConsoleSource } from './lakeView.js';
import { objectPage } from './objectPage.js';
import { type DecodedObject, decodeObject } from './objectRecords.js';

export interface RunningConsole {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

/** Records an object page shows: a glance, not a download. */
const FIRST_RECORDS = 10;

/**
 * Serves the console on the loopback interface only: it shows user data and asks for no
 * credentials, so nothing beyond this machine may reach it. Every request reads the lake afresh
 * (through `source.lake`, which cannot write) and answers GET only.
 *
 * - `/`: the page; `/lake.json`: the same view as data;
 * - `/object?path=<raw or dead-letter object>`: the object's first records, decoded.
 */
export async function startConsoleServer(source: ConsoleSource, port = 0): Promise<RunningConsole> {
  const server = createServer((request, response) => {
    answer(source, request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      send(
        response,
        500,
        'text/html',
        `<!doctype html><p>The lake could not be read: ${escapeHtml(message)}</p>`,
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function answer(
  source: ConsoleSource,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'GET') return send(response, 405, 'text/plain', 'the console only reads: GET\n');
  // Loopback alone does not keep other sites out: a page whose name a DNS server points at 127.0.0.1
  // reaches the console as its own origin, but names its own host.
  if (!isLoopbackHost(request.headers.host))
    return send(
      response,
      403,
      'text/plain',
      'open the console at the address it printed (127.0.0.1 or localhost)\n',
    );
  const url = new URL(request.url ?? '/', 'http://console');
  if (url.pathname === '/') return send(response, 200, 'text/html', lakePage(await buildLakeView(source)));
  if (url.pathname === '/lake.json')
    return send(response, 200, 'application/json', JSON.stringify(await buildLakeView(source)));
  if (url.pathname === '/object') {
    const path = url.searchParams.get('path') ?? '';
    if (!isVisibleObjectPath(path))
      return send(response, 404, 'text/plain', 'only raw and dead-letter objects are shown\n');
    const bytes = await source.lake.objects.read(path);
    return send(response, 200, 'text/html', objectPage(path, bytes.length, decodedOrError(path, bytes)));
  }
  send(response, 404, 'text/plain', 'not found\n');
}

function isLoopbackHost(host: string | undefined): boolean {
  const name = host?.replace(/:\d+$/, '');
  return name === '127.0.0.1' || name === 'localhost';
}

/** A damaged object's page says what is wrong with it, rather than failing the request. */
function decodedOrError(path: string, bytes: Buffer): DecodedObject | Error {
  try {
    return decodeObject(path, bytes, FIRST_RECORDS);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Only visible objects: the ledgers and staging are the pipeline's, shown through the grid. A `..`
 * or empty segment is refused too, since on the filesystem store it would climb out of the lake.
 */
function isVisibleObjectPath(path: string): boolean {
  const [prefix, ...rest] = path.split('/');
  return (
    (prefix === RAW_PREFIX || prefix === DEAD_LETTER_PREFIX) &&
    rest.length > 0 &&
    rest.every((segment) => segment !== '' && segment !== '.' && segment !== '..')
  );
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    // The page runs no script and loads nothing: a policy that allows none keeps it so.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  response.end(body);
}
