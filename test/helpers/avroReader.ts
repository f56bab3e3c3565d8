import { type EventDataRecord, openCaptureContainer } from '../../shared/encode/captureReader.js';

export interface ContainerFile {
  readonly codec: string;
  readonly schema: string;
  readonly syncMarker: Buffer;
  /** Size of the header (magic, metadata, sync marker): where the first block starts. */
  readonly headerBytes: number;
  readonly blocks: number;
  readonly records: EventDataRecord[];
}

/**
 * A whole Capture Avro file at once, read strictly by the product's reader (one header, every block
 * followed by the header's sync marker, nothing after the last block), for the tests' own checks
 * (the property test reads thousands of objects); what an independent reader makes of our files is
 * tested with fastavro and Apache avro (test/helpers/readers/).
 */
export function readContainerFile(bytes: Buffer, name = 'the Avro file'): ContainerFile {
  const container = openCaptureContainer(bytes, name);
  const records: EventDataRecord[] = [];
  let blocks = 0;
  for (const block of container.blocks()) {
    for (const { record } of block) records.push(record);
    blocks++;
  }
  const { codec, schema, syncMarker, headerBytes } = container;
  return { codec, schema, syncMarker, headerBytes, blocks, records };
}
