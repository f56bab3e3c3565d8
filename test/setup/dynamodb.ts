import type { TestProject } from 'vitest/node';
import { startDynamoServer } from '../../local/emulators/dynamoServer.js';
import { ensureS3Server } from '../../local/emulators/s3Server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the run's moto DynamoDB server; read it with `inject('dynamodbEndpoint')`. */
    dynamodbEndpoint: string;
  }
}

/**
 * One moto DynamoDB server for the whole run, for the AWS ledger table, on a free loopback port. Test
 * files isolate themselves by table and topic names. It runs from moto's venv, as the S3 server does.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureS3Server();
  const server = await startDynamoServer();
  project.provide('dynamodbEndpoint', server.endpoint);
  return () => server.stop();
}
