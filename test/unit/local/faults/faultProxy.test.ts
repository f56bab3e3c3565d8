import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFaultPlan,
  FAULT_KINDS,
  type FaultKind,
  type ServerDialect,
  startFaultProxy,
} from '../../../../local/faults/faultProxy.js';

/** A server that stores what is PUT and answers a GET with it: it shows which writes arrived. */
let server: Server;
let target = '';
const stored = new Map<string, string>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'PUT') stored.set(request.url ?? '', Buffer.concat(chunks).toString());
      response.writeHead(request.method === 'PUT' ? 201 : 200, { 'content-type': 'text/plain' });
      response.end(request.method === 'PUT' ? '' : `stored: ${stored.get(request.url ?? '') ?? 'nothing'}`);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** PUTs `value` at `key` through a proxy that injects `kind` into every request. */
async function putThrough(kind: FaultKind, key: string, dialect: ServerDialect = 's3') {
  const plan = createFaultPlan({ rate: 1, seed: 1, kinds: [kind] });
  const proxy = await startFaultProxy({ target, dialect, plan, holdMs: 50, latencyMs: 20 });
  try {
    const outcome = await fetch(`${proxy.origin}/${key}`, { method: 'PUT', body: 'value' }).then(
      async (response) => ({
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      }),
      (error: Error) => ({ failed: error.message }),
    );
    return { outcome, injected: plan.injected() };
  } finally {
    await proxy.stop();
  }
}

describe('Function: startFaultProxy', () => {
  it.each([
    ['error-500', { status: 500 }],
    ['error-503', { status: 503 }],
    ['throttle', { status: 503 }],
    ['timeout', { failed: 'fetch failed' }],
    ['reset', { failed: 'fetch failed' }],
  ] as const)('fails the request with %s before the server sees it', async (kind, expected) => {
    // Act
    const { outcome, injected } = await putThrough(kind, `before-${kind}`);

    // Assess
    expect(outcome).toMatchObject(expected);
    expect(stored.has(`/before-${kind}`)).toBe(false);
    expect(injected[kind]).toBe(1);
  });

  it.each([
    ['error-after-write', { status: 500 }],
    ['reset-after-write', { failed: 'fetch failed' }],
    ['half-response', { failed: 'fetch failed' }],
  ] as const)('lets the server apply the write, then fails the answer with %s', async (kind, expected) => {
    // Act
    const { outcome } = await putThrough(kind, `after-${kind}`);

    // Assess
    expect(outcome).toMatchObject(expected);
    expect(stored.get(`/after-${kind}`)).toBe('value');
  });

  it('cuts a response with a body in the middle of the body', async () => {
    // Prepare
    stored.set('/long', 'x'.repeat(1000));
    const plan = createFaultPlan({ rate: 1, seed: 1, kinds: ['half-response'] });
    const proxy = await startFaultProxy({ target, dialect: 's3', plan });

    // Act
    const response = await fetch(`${proxy.origin}/long`);
    const body = response.text();

    // Assess: the status and headers arrive, the body never completes
    expect(response.status).toBe(200);
    await expect(body).rejects.toThrow();
    await proxy.stop();
  });

  it('delays a request with latency and forwards it untouched', async () => {
    // Act
    const { outcome } = await putThrough('latency', 'slow');

    // Assess
    expect(outcome).toMatchObject({ status: 201 });
    expect(stored.get('/slow')).toBe('value');
  });

  it.each([
    ['s3', 'SlowDown', undefined],
    ['azure-blob', 'ServerBusy', 'ServerBusy'],
    ['azure-table', 'ServerBusy', 'ServerBusy'],
  ] as const)('throttles in the dialect of %s, with Retry-After', async (dialect, code, errorHeader) => {
    // Act
    const { outcome } = await putThrough('throttle', `throttled-${dialect}`, dialect);

    // Assess
    expect(outcome).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    expect((outcome as { body: string }).body).toContain(code);
    expect((outcome as { headers: Record<string, string> }).headers['x-ms-error-code']).toBe(errorHeader);
  });
});

describe('Function: createFaultPlan', () => {
  it('draws the same faults from the same seed, at about the asked rate, of every kind', () => {
    // Prepare
    const draw = () => {
      const plan = createFaultPlan({ rate: 0.1, seed: 42 });
      return { faults: Array.from({ length: 5000 }, () => plan.next()), plan };
    };

    // Act
    const first = draw();
    const second = draw();

    // Assess
    expect(first.faults).toEqual(second.faults);
    const injected = first.faults.filter((fault) => fault !== null).length;
    expect(injected).toBeGreaterThan(400);
    expect(injected).toBeLessThan(600);
    for (const kind of FAULT_KINDS) expect(first.plan.injected()[kind]).toBeGreaterThan(0);
    expect(first.plan.requests()).toBe(5000);
  });

  it('injects every kind once, then an outage that outlasts three tries, before drawing, at any rate', () => {
    // Prepare: a rate so low that a draw alone would rarely meet every kind
    const plan = createFaultPlan({ rate: 0.001, seed: 3 });

    const forcing = (FAULT_KINDS.length - 1) * 5 + 1;

    // Act
    const faults = Array.from({ length: forcing + 40 }, () => plan.next());

    // Assess: the kinds in order, one every fifth request from the first, then forty 503s in a row
    expect(faults.slice(0, forcing).filter((fault) => fault !== null)).toEqual([...FAULT_KINDS]);
    expect(faults.slice(forcing)).toEqual(Array(40).fill('error-503'));
  });

  it('forces every kind again when rearmed, for a phase that must meet them too', () => {
    // Prepare
    const plan = createFaultPlan({ rate: 0.001, seed: 3, kinds: ['timeout', 'reset'] });
    for (let request = 0; request < 100; request++) plan.next();
    const before = plan.injected();

    // Act
    plan.rearm();
    for (let request = 0; request < 10; request++) plan.next();

    // Assess
    expect(plan.injected().timeout).toBe(before.timeout + 1);
    expect(plan.injected().reset).toBe(before.reset + 1);
  });

  it('injects nothing at rate 0, forced kinds included', () => {
    const plan = createFaultPlan({ rate: 0, seed: 1 });
    expect(Array.from({ length: 200 }, () => plan.next()).every((fault) => fault === null)).toBe(true);
  });

  it('rejects a rate outside 0 to 1', () => {
    expect(() => createFaultPlan({ rate: 1.5, seed: 1 })).toThrow('fault rate must be 0 to 1, got 1.5');
  });
});
