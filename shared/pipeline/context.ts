import type { TopicConfig } from '../config/schema.js';
import type { CaptureStore } from '../store.js';
import type { Clock } from '../time.js';

/** Everything the pipeline needs, injected: the topic's config, its store and the clock. */
export interface CaptureContext {
  readonly topic: TopicConfig;
  readonly store: CaptureStore;
  readonly clock: Clock;
}
