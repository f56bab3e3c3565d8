import { describe, expect, it } from 'vitest';
import { createRequestTally, storageRequestKind } from '../../../../local/emulators/storageRequests.js';

describe('Function: storageRequestKind', () => {
  it.each([
    ['PUT', '/lake/_staging/orders/0/seg.jsonl.gz', 's3 PUT/COPY/POST'],
    ['POST', '/lake/raw/orders/x.jsonl.gz?uploads', 's3 PUT/COPY/POST'],
    ['GET', '/lake/_ledger/orders/0.json', 's3 GET/HEAD'],
    ['HEAD', '/lake/raw/orders/x.jsonl.gz', 's3 GET/HEAD'],
    ['GET', '/lake?list-type=2&prefix=_ledger%2Forders%2F', 's3 LIST'],
    ['GET', '/lake/?list-type=2&prefix=raw', 's3 LIST'],
    ['POST', '/lake?delete', 's3 DeleteObjects'],
    ['DELETE', '/lake/_staging/orders/0/seg.jsonl.gz', 's3 DELETE'],
    ['PUT', '/lake', 'setup'],
  ] as const)('reads S3 %s %s as %s', (method, url, kind) => {
    // Act
    const found = storageRequestKind('s3', method, url);

    // Assess
    expect(found).toBe(kind);
  });

  it.each([
    ['DynamoDB_20120810.PutItem', 'dynamodb write'],
    ['DynamoDB_20120810.GetItem', 'dynamodb read'],
    ['DynamoDB_20120810.Query', 'dynamodb query'],
    ['DynamoDB_20120810.CreateTable', 'setup'],
    ['DynamoDB_20120810.DescribeTable', 'setup'],
  ] as const)('reads DynamoDB %s as %s, by the operation its X-Amz-Target names', (operation, kind) => {
    // Act: every DynamoDB call is a POST to the endpoint's root
    const found = storageRequestKind('dynamodb', 'POST', '/', operation);

    // Assess
    expect(found).toBe(kind);
  });

  it.each([
    ['PUT', '/devstoreaccount1/lake/_staging/a.gz', 'blob write'],
    ['PUT', '/devstoreaccount1/lake/raw/a.gz?comp=block&blockid=AA', 'blob write'],
    ['PUT', '/devstoreaccount1/lake/raw/a.gz?comp=blocklist', 'blob write'],
    ['GET', '/devstoreaccount1/lake/_staging/a.gz', 'blob read'],
    ['HEAD', '/devstoreaccount1/lake/raw/a.gz', 'blob other'],
    ['GET', '/devstoreaccount1/lake?restype=container&comp=list&prefix=raw', 'blob list'],
    ['DELETE', '/devstoreaccount1/lake/_staging/a.gz', 'blob delete'],
    ['PUT', '/devstoreaccount1/lake?restype=container', 'setup'],
  ] as const)('reads Azure Blob %s %s as %s', (method, url, kind) => {
    // Act
    const found = storageRequestKind('azure-blob', method, url);

    // Assess
    expect(found).toBe(kind);
  });

  it.each([
    ['POST', '/devstoreaccount1/Tables', 'setup'],
    ['GET', "/devstoreaccount1/ledger(PartitionKey='orders',RowKey='0')", 'table entity'],
    ['PUT', "/devstoreaccount1/ledger(PartitionKey='orders',RowKey='0')", 'table entity'],
    ['POST', '/devstoreaccount1/ledger', 'table entity'],
    ['GET', "/devstoreaccount1/ledger()?$filter=PartitionKey%20eq%20'orders'&$select=RowKey", 'table query'],
  ] as const)('reads Azure Table %s %s as %s', (method, url, kind) => {
    // Act
    const found = storageRequestKind('azure-table', method, url);

    // Assess
    expect(found).toBe(kind);
  });
});

describe('Function: createRequestTally', () => {
  it('counts each request under the phase in force when it came', () => {
    // Prepare
    const tally = createRequestTally('ingest');

    // Act
    tally.count('s3', 'PUT', '/lake/_staging/a');
    tally.count('s3', 'PUT', '/lake/_ledger/t/0.json');
    tally.setPhase('seal timer');
    tally.count('s3', 'GET', '/lake?list-type=2');

    // Assess
    expect(tally.byPhase()).toEqual({
      ingest: { 's3 PUT/COPY/POST': 2 },
      'seal timer': { 's3 LIST': 1 },
    });
  });
});
