import { observabilityFor } from './observability.js';
import { s3ContextProvider, topicFromLambdaEnvironment } from './runtime.js';
import { createSealTimerHandler } from './sealTimerHandler.js';

const topic = topicFromLambdaEnvironment(process.env);

/** Entry of the seal timer function, scheduled every minute by the stack in infra/aws. */
export const handler = createSealTimerHandler(
  s3ContextProvider(topic, process.env),
  observabilityFor(topic.name),
);
