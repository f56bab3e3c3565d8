import { createHash } from 'node:crypto';
import { schemaFilePath, schemaFileStagingPath } from '../paths/lakePaths.js';
import type { ObjectStore } from '../store.js';
import type { WriterSchema } from './writerSchemas.js';

/**
 * What `_schemas/<topic>/<kind>-<id>.json` holds: the writer schema exactly as the registry gave it,
 * its references' texts under the names it uses for them, and where it is registered. A typed
 * compaction reads these instead of asking the registry.
 */
export interface SchemaFile {
  readonly registry: string;
  readonly id: string;
  readonly format: string;
  readonly subject?: string;
  readonly version?: number;
  readonly schema: string;
  readonly references: readonly { readonly name: string; readonly schema: string }[];
}

export function schemaFileOf(schema: WriterSchema): SchemaFile {
  return {
    ...schema.ref,
    schema: schema.fetched.definition,
    references: schema.fetched.references.map((reference) => ({
      name: reference.name,
      schema: reference.definition,
    })),
  };
}

/**
 * Publishes a writer schema's file, create-only: the same id always writes the same bytes, so a file
 * another instance published first is as good as ours. Resolves once the file is visible.
 */
export async function publishSchemaFile(
  objects: ObjectStore,
  topic: string,
  schema: WriterSchema,
): Promise<void> {
  const bytes = Buffer.from(`${JSON.stringify(schemaFileOf(schema), null, 2)}\n`);
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const { registry, id } = schema.ref;
  const staging = schemaFileStagingPath(topic, registry, id, digest);
  await objects.stage(staging, bytes);
  await objects.publish(schemaFilePath(topic, registry, id), [staging]);
  await objects.deleteStaged([staging]);
}
