import { app } from '@azure/functions';
import { azureIcebergTarget } from './azureIcebergTarget.js';
import { COMPACT_GROUP, compactGroupTrigger, createCompactGroupHandler } from './compactGroup.js';
import {
  COMPACT_TIMER,
  compactionQueueOutput,
  compactTimerTrigger,
  createCompactTimerHandler,
} from './compactTimer.js';
import { createEventhubIngestHandler, EVENTHUB_INGEST, eventhubIngestTrigger } from './eventhubIngest.js';
import { createKafkaIngestHandler, KAFKA_INGEST, kafkaIngestTrigger } from './kafkaIngest.js';
import { HOLD_PARTITION_RETRY } from './retryPolicy.js';
import { azureContextProvider, topicFromEnvironment } from './runtime.js';
import { createSealTimerHandler, SEAL_TIMER, sealTimerTrigger } from './sealTimer.js';

// One Function App per topic: the config decides which ingestion trigger this app registers.
const topic = topicFromEnvironment(process.env);
const getContext = azureContextProvider(topic, process.env);

if (topic.source === 'eventhub') {
  app.generic(EVENTHUB_INGEST, {
    trigger: eventhubIngestTrigger(topic),
    retry: HOLD_PARTITION_RETRY,
    handler: createEventhubIngestHandler(getContext),
  });
} else {
  app.generic(KAFKA_INGEST, {
    trigger: kafkaIngestTrigger(topic),
    retry: HOLD_PARTITION_RETRY,
    handler: createKafkaIngestHandler(getContext),
  });
}

app.generic(SEAL_TIMER, { trigger: sealTimerTrigger(), handler: createSealTimerHandler(getContext) });
// Compaction fans out: the hourly timer enqueues one message per partition group, and the queue
// trigger compacts each, on as many instances as the queue keeps busy.
const compactionQueue = compactionQueueOutput(topic);
app.generic(COMPACT_TIMER, {
  trigger: compactTimerTrigger(),
  extraOutputs: [compactionQueue],
  handler: createCompactTimerHandler(getContext, compactionQueue),
});
app.generic(COMPACT_GROUP, {
  trigger: compactGroupTrigger(topic),
  handler: createCompactGroupHandler(getContext, azureIcebergTarget(topic, process.env)),
});
