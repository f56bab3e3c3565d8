import { CreateTableCommand, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { codeOf } from '../s3/s3Errors.js';
import { LEDGER_TABLE_KEY } from './ledgerTableKey.js';

/** As for S3 (see `s3ClientFor`): a few quick SDK retries, then the platform's redelivery. */
const COMMON_OPTIONS: DynamoDBClientConfig = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
};
const EMULATOR_REGION = 'us-east-1';
/** Never valid on AWS, so a client cannot reach a real account by mistake. */
const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * The DynamoDB client of a ledger table. On AWS the SDK's default chain (region and credentials from
 * the Lambda environment); for an emulator endpoint, fixed test credentials and `region` (us-east-1
 * unless given).
 *
 * @example
 * const client = dynamoClientFor({ endpoint: 'http://127.0.0.1:40124' });
 */
export function dynamoClientFor(
  options: { readonly endpoint?: string; readonly region?: string } = {},
): DynamoDBClient {
  if (options.endpoint === undefined) return new DynamoDBClient(COMMON_OPTIONS);
  return new DynamoDBClient({
    ...COMMON_OPTIONS,
    endpoint: options.endpoint,
    // The emulator keeps each region's tables apart, as DynamoDB does.
    region: options.region ?? EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
}

/**
 * Creates the ledger table as the stack does (on-demand, keyed by topic and partition) unless it is
 * there. For local runs and tests only: on AWS the stack owns the table.
 */
export async function createLedgerTable(client: DynamoDBClient, table: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: LEDGER_TABLE_KEY.partitionKey, AttributeType: 'S' },
          { AttributeName: LEDGER_TABLE_KEY.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: LEDGER_TABLE_KEY.partitionKey, KeyType: 'HASH' },
          { AttributeName: LEDGER_TABLE_KEY.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    // There already: another lake's first call, or an earlier run, created it.
    if (codeOf(error) !== 'ResourceInUseException') throw error;
  }
}
