import { NETWORK_ERROR_CODES, type TransientErrorRules } from '../../errors.js';

/** The Azure SDK's code for a request it could not send, beside Node's socket and DNS codes. */
const AZURE_NETWORK_CODES = new Set(['REQUEST_SEND_ERROR', ...NETWORK_ERROR_CODES]);

/** Storage error codes that mean "busy or timed out" whatever the status says. */
const TRANSIENT_STORAGE_CODES = new Set(['ServerBusy', 'OperationTimedOut', 'InternalError']);

interface AzureErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly cause?: unknown;
}

/** The HTTP status of an SDK error (`RestError.statusCode`), if the service answered at all. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as AzureErrorShape | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Throttling (429), timeouts (408), server errors (5xx), network failures and aborted tries: the same
 * call can succeed later, so the platform should deliver the batch again. The SDK has already retried.
 */
function isTransientAzureError(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    current && depth < 3;
    current = (current as AzureErrorShape).cause, depth += 1
  ) {
    const { name, code } = current as AzureErrorShape;
    const status = statusOf(current);
    if (status === 408 || status === 429 || (status !== undefined && status >= 500)) return true;
    if (typeof code === 'string' && (AZURE_NETWORK_CODES.has(code) || TRANSIENT_STORAGE_CODES.has(code)))
      return true;
    if (name === 'AbortError' || name === 'TimeoutError') return true;
  }
  return false;
}

/** Azure Storage's rules for `withTransientErrors`. */
export const AZURE_TRANSIENT_ERRORS: TransientErrorRules = {
  service: 'Azure Storage',
  isTransient: isTransientAzureError,
  statusOf,
};
