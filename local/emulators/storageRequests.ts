/** Which server a proxy stands in front of: each speaks its own dialect of HTTP. */
export type ServerDialect = 'azure-blob' | 'azure-table' | 's3' | 'dynamodb';

/**
 * Storage requests by the kind their price list bills them as. S3: PUT, COPY, POST and LIST in one
 * tier, GET and HEAD ("all other requests") in another, DELETE free; DeleteObjects, a POST, is kept
 * apart so the bill can say how it priced it. Azure Blob (general purpose v2): write, list and create
 * container, read, other (Get Blob Properties), delete. Azure Table: every request is a transaction;
 * queries are kept apart from entity operations because the seal timer's listing is per topic, not
 * per partition. DynamoDB (on demand): writes and reads billed by request units, queries kept apart
 * (the seal timer's listing). `setup` is the bucket, container or table a deployment creates once.
 */
export const STORAGE_REQUEST_KINDS = [
  's3 PUT/COPY/POST',
  's3 LIST',
  's3 GET/HEAD',
  's3 DeleteObjects',
  's3 DELETE',
  'blob write',
  'blob list',
  'blob read',
  'blob other',
  'blob delete',
  'table query',
  'table entity',
  'dynamodb write',
  'dynamodb read',
  'dynamodb query',
  'setup',
] as const;
export type StorageRequestKind = (typeof STORAGE_REQUEST_KINDS)[number];

/** Requests counted by kind. */
export type RequestCounts = Partial<Record<StorageRequestKind, number>>;

/**
 * The kind of one request as it reaches the emulator: path-style URLs (`/bucket/key`,
 * `/account/container/blob`, `/account/table(...)`), as the local clients send them; DynamoDB by the
 * operation its `X-Amz-Target` header names (`DynamoDB_20120810.PutItem`).
 */
export function storageRequestKind(
  dialect: ServerDialect,
  method: string,
  url: string,
  operation?: string,
): StorageRequestKind {
  if (dialect === 'dynamodb') return dynamoRequestKind(operation ?? '');
  const parsed = new URL(url, 'http://emulator');
  const query = parsed.searchParams;
  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  if (dialect === 's3') {
    // `/bucket` alone: the bucket itself (create) or a listing of it.
    const bucketOnly = segments.length <= 1;
    if (method === 'DELETE') return 's3 DELETE';
    if (method === 'POST' && query.has('delete')) return 's3 DeleteObjects';
    if (method === 'GET' && (bucketOnly || query.has('list-type'))) return 's3 LIST';
    if (method === 'GET' || method === 'HEAD') return 's3 GET/HEAD';
    return bucketOnly ? 'setup' : 's3 PUT/COPY/POST';
  }
  if (dialect === 'azure-blob') {
    if (method === 'DELETE') return 'blob delete';
    if (query.get('restype') === 'container' && method === 'PUT') return 'setup';
    if (query.get('comp') === 'list') return 'blob list';
    if (method === 'PUT') return 'blob write';
    if (method === 'GET') return 'blob read';
    return 'blob other';
  }
  // Azure Table: `/account/Tables` creates or lists tables; a GET of `/account/table()?$filter=…`
  // queries; `/account/table(PartitionKey='…',RowKey='…')` reads or writes one entity, and a POST to
  // `/account/table` inserts one.
  const table = segments.at(-1) ?? '';
  if (/^Tables(\(|$)/.test(table)) return 'setup';
  const oneEntity = /\(PartitionKey=/.test(decodeURIComponent(table));
  return method === 'GET' && !oneEntity ? 'table query' : 'table entity';
}

const DYNAMODB_KINDS: Readonly<Record<string, StorageRequestKind>> = {
  PutItem: 'dynamodb write',
  UpdateItem: 'dynamodb write',
  DeleteItem: 'dynamodb write',
  GetItem: 'dynamodb read',
  Query: 'dynamodb query',
  Scan: 'dynamodb query',
  CreateTable: 'setup',
  DescribeTable: 'setup',
};

/** @throws Error for an operation this list does not price, so a new call cannot go uncounted */
function dynamoRequestKind(target: string): StorageRequestKind {
  const operation = target.slice(target.indexOf('.') + 1);
  const kind = DYNAMODB_KINDS[operation];
  if (kind === undefined)
    throw new Error(`the request tally does not know the DynamoDB operation "${target}"`);
  return kind;
}

/**
 * Counts every request a lake's proxies forward, by the phase of work the caller says is running
 * (ingestion, the seal timer, compaction) and by kind, so a bill can be written per phase.
 */
export interface RequestTally {
  /** Requests from now on count under `phase`. */
  setPhase(phase: string): void;
  /** `operation`: DynamoDB's `X-Amz-Target` header. */
  count(dialect: ServerDialect, method: string, url: string, operation?: string): void;
  /** Counts so far, by phase and kind. */
  byPhase(): Record<string, RequestCounts>;
}

export function createRequestTally(initialPhase = 'unassigned'): RequestTally {
  let phase = initialPhase;
  const counts = new Map<string, RequestCounts>();
  return {
    setPhase(next) {
      phase = next;
    },
    count(dialect, method, url, operation) {
      const kind = storageRequestKind(dialect, method, url, operation);
      const phaseCounts = counts.get(phase) ?? {};
      phaseCounts[kind] = (phaseCounts[kind] ?? 0) + 1;
      counts.set(phase, phaseCounts);
    },
    byPhase() {
      return Object.fromEntries([...counts].map(([name, kinds]) => [name, { ...kinds }]));
    },
  };
}
