import { odata, type TableClient, type TableEntityResult } from '@azure/data-tables';
import {
  CaptureError,
  LedgerUnreadableError,
  TransientStoreError,
  withTransientErrors,
} from '../../errors.js';
import { EMPTY_LEDGER, type PartitionLedger } from '../../ledger.js';
import { decodeLedger, encodeLedger } from '../../ledgerCodec.js';
import { onceUntilSuccess } from '../../onceUntilSuccess.js';
import type { LedgerStore } from '../../store.js';
import { AZURE_TRANSIENT_ERRORS, statusOf } from './azureErrors.js';

/** A Table string property holds at most 64 KiB of UTF-16, i.e. 32,768 code units; keep a margin. */
const CHUNK_CHARS = 32_000;
/** The service rejects entities above 1 MiB, counted as documented for Azure Table entity sizes. */
const MAX_ENTITY_BYTES = 1024 * 1024;

/** The stored row: the ledger's JSON cut into `state0..state{chunks-1}`. */
type LedgerEntity = { chunks: number } & Record<`state${number}`, string>;

/**
 * `LedgerStore` on Azure Table Storage: one entity per (topic, partition), PartitionKey = topic,
 * RowKey = partition, written with ETag conditions so concurrent writers never both win. The table is
 * created on first use, unless `createIfMissing` is false (a read-only reader, see `createBlobObjectStore`).
 *
 * @example
 * const ledger = createTableLedgerStore(TableClient.fromConnectionString(cs, 'captureledger'));
 */
export function createTableLedgerStore(table: TableClient, createIfMissing = true): LedgerStore {
  const ensureTable = createIfMissing ? onceUntilSuccess(() => createTableIfMissing(table)) : async () => {};
  const run = <T>(operation: string, call: () => Promise<T>) =>
    withTransientErrors(AZURE_TRANSIENT_ERRORS, `${operation} in table ${table.tableName}`, async () => {
      await ensureTable();
      return call();
    });

  return {
    read(topic, partition) {
      return run(`read ledger ${topic}/${partition}`, async () => {
        let entity: TableEntityResult<LedgerEntity>;
        try {
          entity = await table.getEntity<LedgerEntity>(topic, partition);
        } catch (error) {
          if (statusOf(error) === 404 && codeOf(error) !== 'TableNotFound')
            return { state: EMPTY_LEDGER, version: null };
          throw error;
        }
        return { state: parseLedger(entity, `${topic}/${partition}`), version: entity.etag };
      });
    },

    write(topic, partition, state, expectedVersion) {
      return run(`write ledger ${topic}/${partition}`, async () => {
        const entity = {
          partitionKey: topic,
          rowKey: partition,
          ...ledgerProperties(state, topic, partition),
        };
        try {
          const { etag } =
            expectedVersion === null
              ? await table.createEntity(entity)
              : await table.updateEntity(entity, 'Replace', { etag: expectedVersion });
          if (etag === undefined)
            throw new TransientStoreError(`ledger entity ${topic}/${partition} was written without an ETag`);
          return etag;
        } catch (error) {
          const status = statusOf(error);
          // 409: someone created it first; 412: someone replaced it since; 404: it vanished since we read it.
          if (expectedVersion === null ? status === 409 : status === 412 || status === 404) return null;
          throw error;
        }
      });
    },

    partitions(topic) {
      return run(`list ledgers of ${topic}`, async () => {
        const partitions: string[] = [];
        const query = { filter: odata`PartitionKey eq ${topic}`, select: ['RowKey'] };
        for await (const entity of table.listEntities({ queryOptions: query })) {
          if (entity.rowKey !== undefined) partitions.push(entity.rowKey);
        }
        return partitions.sort();
      });
    },
  };
}

async function createTableIfMissing(table: TableClient): Promise<void> {
  try {
    await table.createTable();
  } catch (error) {
    // The SDK already swallows TableAlreadyExists, but only when the error body has the expected shape.
    if (statusOf(error) !== 409) throw error;
  }
}

/**
 * The JSON in chunks that fit a string property. Non-ASCII characters are written as `\uXXXX`
 * escapes, so a chunk can be cut anywhere without splitting a surrogate pair or a UTF-8 sequence. The
 * ledger is ASCII in practice; this keeps it intact whatever strings it carries (Azurite, for one,
 * corrupts multi-byte characters in request bodies above 64 KiB).
 */
function ledgerProperties(state: PartitionLedger, topic: string, partition: string): LedgerEntity {
  const json = encodeLedger(state).replace(/[\u007f-\uffff]/g, asciiEscape);
  const properties: Record<string, string | number> = {};
  let chunks = 0;
  for (let start = 0; start < json.length; chunks += 1) {
    const end = Math.min(start + CHUNK_CHARS, json.length);
    properties[`state${chunks}`] = json.slice(start, end);
    start = end;
  }
  properties.chunks = chunks;
  const bytes = entityBytes(topic, partition, properties);
  if (bytes > MAX_ENTITY_BYTES) {
    throw new CaptureError(
      `ledger of ${topic}/${partition} needs ${bytes} bytes as an Azure Table entity, above the 1 MiB limit ` +
        `(${state.open.length} open segments, ${state.pending.length} pending objects): seal more often or raise maxSegmentBytes`,
      { retriable: false },
    );
  }
  return properties as LedgerEntity;
}

/** The documented formula: 4 + 2 * key chars, and per property 8 + 2 * name chars + its value's size. */
function entityBytes(topic: string, partition: string, properties: Record<string, string | number>): number {
  let bytes = 4 + 2 * (topic.length + partition.length);
  for (const [name, value] of Object.entries(properties)) {
    bytes += 8 + 2 * name.length + (typeof value === 'string' ? 4 + 2 * value.length : 8);
  }
  return bytes;
}

function parseLedger(entity: LedgerEntity, where: string): PartitionLedger {
  const chunks = Number(entity.chunks);
  const parts: string[] = [];
  for (let index = 0; index < chunks; index += 1) {
    const part = entity[`state${index}`];
    if (typeof part !== 'string') {
      throw new LedgerUnreadableError(
        `ledger entity ${where} is unreadable: chunk state${index} of ${chunks} is missing. Its partition holds; delete the entity and rebuild it from the lake with npm run invoke -- repair-ledger (README, Nothing skipped)`,
      );
    }
    parts.push(part);
  }
  return decodeLedger(parts.join(''), `entity ${where}`);
}

const asciiEscape = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}
