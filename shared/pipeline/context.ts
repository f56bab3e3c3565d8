import type { TopicConfig } from '../config/schema.js';
import type { RecordDecoder } from '../registry/recordDecoder.js';
import type { CaptureStore } from '../store.js';
import type { Clock } from '../time.js';

/** Everything the pipeline needs, injected: the topic's config, its store and the clock. */
export interface CaptureContext {
  readonly topic: TopicConfig;
  readonly store: CaptureStore;
  readonly clock: Clock;
  /**
   * The decoder of a topic with a `registry`, one per instance (it caches the writer schemas);
   * required for such a topic, unused otherwise.
   */
  readonly decoder?: RecordDecoder;
}
