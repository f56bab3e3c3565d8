import { CaptureError, TransientStoreError } from '../../errors.js';
import { parseJsonOrUndefined } from '../../parseJsonOrUndefined.js';

/** The headers a REST catalog's requests carry; `renew` forgets them after the catalog answered 401. */
export interface RestAuthorization {
  headers(): Promise<Record<string, string>>;
  renew(): void;
}

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A token is renewed this long before the catalog said it expires, so no request carries a stale one. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * OAuth2's client credentials grant (RFC 6749, section 4.4), as Iceberg's REST clients authenticate:
 * the id, secret and scope posted as a form to the token endpoint, the access token sent as a bearer
 * token until it is about to expire (or the catalog refuses it). `credentials` is asked once per
 * token, so a rotated secret is picked up on the next one.
 *
 * @example
 * const authorization = oauth2ClientCredentials({ tokenUri: 'https://catalog.example.com/v1/oauth/tokens', scope: 'catalog', credentials: async () => ({ clientId, clientSecret }) });
 */
export function oauth2ClientCredentials(options: {
  readonly tokenUri: string;
  readonly scope: string;
  readonly credentials: () => Promise<ClientCredentials>;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}): RestAuthorization {
  const send = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let token: { readonly value: string; readonly until: number } | null = null;

  const requestToken = async () => {
    const { clientId, clientSecret } = await options.credentials();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: options.scope,
    });
    let response: Response;
    try {
      response = await send(options.tokenUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    } catch (error) {
      throw new TransientStoreError(`the catalog's token endpoint ${options.tokenUri} did not answer`, {
        cause: error,
      });
    }
    const text = await response.text();
    // Down, overloaded or throttling (408, 429): asked again by the next run.
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw new TransientStoreError(
        `the catalog's token endpoint ${options.tokenUri} answered ${response.status}: ${text.slice(0, 500)}`,
      );
    }
    const answer = parseJsonOrUndefined(text) as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (response.status >= 400 || typeof answer?.access_token !== 'string') {
      throw new CaptureError(
        `the catalog's token endpoint ${options.tokenUri} gave client ${clientId} no token (${response.status}: ${text.slice(0, 500)}): check the client id, its secret and the scope ${options.scope}`,
        { retriable: false },
      );
    }
    const lifetimeMs = typeof answer.expires_in === 'number' ? answer.expires_in * 1000 : Infinity;
    return { value: answer.access_token, until: now() + lifetimeMs - EXPIRY_MARGIN_MS };
  };

  return {
    async headers() {
      if (token === null || now() >= token.until) token = await requestToken();
      return { authorization: `Bearer ${token.value}` };
    },
    renew() {
      token = null;
    },
  };
}
