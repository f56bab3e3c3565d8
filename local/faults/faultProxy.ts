import { createServer, type IncomingMessage, request, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RequestTally, ServerDialect } from '../emulators/storageRequests.js';
import { seededRandom } from '../sources/generator.js';

export type { ServerDialect };

/**
 * What the proxy can do to a request. The first five act before forwarding: the server never sees
 * the request. `latency` delays it and then forwards it untouched. The last three act after
 * forwarding: the server has applied the request (a write is durable) but the client sees a failure,
 * the case that makes a retried write meet its own earlier success.
 */
export const FAULT_KINDS = [
  'error-500',
  'error-503',
  'throttle',
  'timeout',
  'reset',
  'latency',
  'error-after-write',
  'reset-after-write',
  'half-response',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const AFTER_FORWARDING: ReadonlySet<FaultKind> = new Set([
  'error-after-write',
  'reset-after-write',
  'half-response',
]);

export interface FaultPlanOptions {
  /** Share of requests that get a fault, 0 to 1. */
  readonly rate: number;
  readonly seed: number;
  /** The kinds to draw from, evenly; all of them by default. */
  readonly kinds?: readonly FaultKind[];
  /**
   * An outage after the forced kinds (see `OUTAGE_REQUESTS`), on by default: for runs whose clients
   * retry quickly. A runner with a platform's own backoff (doubling to minutes) would wait out a
   * long outage for many minutes.
   */
  readonly outage?: boolean;
}

/**
 * The seeded draw of faults, shared by every proxy of a run so one seed drives them all, and the
 * count of what was injected. Every kind is injected once first, on every `FORCED_SPACING`th request,
 * so a run of a few dozen requests meets each kind by construction, whatever the timing; then each
 * request draws at `rate`. Concurrent requests reach the draw in the order they arrive, so a repeated
 * run injects the same sequence of faults, not always on the same requests.
 */
export interface FaultPlan {
  next(): FaultKind | null;
  /** Forces every kind once more, from the next requests on: for a phase that must meet them too. */
  rearm(): void;
  /** Requests seen and faults injected so far, by kind. */
  readonly requests: () => number;
  readonly injected: () => Record<FaultKind, number>;
}

/**
 * Requests between two forced faults: far enough apart that the SDKs' own retries of one request do
 * not all meet forced faults, so no invocation fails for the forcing alone.
 */
const FORCED_SPACING = 5;
/**
 * After the forced kinds, this many requests in a row fail (503), once: an outage longer than the
 * stores' three tries of any request in flight, so at least one invocation fails and is retried by
 * the platform, whatever the timing. A run's few concurrent requests (four stagings and a ledger
 * call per invocation) cannot spread one request's tries past it.
 */
const OUTAGE_REQUESTS = 40;

export function createFaultPlan(options: FaultPlanOptions): FaultPlan {
  if (!(options.rate >= 0 && options.rate <= 1))
    throw new RangeError(`fault rate must be 0 to 1, got ${options.rate}`);
  const kinds = options.kinds ?? FAULT_KINDS;
  const random = seededRandom(options.seed);
  const counts = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  let requests = 0;
  // A plan of rate 0 injects nothing, forced kinds and outage included.
  const faulty = options.rate > 0 && kinds.length > 0;
  const forced = faulty ? [...kinds] : [];
  let outageLeft = faulty && options.outage !== false ? OUTAGE_REQUESTS : 0;
  const draw = (): FaultKind | undefined => {
    if (forced.length > 0) return (requests - 1) % FORCED_SPACING === 0 ? forced.shift() : undefined;
    if (outageLeft > 0) {
      outageLeft -= 1;
      return 'error-503';
    }
    return faulty && random() < options.rate ? kinds[Math.floor(random() * kinds.length)] : undefined;
  };
  return {
    next() {
      requests += 1;
      const kind = draw();
      if (kind === undefined) return null;
      counts[kind] += 1;
      return kind;
    },
    rearm() {
      if (faulty) forced.splice(0, forced.length, ...kinds);
    },
    requests: () => requests,
    injected: () => ({ ...counts }),
  };
}

export interface FaultProxyOptions {
  /** The server's origin, e.g. `http://127.0.0.1:10000`; paths and headers are forwarded as they come. */
  readonly target: string;
  readonly dialect: ServerDialect;
  readonly plan: FaultPlan;
  /** The delay `latency` adds (default 200 ms). */
  readonly latencyMs?: number;
  /**
   * How long `timeout` holds a request before dropping the connection unanswered (default 1 s). The
   * stores' own timeouts are a minute, longer than a test can wait, so the proxy plays a gateway whose
   * idle timeout expires first: to the client it is the same silence followed by a dead connection.
   */
  readonly holdMs?: number;
  /** Counts every request that reaches the proxy, faulted or not, by kind. */
  readonly tally?: RequestTally;
}

export interface RunningFaultProxy {
  /** `http://127.0.0.1:<port>`: put it where the server's origin was. */
  readonly origin: string;
  stop(): Promise<void>;
}

/**
 * An HTTP reverse proxy on a free loopback port that passes requests to `target` and, as `plan`
 * draws, fails them the ways storage services and networks fail.
 *
 * @example
 * const plan = createFaultPlan({ rate: 0.05, seed: 1 });
 * const proxy = await startFaultProxy({ target: s3.endpoint, dialect: 's3', plan });
 * const client = s3ClientFor({ endpoint: proxy.origin });
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<RunningFaultProxy> {
  const target = new URL(options.target);
  const sockets = new Set<Socket>();
  const server = createServer((incoming, response) => {
    handle(incoming, response).catch(() => incoming.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const operation = incoming.headers['x-amz-target'];
    options.tally?.count(
      options.dialect,
      incoming.method ?? 'GET',
      incoming.url ?? '/',
      typeof operation === 'string' ? operation : undefined,
    );
    const fault = options.plan.next();
    if (fault === 'reset') return void incoming.socket.destroy();
    if (fault === 'timeout') {
      incoming.resume();
      await delay(options.holdMs ?? 1_000);
      return void incoming.socket.destroy();
    }
    if (fault === 'error-500' || fault === 'error-503' || fault === 'throttle') {
      await drained(incoming);
      return answerError(response, options.dialect, fault);
    }
    if (fault === 'latency') await delay(options.latencyMs ?? 200);
    const upstream = await forward(target, incoming);
    if (fault === null || !AFTER_FORWARDING.has(fault)) {
      response.writeHead(upstream.status, upstream.headers);
      return void response.end(upstream.body);
    }
    if (fault === 'error-after-write') return answerError(response, options.dialect, 'error-500');
    if (fault === 'reset-after-write') return void incoming.socket.destroy();
    // half-response: the status line and headers, then half the body; with no body, the headers
    // without the blank line that ends them. Either way the client holds a response it cannot finish.
    const head = rawHead(upstream);
    const cut =
      upstream.body.length > 0
        ? Buffer.concat([head, upstream.body.subarray(0, Math.floor(upstream.body.length / 2))])
        : head.subarray(0, head.length - 2);
    incoming.socket.end(cut, () => incoming.socket.destroy());
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

interface UpstreamResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/** The whole answer is buffered so an after-forwarding fault can decide what the client gets of it. */
function forward(target: URL, incoming: IncomingMessage): Promise<UpstreamResponse> {
  return new Promise((done, fail) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.once('error', fail);
        answer.once('end', () => {
          const headers: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(answer.headers))
            if (value !== undefined) headers[name] = value;
          const body = Buffer.concat(chunks);
          // Buffered, so the length is known; a chunked answer is re-sent whole.
          delete headers['transfer-encoding'];
          if (incoming.method !== 'HEAD') headers['content-length'] = String(body.length);
          done({ status: answer.statusCode ?? 502, headers, body });
        });
      },
    );
    outgoing.once('error', fail);
    incoming.pipe(outgoing);
  });
}

