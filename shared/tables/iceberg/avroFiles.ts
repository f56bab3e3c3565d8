import { Readable } from 'node:stream';
import type { schema as avroSchema } from 'avsc';
import { CaptureError } from '../../errors.js';

/**
 * Avro object container files with avsc, for Iceberg's manifests and manifest lists: small files,
 * written whole. avsc keeps the schema as given in the header, so Iceberg's `field-id` attributes
 * (which readers resolve fields by) reach the file; it loads on first use, as the other heavy codecs do.
 */

/** A whole container file: the header with these metadata keys, then the records. */
export async function encodeAvroFile(
  schema: object,
  records: readonly unknown[],
  metadata: Readonly<Record<string, string>>,
): Promise<Buffer> {
  const { default: avro } = await import('avsc');
  const options = {
    codec: 'null',
    metadata: Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value)])),
  };
  // avsc's typings leave out the `metadata` option its BlockEncoder documents and honours.
  const encoder = new avro.streams.BlockEncoder(
    schema as avroSchema.AvroSchema,
    options as Parameters<typeof avro.createFileEncoder>[2],
  );
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    encoder.on('end', () => resolve(Buffer.concat(chunks)));
    encoder.on('error', reject);
  });
  let invalid: unknown;
  encoder.on('typeError', (error: unknown) => {
    invalid ??= error;
  });
  for (const record of records) encoder.write(record);
  encoder.end();
  const bytes = await done;
  if (invalid !== undefined) {
    throw new CaptureError('an Iceberg manifest record does not fit its Avro schema', {
      retriable: false,
      cause: invalid,
    });
  }
  return bytes;
}

/** The records of a container file, read with `schema` (Avro schema resolution, so another writer's extra fields drop). */
export async function decodeAvroFile(bytes: Buffer, schema: object, path: string): Promise<unknown[]> {
  const { default: avro } = await import('avsc');
  const decoder = new avro.streams.BlockDecoder({ readerSchema: schema });
  const records: unknown[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      decoder.on('data', (record: unknown) => records.push(record));
      decoder.on('end', resolve);
      decoder.on('error', reject);
      Readable.from([bytes]).on('error', reject).pipe(decoder);
    });
  } catch (error) {
    throw new CaptureError(`${path} is not an Avro file this writer can read`, {
      retriable: false,
      cause: error,
    });
  }
  return records;
}
