import type { TransientErrorRules } from '../../errors.js';
import { codeOf, isTransientS3Error, statusOf } from '../s3/s3Errors.js';

/**
 * DynamoDB's answers for "too much at once" (an on-demand table throttles too): 400s, unlike S3's
 * 503, so the status alone misses them. Every other passing failure (5xx, timeouts, network) is
 * shaped as S3's are: one SDK, one error form.
 */
const THROTTLED_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

export function isTransientDynamoError(error: unknown): boolean {
  const code = codeOf(error);
  return (typeof code === 'string' && THROTTLED_CODES.has(code)) || isTransientS3Error(error);
}

/** A conditional write that found another version: the caller re-reads and decides again. */
export function isConditionFailed(error: unknown): boolean {
  return codeOf(error) === 'ConditionalCheckFailedException';
}

/** DynamoDB's rules for `withTransientErrors`. */
export const DYNAMODB_TRANSIENT_ERRORS: TransientErrorRules = {
  service: 'DynamoDB',
  isTransient: isTransientDynamoError,
  statusOf,
};
