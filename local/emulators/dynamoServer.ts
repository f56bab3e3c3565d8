import { motoProgram, type RunningMotoServer, startMotoServer } from './motoServer.js';

/**
 * moto's DynamoDB server, one request at a time (see `motoProgram`): moto checks a condition and then
 * writes, and concurrent conditional PutItems must be decided one after another, as DynamoDB does.
 * It runs from the same venv as the S3 server (`npm run s3:install`).
 */
const MOTO_DYNAMODB_SERVER = motoProgram('dynamodb');

/**
 * Starts moto's DynamoDB server on a free loopback port (or `port`) and resolves once it answers;
 * its tables live in memory and vanish with the process. Run `ensureS3Server` first.
 *
 * @example
 * const dynamodb = await startDynamoServer();
 * try { ... dynamoClientFor({ endpoint: dynamodb.endpoint }) ... } finally { await dynamodb.stop(); }
 */
export function startDynamoServer(options: { port?: number } = {}): Promise<RunningMotoServer> {
  return startMotoServer({
    program: MOTO_DYNAMODB_SERVER,
    what: "moto's DynamoDB server",
    // An unsigned GET is not a DynamoDB call; any HTTP answer shows the server is up.
    answers: (response) => response.status > 0,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
}
