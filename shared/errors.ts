/**
 * Every error the core raises says whether trying the same work again can succeed. Handlers map
 * `retriable` to "throw so the platform redelivers"; permanent errors need a person.
 */
export class CaptureError extends Error {
  readonly retriable: boolean;

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
