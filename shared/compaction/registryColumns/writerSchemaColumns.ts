import { CaptureError } from '../../errors.js';
import { schemaFilePath } from '../../paths/lakePaths.js';
import type { SchemaFile } from '../../registry/schemaFiles.js';
import type { SchemaRef } from '../../registry/schemaRef.js';
import type { ObjectStore } from '../../store.js';
import type { DataType } from '../../tables/dataType.js';
import { avroDeclaredFields } from './avro.js';
import type { DeclaredBody } from './declaredTypes.js';
import { jsonSchemaDeclaredFields } from './jsonSchema.js';

/** Which writer schema decoded a line, as its envelope's `schema` names it. */
export type WriterSchemaName = Pick<SchemaRef, 'registry' | 'id' | 'message'>;

/**
 * The declared column types of a topic's writer schemas, read from the `_schemas/<topic>/` files
 * ingestion wrote (never from the registry: compaction runs without its credentials or its
 * availability), each file once per compaction unit. Rows are read one after another, so a schema
 * is loaded once and then `known`.
 */
export interface WriterSchemaColumns {
  /** The declared body of a schema loaded before, without waiting. */
  known(name: WriterSchemaName): DeclaredBody | undefined;
  load(name: WriterSchemaName): Promise<DeclaredBody>;
}

export function writerSchemaColumns(objects: ObjectStore, topic: string): WriterSchemaColumns {
  const loaded = new Map<string, DeclaredBody>();
  const keyOf = ({ registry, id, message }: WriterSchemaName) => `${registry}/${id}/${message ?? ''}`;
  return {
    known: (name) => loaded.get(keyOf(name)),
    async load(name) {
      const path = schemaFilePath(topic, name.registry, name.id);
      let file: SchemaFile;
      try {
        file = JSON.parse((await objects.read(path)).toString('utf8')) as SchemaFile;
      } catch (error) {
        if (error instanceof CaptureError) throw error;
        throw new CaptureError(
          `compaction of ${topic}: the writer schema file ${path}, which lines of the hour name, cannot be read; ingestion writes it before any line decoded with it, so restore it (the ${name.registry} registry's schema ${name.id}) for the hour to be compacted`,
          { retriable: false, cause: error },
        );
      }
      const declared: DeclaredBody = {
        fields: await declaredFieldsOf(file, name, path),
        declaredBy: `${name.registry} schema ${name.id}${name.message ? ` (${name.message})` : ''}`,
      };
      loaded.set(keyOf(name), declared);
      return declared;
    },
  };
}

async function declaredFieldsOf(
  file: SchemaFile,
  name: WriterSchemaName,
  path: string,
): Promise<ReadonlyMap<string, DataType>> {
  const text = {
    definition: file.schema,
    references: file.references.map((reference) => ({ name: reference.name, definition: reference.schema })),
  };
  try {
    switch (file.format) {
      case 'avro':
        return avroDeclaredFields(text);
      case 'json':
        return jsonSchemaDeclaredFields(text.definition);
      case 'protobuf':
        // protobufjs loads only for topics with Protobuf schemas, as in ingestion.
        if (name.message === undefined) return new Map();
        return (await import('./protobuf.js')).protobufDeclaredFields(text, name.message);
      default:
        return new Map();
    }
  } catch (error) {
    throw new CaptureError(
      `compaction of the writer schema in ${path}: its ${file.format} schema does not give column types (${(error as Error).message})`,
      { retriable: false, cause: error },
    );
  }
}
