import { createCompactDispatcherHandler } from './compactDispatcherHandler.js';
import { lambdaWorkerSender } from './compactionWorkerInvoker.js';
import { observabilityFor } from './observability.js';
import { s3ContextProvider, topicFromLambdaEnvironment } from './runtime.js';

const topic = topicFromLambdaEnvironment(process.env);

/** Entry of the compaction dispatcher, scheduled hourly by the stack in infra/aws. */
export const handler = createCompactDispatcherHandler(
  s3ContextProvider(topic, process.env),
  lambdaWorkerSender(process.env),
  observabilityFor(topic.name),
);