function rawHead(upstream: UpstreamResponse): Buffer {
  const lines = [`HTTP/1.1 ${upstream.status} ${STATUS_CODES[upstream.status] ?? ''}`];
  for (const [name, value] of Object.entries(upstream.headers))
    for (const each of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${each}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
}

/** The error bodies and codes each service sends, so the SDKs classify them as they would in the cloud. */
function answerError(
  response: ServerResponse,
  dialect: ServerDialect,
  fault: 'error-500' | 'error-503' | 'throttle',
): void {
  if (dialect === 'dynamodb') {
    answerDynamoError(response, fault);
    return;
  }
  const status = fault === 'error-500' ? 500 : 503;
  const code =
    fault === 'error-500'
      ? 'InternalError'
      : fault === 'error-503'
        ? dialect === 's3'
          ? 'ServiceUnavailable'
          : 'ServerBusy'
        : dialect === 's3'
          ? 'SlowDown'
          : 'ServerBusy';
  const message = `injected by the fault proxy (${fault})`;
  const body =
    dialect === 'azure-table'
      ? JSON.stringify({ 'odata.error': { code, message: { lang: 'en-US', value: message } } })
      : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  const headers: Record<string, string> = {
    'content-type': dialect === 'azure-table' ? 'application/json' : 'application/xml',
    'content-length': String(Buffer.byteLength(body)),
    ...(dialect === 's3' ? {} : { 'x-ms-error-code': code }),
    // Throttling tells the client when to come back; the SDKs honour it.
    ...(fault === 'throttle' ? { 'retry-after': '1' } : {}),
  };
  response.writeHead(status, headers);
  response.end(body);
}

/** DynamoDB's JSON errors; it throttles with a 400 whose type says so, not with a 503. */
function answerDynamoError(response: ServerResponse, fault: 'error-500' | 'error-503' | 'throttle'): void {
  const [status, type] =
    fault === 'error-500'
      ? [500, 'InternalServerError']
      : fault === 'error-503'
        ? [503, 'ServiceUnavailable']
        : [400, 'ThrottlingException'];
  const body = JSON.stringify({
    __type: `com.amazonaws.dynamodb.v20120810#${type}`,
    message: `injected by the fault proxy (${fault})`,
  });
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': String(Buffer.byteLength(body)),
    'x-amzn-errortype': type,
  });
  response.end(body);
}

function drained(incoming: IncomingMessage): Promise<void> {
  return new Promise((done) => {
    incoming.once('end', done);
    incoming.once('error', () => done());
    incoming.resume();
  });
}

const delay = (ms: number) => new Promise((done) => setTimeout(done, ms));
