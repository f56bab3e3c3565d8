import { describe, expect, it } from 'vitest';
import { CaptureError, RegistryUnavailableError } from '../../../../shared/errors.js';
import { confluentSchemaSource } from '../../../../shared/registry/confluentSource.js';

type Answer = { status: number; body: unknown } | Error;

/** A fetch that answers by path from a table (Apicurio's and Confluent's documented shapes) and records what it was asked. */
function fakeFetch(
  answers: Record<string, Answer>,
  asked: { url: string; headers: unknown }[] = [],
): typeof fetch {
  return async (input, init) => {
    const url = String(input);
    asked.push({ url, headers: init?.headers });
    const answer = answers[new URL(url).pathname];
    if (answer === undefined) return new Response('{"error_code":404}', { status: 404 });
    if (answer instanceof Error) throw answer;
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  };
}

const source = (answers: Record<string, Answer>, asked?: { url: string; headers: unknown }[]) =>
  confluentSchemaSource({
    url: 'http://registry.test/apis/ccompat/v7/',
    topic: 'orders',
    http: {
      service: 'the Confluent schema registry',
      fetch: fakeFetch(answers, asked),
      headers: async () => ({ authorization: 'Basic dTpw' }),
    },
  });

const BASE = '/apis/ccompat/v7';

describe('Function: confluentSchemaSource', () => {
  it("returns the schema, its references' texts and the topic's own subject and version", async () => {
    // Prepare
    const asked: { url: string; headers: unknown }[] = [];
    const schemas = source(
      {
        [`${BASE}/schemas/ids/12`]: {
          status: 200,
          body: {
            schema: 'syntax = "proto3"; import "money.proto";',
            schemaType: 'PROTOBUF',
            references: [{ name: 'money.proto', subject: 'money', version: 2 }],
          },
        },
        [`${BASE}/subjects/money/versions/2`]: {
          status: 200,
          body: {
            id: 11,
            subject: 'money',
            version: 2,
            schema: 'syntax = "proto3"; message Money {}',
            schemaType: 'PROTOBUF',
            references: [],
          },
        },
        [`${BASE}/schemas/ids/12/versions`]: {
          status: 200,
          body: [
            { subject: 'other-value', version: 1 },
            { subject: 'orders-value', version: 4 },
          ],
        },
      },
      asked,
    );

    // Act
    const schema = await schemas('12');

    // Assess
    expect(schema).toEqual({
      format: 'protobuf',
      definition: 'syntax = "proto3"; import "money.proto";',
      references: [{ name: 'money.proto', definition: 'syntax = "proto3"; message Money {}' }],
      subject: 'orders-value',
      version: 4,
    });
    expect(
      asked.every(({ headers }) => (headers as Record<string, string>).authorization === 'Basic dTpw'),
    ).toBe(true);
  });

  it('reads a schema without schemaType as Avro, and one without subjects without them', async () => {
    // Act
    const schema = await source({ [`${BASE}/schemas/ids/3`]: { status: 200, body: { schema: '"string"' } } })(
      '3',
    );

    // Assess
    expect(schema).toEqual({ format: 'avro', definition: '"string"', references: [] });
  });

  it('returns undefined for an id the registry does not have (404, error 40403)', async () => {
    // Act
    const schema = await source({
      [`${BASE}/schemas/ids/999`]: {
        status: 404,
        body: { error_code: 40403, message: 'Schema 999 not found' },
      },
    })('999');

    // Assess
    expect(schema).toBeUndefined();
  });

  it.each([
    [
      'refuses the connection',
      new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }),
      RegistryUnavailableError,
      /ECONNREFUSED/,
    ],
    ['throttles', { status: 429, body: {} }, RegistryUnavailableError, /HTTP 429/],
    ['fails', { status: 503, body: {} }, RegistryUnavailableError, /HTTP 503/],
    ['refuses the credentials', { status: 401, body: {} }, CaptureError, /HTTP 401: check the credentials/],
    [
      'answers 404 without 40403 (a wrong URL)',
      { status: 404, body: { error_code: 404 } },
      CaptureError,
      /check registry.url/,
    ],
  ])('throws when the registry %s', async (_, answer, errorClass, message) => {
    // Act
    const act = source({ [`${BASE}/schemas/ids/5`]: answer as Answer })('5');

    // Assess
    await expect(act).rejects.toBeInstanceOf(errorClass);
    await expect(act).rejects.toThrow(message);
  });

  it('makes outages retriable and refusals permanent', async () => {
    // Act
    const outage = await source({ [`${BASE}/schemas/ids/5`]: { status: 502, body: {} } })('5').catch(
      (error) => error,
    );
    const refusal = await source({ [`${BASE}/schemas/ids/5`]: { status: 403, body: {} } })('5').catch(
      (error) => error,
    );

    // Assess
    expect((outage as CaptureError).retriable).toBe(true);
    expect((refusal as CaptureError).retriable).toBe(false);
  });
});
