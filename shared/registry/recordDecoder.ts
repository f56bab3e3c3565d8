import type { RegistryConfig } from '../config/registrySchema.js';
import type { CaptureRecord } from '../record.js';
import type { ObjectStore } from '../store.js';
import { azureFrame, bytesFrameOf, type Frame } from './frames.js';
import { publishSchemaFile } from './schemaFiles.js';
import { type DecodedPart, type RegistryDecoding, RegistryFailure } from './schemaRef.js';
import type { SchemaSource } from './schemaSource.js';
import { createWriterSchemas, type WriterSchema, type WriterSchemaLookup } from './writerSchemas.js';

/**
 * Decodes a topic's registry-framed records. One per instance: it holds the writer schemas fetched
 * so far and the schema files already published, so each id costs one registry lookup and one
 * create-only write per instance.
 */
export interface RecordDecoder {
  /**
   * Returns the records with `decoded` set (a decoded value, or why it is a dead letter), after the
   * file of every writer schema they use is visible under `_schemas/`. An empty body is left alone
   * (it is an `empty-body` dead letter, or a tombstone). Throws `RegistryUnavailableError` when the
   * registry cannot be asked, and the store's errors: the batch is retried, nothing is dead-lettered.
   */
  decodeBatch(records: readonly CaptureRecord[], objects: ObjectStore): Promise<CaptureRecord[]>;
}

/**
 * @example
 * const decoder = createRecordDecoder('orders', topic.registry, confluentSchemaSource({ url, topic: 'orders', http }));
 * const decoded = await decoder.decodeBatch(records, store.objects);
 */
export function createRecordDecoder(
  topic: string,
  config: RegistryConfig,
  source: SchemaSource,
): RecordDecoder {
  const schemas = createWriterSchemas(config.kind, source);
  const published = new Set<string>();
  const frameBytes = config.kind === 'azure' ? undefined : bytesFrameOf(config.kind);
  const valueFrame = (record: CaptureRecord): Frame =>
    frameBytes ? frameBytes(record.body) : azureFrame(record.body, record.systemProperties, record.headers);
  const keyFrame = (record: CaptureRecord): Frame | undefined =>
    config.keys && frameBytes && record.key !== null && record.key.length > 0
      ? frameBytes(record.key)
      : undefined;

  return {
    async decodeBatch(records, objects) {
      const frames = records.map((record) =>
        record.body.length === 0 ? undefined : { value: valueFrame(record), key: keyFrame(record) },
      );
      const ids = new Set<string>();
      for (const frame of frames) {
        for (const part of [frame?.value, frame?.key]) if (part?.framed) ids.add(part.schemaId);
      }
      // Every schema of the batch, asked at once; one that cannot be asked fails the whole batch.
      const lookups = new Map<string, WriterSchemaLookup>();
      await Promise.all([...ids].map(async (id) => lookups.set(id, await schemas(id))));
      const used = new Map<string, WriterSchema>();
      const decoded = records.map((record, index): CaptureRecord => {
        const frame = frames[index];
        if (frame === undefined) return record;
        const decoding = decodeRecord(frame.value, frame.key, lookups, used);
        return { ...record, decoded: decoding };
      });
      for (const [id, schema] of used) {
        if (published.has(id)) continue;
        await publishSchemaFile(objects, topic, schema);
        published.add(id);
      }
      return decoded;
    },
  };
}

function decodeRecord(
  valueFrame: Frame,
  keyFrame: Frame | undefined,
  lookups: ReadonlyMap<string, WriterSchemaLookup>,
  used: Map<string, WriterSchema>,
): RegistryDecoding {
  const value = decodePart(valueFrame, lookups, used, 'body');
  if (!('value' in value)) return value;
  if (keyFrame === undefined) return { ok: true, value };
  const key = decodePart(keyFrame, lookups, used, 'key');
  if (!('value' in key)) return key;
  return { ok: true, value, key };
}

function decodePart(
  frame: Frame,
  lookups: ReadonlyMap<string, WriterSchemaLookup>,
  used: Map<string, WriterSchema>,
  part: 'body' | 'key',
): DecodedPart | Extract<RegistryDecoding, { ok: false }> {
  if (!frame.framed)
    return { ok: false, reason: RegistryFailure.notFramed, detail: `${part}: ${frame.problem}` };
  const lookup = lookups.get(frame.schemaId);
  if (lookup === undefined || !lookup.found) {
    return lookup?.unusable === undefined
      ? {
          ok: false,
          reason: RegistryFailure.unknownSchema,
          detail: `${part}: the registry has no schema ${frame.schemaId}`,
        }
      : {
          ok: false,
          reason: RegistryFailure.unusableSchema,
          detail: `${part}: schema ${frame.schemaId}: ${lookup.unusable}`,
        };
  }
  const { schema } = lookup;
  try {
    const { value, message } = schema.decode(frame.payload);
    used.set(frame.schemaId, schema);
    return { value, schema: message === undefined ? schema.ref : { ...schema.ref, message } };
  } catch (error) {
    return {
      ok: false,
      reason: RegistryFailure.undecodable,
      detail: `${part}: does not decode with ${schema.ref.format} schema ${frame.schemaId}: ${(error as Error).message}`,
    };
  }
}
