import { NETWORK_ERROR_CODES, type TransientErrorRules } from '../../errors.js';

/** S3 error codes (the SDK's `name`) that mean "busy or timed out" whatever the status says. */
const TRANSIENT_S3_CODES = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'TimeoutError',
  'AbortError',
]);

interface S3ErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly cause?: unknown;
}

/** The HTTP status of an SDK error (`$metadata.httpStatusCode`), if the service answered at all. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as S3ErrorShape | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The S3 error code, which SDK v3 puts in `name` (`NoSuchKey`, `PreconditionFailed`, ...). */
export function codeOf(error: unknown): unknown {
  return (error as S3ErrorShape | null)?.name;
}

/**
 * A conditional write lost to another writer: 412 PreconditionFailed (`If-None-Match: *` found an
 * object, `If-Match` found another version), or 409 ConditionalRequestConflict (S3 was completing a
 * concurrent conditional write to the same key). Either way the caller re-reads and decides again.
 */
export function isConditionLost(error: unknown): boolean {
  return statusOf(error) === 412 || codeOf(error) === 'ConditionalRequestConflict';
}

/** GET of a key that is not there. A missing bucket is `NoSuchBucket`, which is not this. */
export function isNoSuchKey(error: unknown): boolean {
  return codeOf(error) === 'NoSuchKey';
}

/**
 * Throttling (503 SlowDown, 429), timeouts (408, RequestTimeout), server errors (5xx), network failures
 * and aborted tries: the same call can succeed later, so the platform should deliver the batch again.
 * The SDK has already retried.
 */
export function isTransientS3Error(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    current && depth < 3;
    current = (current as S3ErrorShape).cause, depth += 1
  ) {
    const { name, code } = current as S3ErrorShape;
    const status = statusOf(current);
    if (status === 408 || status === 429 || (status !== undefined && status >= 500)) return true;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
    if (typeof name === 'string' && TRANSIENT_S3_CODES.has(name)) return true;
  }
  return false;
}

/** S3's rules for `withTransientErrors`. */
export const S3_TRANSIENT_ERRORS: TransientErrorRules = {
  service: 'S3',
  isTransient: isTransientS3Error,
  statusOf,
};
