import { CaptureError, NETWORK_ERROR_CODES, RegistryUnavailableError } from '../errors.js';

/** One registry request's time limit: a registry that hangs holds the batch, to be retried. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface RegistryHttp {
  /** Names the registry in messages: "the Confluent schema registry". */
  readonly service: string;
  /** `fetch`, injected so tests can count or fail requests. */
  readonly fetch: typeof fetch;
  /** Headers every request carries (authorization), fetched per request so tokens can renew. */
  readonly headers: () => Promise<Record<string, string>>;
}

/** A registry's answer that is neither an outage nor a refusal: 2xx, or 404 for what it does not have. */
export interface RegistryAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * GET from a registry. Network failures, timeouts, 408, 429 and 5xx are `RegistryUnavailableError`
 * (retriable: the batch comes again, its partition waits); 401 and 403 are a permanent error that
 * names the credentials to check; 404 is returned for the caller to read. Messages carry the status
 * and the request's path, never a header.
 */
export async function registryGet(http: RegistryHttp, url: string, what: string): Promise<RegistryAnswer> {
  let response: Response;
  try {
    response = await http.fetch(url, {
      headers: await http.headers(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    if (error instanceof CaptureError) throw error;
    throw new RegistryUnavailableError(`${http.service} did not answer ${what} (${networkCause(error)})`, {
      cause: error,
    });
  }
  const text = await response.text().catch((error: unknown) => {
    throw new RegistryUnavailableError(`${http.service} broke off its answer to ${what}`, { cause: error });
  });
  const { status } = response;
  if (response.ok || status === 404) return { status, headers: response.headers, text };
  if (status === 408 || status === 429 || status >= 500) {
    throw new RegistryUnavailableError(`${http.service} answered ${what} with HTTP ${status}`);
  }
  if (status === 401 || status === 403) {
    throw new CaptureError(
      `${http.service} refused ${what} with HTTP ${status}: check the credentials or role the topic's registry settings name`,
      { retriable: false },
    );
  }
  throw new CaptureError(`${http.service} answered ${what} with HTTP ${status}`, { retriable: false });
}

/** The cause of a failed fetch in a few words: Node's code (ECONNREFUSED), a timeout, or the error's name. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string' && NETWORK_ERROR_CODES.has(cause.code)) return cause.code;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' ? `no answer in ${REQUEST_TIMEOUT_MS} ms` : String(name ?? 'unknown error');
}

/** The body of a successful answer as JSON, or a permanent error naming what was asked. */
export function answerJson(http: RegistryHttp, answer: RegistryAnswer, what: string): unknown {
  try {
    return JSON.parse(answer.text);
  } catch (error) {
    throw new CaptureError(`${http.service} answered ${what} with something other than JSON`, {
      retriable: false,
      cause: error,
    });
  }
}
