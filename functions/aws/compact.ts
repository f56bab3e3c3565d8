import { awsIcebergTarget } from './awsIcebergTarget.js';
import { createCompactHandler } from './compactHandler.js';
import { observabilityFor } from './observability.js';
import { s3ContextProvider, topicFromLambdaEnvironment } from './runtime.js';

const topic = topicFromLambdaEnvironment(process.env);

/** Entry of the compaction worker, invoked once per partition group by the compaction dispatcher. */
export const handler = createCompactHandler(
  s3ContextProvider(topic, process.env),
  observabilityFor(topic.name),
  awsIcebergTarget(topic, process.env),
);
