/**
 * Where an Iceberg table's current metadata file is recorded, and the one atomic step of a commit:
 * moving that record from the metadata a writer read to the one it wrote. Paths are lake paths (as
 * the `ObjectStore` names objects); a catalog that records absolute locations converts them.
 * Implementations: the path catalog (`pathCatalog.ts`, metadata files and a version hint, for the
 * local lake and Azure), the AWS Glue Data Catalog (`functions/aws/glueTableCatalog.ts`) and an
 * Iceberg REST catalog (`restCatalog.ts`).
 */
export interface IcebergCatalog {
  /** Names the catalog and table in messages: "the path catalog at compacted/orders/". */
  readonly description: string;
  /**
   * True when the catalog writes the committed metadata itself from the changes between `previous`
   * and `bytes` (a REST catalog), with timestamps and logs of its own: the writer reads it back.
   */
  readonly writesMetadata?: boolean;
  /** The table's current metadata file and its version, or null before the table exists. */
  currentMetadata(): Promise<MetadataPointer | null>;
  /**
   * Writes `bytes` (or, when `writesMetadata`, what changed since `previous`) as the table's next
   * metadata (version `previous.version + 1`, or 1 for a new table) and makes it current, only if
   * `previous` still is. Returns the new pointer, or null when another writer committed first: the
   * caller reads the table again and decides again.
   */
  commit(previous: MetadataPointer | null, bytes: Buffer): Promise<MetadataPointer | null>;
}

export interface MetadataPointer {
  /** Lake path of the metadata file. */
  readonly path: string;
  readonly version: number;
}
