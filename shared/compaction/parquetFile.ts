import * as zlib from 'node:zlib';
import type { ColumnSource } from 'hyparquet-writer';
import type { StructField } from '../tables/dataType.js';
import { type FieldIdOf, parquetSchemaOf } from '../tables/parquetSchema.js';

/**
 * zstd's default level: level 6 made files 3% smaller for about a tenth more CPU per compaction
 * (npm run bench), which the compaction's speed target could not spare.
 */
const ZSTD_LEVEL = 3;

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
  /** One row group: an array per column (see `RowShaper`), each `rows` long. */
  writeRowGroup(columnData: readonly unknown[][], rows: number): Promise<void>;
  /** Bytes encoded so far: where the file stands against its target size. */
  bytesWritten(): number;
  finish(): Promise<ParquetFileStats>;
}

/**
 * Columns whose min/max statistics go into the footer: the coordinates readers filter on (a time
 * range, a position). Statistics of every body column cost about a twentieth of the CPU of a
 * compaction, JSON text's bounds would copy whole documents into the footer, and Delta's own per-file
 * statistics (see `addActionOf`) are what Delta readers skip files by.
 */
const STATISTICS_COLUMNS: ReadonlySet<string> = new Set(['_partition', '_position', '_timestamp']);

/**
 * Heavy code loads on first use, so the ingestion functions sharing this bundle start fast. With
 * `fieldIdOf`, the schema carries Iceberg's field ids.
 */
export async function createParquetFileWriter(
  columns: readonly StructField[],
  stageChunk: (bytes: Buffer) => Promise<void>,
  fieldIdOf?: FieldIdOf,
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
  const schema = parquetSchemaOf(columns, fieldIdOf);
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
    async writeRowGroup(data, groupRows) {
      if (groupRows === 0) return;
      const columnData: ColumnSource[] = columns.map((column, index) => ({
        name: column.name,
        data: data[index] as unknown[],
        statistics: STATISTICS_COLUMNS.has(column.name),
      }));
      await parquet.write({ columnData, rowGroupSize: groupRows });
      rows += groupRows;
      rowGroups++;
    },
    bytesWritten: () => writer.offset,
    async finish() {
      await parquet.finish();
      return { rows, bytes: writer.offset, rowGroups };
    },
  };
}
