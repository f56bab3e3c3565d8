import type { SchemaFormat } from './schemaRef.js';
import type { SchemaSource } from './schemaSource.js';

/** What Glue's `GetSchemaVersion` answers, as much of it as decoding needs. */
export interface GlueSchemaVersion {
  readonly definition: string;
  readonly dataFormat: string;
  readonly versionNumber?: number;
  /** `arn:aws:glue:<region>:<account>:schema/<registry>/<schema>`. */
  readonly schemaArn?: string;
}

/**
 * Reads one schema version by its UUID: `undefined` for `EntityNotFoundException`. The AWS SDK call
 * lives with the Lambda function (`functions/aws/glueSchemaVersions.ts`); it throws
 * `RegistryUnavailableError` for throttling and outages, a permanent `CaptureError` for denials.
 */
export type GlueSchemaVersionReader = (schemaVersionId: string) => Promise<GlueSchemaVersion | undefined>;

const FORMATS: Record<string, SchemaFormat> = { AVRO: 'avro', JSON: 'json', PROTOBUF: 'protobuf' };

/** AWS Glue Schema Registry: the schema's name (from its ARN) and version number go in the envelope. */
export function glueSchemaSource(read: GlueSchemaVersionReader): SchemaSource {
  return async (id) => {
    const version = await read(id);
    if (version === undefined) return undefined;
    const name = version.schemaArn?.split('/').at(-1);
    return {
      format: FORMATS[version.dataFormat] ?? 'avro',
      definition: version.definition,
      references: [],
      ...(name ? { subject: name } : {}),
      ...(version.versionNumber === undefined ? {} : { version: version.versionNumber }),
    };
  };
}
