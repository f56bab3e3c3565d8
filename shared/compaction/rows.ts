import { CaptureError } from '../errors.js';
import { parseExactJson } from '../exactJson.js';
import { generationInPath } from '../paths/layoutPath.js';
import type { RegistryKindName } from '../registry/schemaRef.js';
import { MAX_COLUMN_NESTING, nestsDeeperThan, stringifyDeep } from './deepJson.js';
import type { WriterSchemaName } from './registryColumns/writerSchemaColumns.js';
import type { JsonRow } from './schema.js';
import { RESCUE_COLUMN } from './tableEvolution.js';
import { PARTITION_COLUMNS } from './tableLayout.js';

/** One raw record as a row, with the coordinates the compaction verifies. */
export interface RawRow {
  readonly row: JsonRow;
  /** Where each non-metadata column of this row comes from (`body.<field>`, `metadata.key`). */
  readonly sources: Readonly<Record<string, string>>;
  /** null without an envelope: a body-only line carries no position. */
  readonly position: number | null;
  readonly lineBytes: number;
  /** The registry writer schema the body was decoded with (the envelope's `schema`): it types the columns. */
  readonly writerSchema?: WriterSchemaName;
}

/** Envelope fields that become columns besides the fixed metadata columns (Capture's fields fill the same). */
export const ENVELOPE_COLUMNS = {
  key: '_key',
  headers: '_headers',
  systemProperties: '_system_properties',
  bodyText: '_body_text',
  bodyBase64: '_body_base64',
} as const;
/** A body that is not a JSON object (an array, a string, a number) is one column. */
const WHOLE_BODY_COLUMN = '_body';
/**
 * Column names a body field may not take (compared ignoring case, as Delta compares names): our
 * metadata and envelope columns, the rescue column, and the table's partition columns.
 */
const RESERVED = new Set<string>(
  [
    '_partition',
    '_generation',
    '_offset',
    '_position',
    '_timestamp',
    WHOLE_BODY_COLUMN,
    RESCUE_COLUMN,
    ...PARTITION_COLUMNS,
    ...Object.values(ENVELOPE_COLUMNS),
  ].map((name) => name.toLowerCase()),
);

/**
 * The rows of one JSON-lines raw object. With an envelope, each line brings its partition, offset,
 * position, broker time, key and headers; without one, the line is the body and only the partition
 * and generation (from the object's path) are known, so `_offset`, `_position` and `_timestamp` stay null.
 */
export function* rowsOfJsonLines(
  text: string,
  objectPath: string,
  partition: string,
  envelope: boolean,
): Generator<RawRow> {
  const generation = generationInPath(objectPath);
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    lineNumber++;
    if (line === '') continue;
    let value: unknown;
    try {
      value = parseExactJson(line);
    } catch (error) {
      throw new CaptureError(`${objectPath} line ${lineNumber} is not JSON: the raw object is damaged`, {
        retriable: false,
        cause: error,
      });
    }
    yield envelope
      ? envelopeRow(value, objectPath, lineNumber, partition, generation, line.length + 1)
      : bodyRow(value, partition, generation, line.length + 1);
  }
}

function bodyRow(body: unknown, partition: string, generation: number, lineBytes: number): RawRow {
  const row: Record<string, unknown> = { _partition: partition, _generation: generation };
  const sources: Record<string, string> = {};
  addBody(row, sources, body);
  return { row, sources, position: null, lineBytes };
}

function envelopeRow(
  value: unknown,
  objectPath: string,
  lineNumber: number,
  partition: string,
  generation: number,
  lineBytes: number,
): RawRow {
  const envelope = value as Record<string, unknown> | null;
  if (
    typeof envelope !== 'object' ||
    envelope === null ||
    envelope.partition !== partition ||
    typeof envelope.position !== 'number'
  ) {
    throw new CaptureError(
      `${objectPath} line ${lineNumber} is not an envelope of partition ${partition}: the topic's jsonl.envelope setting does not match this object`,
      { retriable: false },
    );
  }
  const time = typeof envelope.timestamp === 'string' ? Date.parse(envelope.timestamp) : Number.NaN;
  const row: Record<string, unknown> = {
    _partition: partition,
    _generation: generation,
    _offset: envelope.offset,
    _position: envelope.position,
    _timestamp: Number.isNaN(time) ? null : time,
  };
  const sources: Record<string, string> = {};
  for (const [field, column] of Object.entries(ENVELOPE_COLUMNS)) {
    if (envelope[field] === undefined) continue;
    row[column] = envelope[field];
    sources[column] = `metadata.${field}`;
  }
  if ('body' in envelope) addBody(row, sources, envelope.body);
  const writerSchema = writerSchemaOf(envelope.schema);
  return { row, sources, position: envelope.position, lineBytes, ...(writerSchema ? { writerSchema } : {}) };
}

const REGISTRY_KINDS: ReadonlySet<string> = new Set<RegistryKindName>(['confluent', 'azure', 'glue']);

/** The envelope's `schema`, when it names a writer schema as ingestion writes it (see `SchemaRef`). */
function writerSchemaOf(schema: unknown): WriterSchemaName | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const { registry, id, message } = schema as Record<string, unknown>;
  if (typeof registry !== 'string' || !REGISTRY_KINDS.has(registry) || typeof id !== 'string')
    return undefined;
  return {
    registry: registry as RegistryKindName,
    id,
    ...(typeof message === 'string' ? { message } : {}),
  };
}

/**
 * A JSON object body spreads into columns named after its fields; a field named like one of our
 * columns (ignoring case) is renamed with a `body_` prefix (recorded as its source in the schema
 * report). A body nested too deep for the Parquet writer is kept whole as its JSON text.
 */
export function addBody(row: Record<string, unknown>, sources: Record<string, string>, body: unknown): void {
  if (nestsDeeperThan(body, MAX_COLUMN_NESTING)) {
    row[ENVELOPE_COLUMNS.bodyText] = stringifyDeep(body);
    sources[ENVELOPE_COLUMNS.bodyText] =
      `body, nested deeper than ${MAX_COLUMN_NESTING} levels: its JSON text`;
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    row[WHOLE_BODY_COLUMN] = body;
    sources[WHOLE_BODY_COLUMN] = 'body';
    return;
  }
  for (const [field, value] of Object.entries(body)) {
    let column = field;
    while (RESERVED.has(column.toLowerCase()) || (column !== field && column in body) || column === '') {
      column = `body_${column}`;
    }
    row[column] = value;
    sources[column] = `body.${field}`;
  }
}
