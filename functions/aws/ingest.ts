import { createIngestHandler } from './ingestHandler.js';
import { observabilityFor } from './observability.js';
import { s3ContextProvider, topicFromLambdaEnvironment } from './runtime.js';

// Init: the topic is validated before the first event; the S3 client is created on the first event.
const topic = topicFromLambdaEnvironment(process.env);

/** Entry of the ingestion function (`NodejsFunction` in infra/aws). */
export const handler = createIngestHandler(
  s3ContextProvider(topic, process.env),
  observabilityFor(topic.name),
);
