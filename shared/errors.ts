/**
 * Every error the core raises says whether trying the same work again can succeed. Handlers map
 * `retriable` to "throw so the platform redelivers"; permanent errors need a person.
 */
export class CaptureError extends Error {
  readonly retriable: boolean;
  /**
   * The event a failure line logs under: `capture.failure`, or a name of its own for a hold an
   * operator resolves (`capture.ledger-missing`, …), which dashboards count and alerts watch. A
   * getter, not a field: an error's own fields are logged with it wherever it is serialized.
   */
  get event(): string {
    return 'capture.failure';
  }

  constructor(message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'CaptureError';
    this.retriable = options.retriable;
  }
}

/** A storage call failed or timed out, or another writer won a race: the batch must come again. */
export class TransientStoreError extends CaptureError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: true, cause: options.cause });
    this.name = 'TransientStoreError';
  }
}

/** How a store tells a passing failure (throttling, a 5xx, a dropped connection) from a real error. */
/** Node's socket and DNS failure codes: the service may answer the same request a moment later. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export interface TransientErrorRules {
  /** Names the service in messages: "Azure Storage", "S3". */
  readonly service: string;
  readonly isTransient: (error: unknown) => boolean;
  readonly statusOf: (error: unknown) => number | undefined;
}

/**
 * Runs one store call and turns a transient failure into `TransientStoreError` (original as cause),
 * so handlers retry instead of treating a busy service as a bug. Other errors pass through unchanged.
 */
export async function withTransientErrors<T>(
  rules: TransientErrorRules,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TransientStoreError || !rules.isTransient(error)) throw error;
    const status = rules.statusOf(error);
    const detail = status === undefined ? String((error as Error).message ?? error) : `HTTP ${status}`;
    throw new TransientStoreError(`${rules.service}: ${operation} failed transiently (${detail})`, {
      cause: error,
    });
  }
}

/** The configuration file or environment is wrong; the message names the file, topic and field. */
export class ConfigError extends CaptureError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: false, cause: options.cause });
    this.name = 'ConfigError';
  }
}

/** The platform delivered a batch whose shape we cannot read at all (not a single poison record). */
export class TriggerShapeError extends CaptureError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: false, cause: options.cause });
    this.name = 'TriggerShapeError';
  }
}

/** Records of another topic reached this topic's capture: the trigger or mapping reads the wrong topic. */
export class TopicMismatchError extends CaptureError {
  override get event(): string {
    return 'capture.topic-mismatch';
  }
  constructor(message: string) {
    super(message, { retriable: false });
    this.name = 'TopicMismatchError';
  }
}

/**
 * A partition's ledger is stored but is not a ledger (a hand edit, a truncated write, another tool's
 * object under its name): the partition holds until it is moved aside and rebuilt.
 */
export class LedgerUnreadableError extends CaptureError {
  override get event(): string {
    return 'capture.ledger-unreadable';
  }
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: false, cause: options.cause });
    this.name = 'LedgerUnreadableError';
  }
}

/**
 * A partition's ledger is gone (deleted by hand, expired by a lifecycle rule) while the lake still
 * holds what it named: starting over would leave staged records unsealed and redeliveries doubled.
 */
export class LedgerMissingError extends CaptureError {
  override get event(): string {
    return 'capture.ledger-missing';
  }
  constructor(message: string) {
    super(message, { retriable: false });
    this.name = 'LedgerMissingError';
  }
}

/**
 * The schema registry did not answer, throttled, or failed: the batch must come again and its
 * partition wait, since the records are fine and dead-lettering them for an outage would lose them
 * from the lake's data.
 */
export class RegistryUnavailableError extends CaptureError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: true, cause: options.cause });
    this.name = 'RegistryUnavailableError';
  }
}
