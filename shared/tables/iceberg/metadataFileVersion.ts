/** `v4.metadata.json` (the path catalog, as Hadoop tables name them) or `00004-<uuid>.metadata.json`. */
const VERSIONED_NAME = /\/(?:v(\d+)|(\d+)-[0-9a-f-]+)\.metadata\.json$/;

/**
 * The version a table metadata file's name carries, as the path catalog names them (`v4`) and as the
 * Glue and REST catalogs do (`00004-<uuid>`, Iceberg's own catalogs' names); 0 for a name without one.
 */
export function metadataFileVersion(path: string): number {
  const found = VERSIONED_NAME.exec(path);
  return Number(found?.[1] ?? found?.[2] ?? 0);
}
