import { describe, expect, it } from 'vitest';
import { CaptureError, TransientStoreError } from '../../../../../shared/errors.js';
import { oauth2ClientCredentials } from '../../../../../shared/tables/iceberg/restAuthorization.js';

const TOKEN_URI = 'https://catalog.example.com/v1/oauth/tokens';

/** A token endpoint that answers each request with the next of `answers`, recording the forms posted. */
function tokenEndpoint(answers: { status: number; body: unknown }[]) {
  const forms: Record<string, string>[] = [];
  const send: typeof fetch = async (_input, init) => {
    forms.push(Object.fromEntries(new URLSearchParams(String(init?.body))));
    const answer = answers[forms.length - 1] ?? { status: 500, body: 'no more answers' };
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  };
  return { forms, send };
}

describe('Function: oauth2ClientCredentials', () => {
  it('posts the client credentials once and keeps the token until a minute before it expires', async () => {
    // Prepare
    let now = 0;
    const { forms, send } = tokenEndpoint([
      { status: 200, body: { access_token: 'first', token_type: 'Bearer', expires_in: 3600 } },
      { status: 200, body: { access_token: 'second', token_type: 'Bearer', expires_in: 3600 } },
    ]);
    const authorization = oauth2ClientCredentials({
      tokenUri: TOKEN_URI,
      scope: 'catalog',
      credentials: async () => ({ clientId: 'writer', clientSecret: 's3cret' }),
      fetch: send,
      now: () => now,
    });

    // Act
    const early = await authorization.headers();
    now = 3_539_000;
    const beforeMargin = await authorization.headers();
    now = 3_540_000;
    const atMargin = await authorization.headers();

    // Assess
    expect(early).toEqual({ authorization: 'Bearer first' });
    expect(beforeMargin).toEqual({ authorization: 'Bearer first' });
    expect(atMargin).toEqual({ authorization: 'Bearer second' });
    expect(forms).toEqual([
      { grant_type: 'client_credentials', client_id: 'writer', client_secret: 's3cret', scope: 'catalog' },
      { grant_type: 'client_credentials', client_id: 'writer', client_secret: 's3cret', scope: 'catalog' },
    ]);
  });

  it('asks for a new token once renewed, as after a 401, even if the last one said it never expires', async () => {
    // Prepare
    const { forms, send } = tokenEndpoint([
      { status: 200, body: { access_token: 'first' } },
      { status: 200, body: { access_token: 'second' } },
    ]);
    const authorization = oauth2ClientCredentials({
      tokenUri: TOKEN_URI,
      scope: 'catalog',
      credentials: async () => ({ clientId: 'writer', clientSecret: 's3cret' }),
      fetch: send,
    });
    await authorization.headers();

    // Act
    authorization.renew();
    const renewed = await authorization.headers();

    // Assess
    expect(renewed).toEqual({ authorization: 'Bearer second' });
    expect(forms).toHaveLength(2);
  });

  it('refuses credentials the endpoint rejects for good, naming the client and what to check', async () => {
    // Prepare
    const { send } = tokenEndpoint([
      { status: 401, body: { error: 'invalid_client', error_description: 'unknown client' } },
    ]);
    const authorization = oauth2ClientCredentials({
      tokenUri: TOKEN_URI,
      scope: 'catalog',
      credentials: async () => ({ clientId: 'writer', clientSecret: 'wrong' }),
      fetch: send,
    });

    // Act
    const error: unknown = await authorization.headers().catch((failure: unknown) => failure);

    // Assess
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).retriable).toBe(false);
    expect((error as Error).message).toContain('gave client writer no token (401');
    expect((error as Error).message).toContain('check the client id, its secret and the scope catalog');
    expect((error as Error).message).not.toContain('wrong');
  });

  it('retries later when the endpoint fails or does not answer', async () => {
    // Prepare
    const failing = tokenEndpoint([{ status: 503, body: 'busy' }]);
    const silent: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const options = {
      tokenUri: TOKEN_URI,
      scope: 'catalog',
      credentials: async () => ({ clientId: 'writer', clientSecret: 's3cret' }),
    };

    // Act
    const busy = oauth2ClientCredentials({ ...options, fetch: failing.send }).headers();
    const unanswered = oauth2ClientCredentials({ ...options, fetch: silent }).headers();

    // Assess
    await expect(busy).rejects.toBeInstanceOf(TransientStoreError);
    await expect(unanswered).rejects.toBeInstanceOf(TransientStoreError);
  });
});
