import * as zlib from 'node:zlib';
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import type { ColumnSchema, ColumnType, JsonRow } from './schema.js';

/** Compaction output is read many times and written once: a stronger level than ingestion's pays off. */
const ZSTD_LEVEL = 6;

/** Written into every file, without a version or time, so the same rows give the same bytes. */
const CREATED_BY = 'stream-capture compaction';

/** What a finished file holds. */
export interface ParquetFileStats {
  readonly rows: number;
  readonly bytes: number;
  readonly rowGroups: number;
}

/**
 * One Parquet file written row group by row group. Each row group's bytes, and the footer's, go to
 * `stageChunk` as soon as they are encoded, so memory holds one row group, not the file; publishing
 * the staged chunks in order makes the file.
 */
export interface ParquetFileWriter {
  writeRowGroup(rows: readonly JsonRow[]): Promise<void>;
  /** Bytes encoded so far: where the file stands against its target size. */
  bytesWritten(): number;
  finish(): Promise<ParquetFileStats>;
}

const ELEMENT_OF: Record<ColumnType, Omit<SchemaElement, 'name'>> = {
  boolean: { type: 'BOOLEAN' },
  int64: { type: 'INT64' },
  double: { type: 'DOUBLE' },
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  json: { type: 'BYTE_ARRAY', converted_type: 'JSON' },
  timestamp: { type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' },
};

/** Values as the writer takes them for the column's type; anything else is a null. */
function columnValue(type: ColumnType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'int64':
      return typeof value === 'number' ? BigInt(value) : null;
    case 'double':
    case 'timestamp':
      return typeof value === 'number' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'json':
      // The writer serializes the value itself.
      return value;
  }
}

/** Heavy code loads on first use, so the ingestion functions sharing this bundle start fast. */
export async function createParquetFileWriter(
  columns: readonly ColumnSchema[],
  stageChunk: (bytes: Buffer) => Promise<void>,
): Promise<ParquetFileWriter> {
  const { ByteWriter, ParquetWriter } = await import('hyparquet-writer');
  const zstd = (bytes: Uint8Array) =>
    new Uint8Array(
      zlib.zstdCompressSync(bytes, { params: { [zlib.constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } }),
    );

  class ChunkWriter extends ByteWriter {
    /** Hands over what is buffered and starts over; `offset` keeps counting for the file's footer. */
    flush(): Promise<void> {
      const chunk = Buffer.from(this.getBytes());
      this.index = 0;
      return stageChunk(chunk);
    }
    override finish(): Promise<void> {
      return this.flush();
    }
  }
  const writer = new ChunkWriter();
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((column) => ({
      name: column.name,
      repetition_type: 'OPTIONAL' as const,
      ...ELEMENT_OF[column.type],
    })),
  ];
  const parquet = new ParquetWriter({
    writer,
    schema,
    codec: 'ZSTD',
    compressors: { ZSTD: zstd },
    createdBy: CREATED_BY,
  });
  let rows = 0;
  let rowGroups = 0;
  return {
    async writeRowGroup(group) {
      if (group.length === 0) return;
      const columnData: ColumnSource[] = columns.map((column) => ({
        name: column.name,
        data: group.map((row) => columnValue(column.type, row[column.name])),
        // Bounds of JSON text are kept whole, which would copy large documents into the footer.
        statistics: column.type !== 'json',
      }));
      await parquet.write({ columnData, rowGroupSize: group.length });
      rows += group.length;
      rowGroups++;
    },
    bytesWritten: () => writer.offset,
    async finish() {
      await parquet.finish();
      return { rows, bytes: writer.offset, rowGroups };
    },
  };
}
