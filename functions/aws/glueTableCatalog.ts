import {
  AlreadyExistsException,
  ConcurrentModificationException,
  CreateTableCommand,
  EntityNotFoundException,
  GetTableCommand,
  type GlueClient,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { CaptureError } from '../../shared/errors.js';
import { STAGING_PREFIX } from '../../shared/paths/lakePaths.js';
import type { ObjectStore } from '../../shared/store.js';
import type { IcebergCatalog, MetadataPointer } from '../../shared/tables/iceberg/catalog.js';
import { datedUuid } from '../../shared/tables/iceberg/datedName.js';
import { metadataFileVersion } from '../../shared/tables/iceberg/metadataFileVersion.js';

/** Glue table parameters of an Iceberg table, as Iceberg's own Glue catalog, Athena and Firehose write them. */
const TABLE_TYPE = 'table_type';
const METADATA_LOCATION = 'metadata_location';
const PREVIOUS_METADATA_LOCATION = 'previous_metadata_location';

export interface GlueTableOptions {
  readonly client: GlueClient;
  readonly database: string;
  readonly table: string;
  readonly objects: ObjectStore;
  /** The lake's root as Glue's readers address it: `s3://bucket/`. */
  readonly lakeLocation: string;
}

/**
 * An Iceberg table in the AWS Glue Data Catalog, as Iceberg's Glue catalog keeps it: the table's
 * `metadata_location` parameter names its current metadata file
 * (`metadata/<version>-<uuid>.metadata.json`). A commit writes the new file, then moves the parameter
 * with `UpdateTable` conditioned on the table's `VersionId` as read together with the previous
 * location: Glue refuses the update when another writer changed the table in between
 * (`ConcurrentModificationException`), which is the commit lost. The table may be created beforehand
 * (the CDK stack does, without metadata) or by the first commit.
 *
 * @example
 * const catalog = glueTableCatalog('compacted/orders/', { client, database: 'lake', table: 'orders', objects, lakeLocation: 's3://lake/' });
 */
export function glueTableCatalog(root: string, options: GlueTableOptions): IcebergCatalog {
  const { client, database, table, objects, lakeLocation } = options;
  const description = `the Glue table ${database}.${table}`;
  const lakePath = (location: string) => {
    if (!location.startsWith(lakeLocation)) {
      throw new CaptureError(
        `${description}: its metadata ${location} is outside the lake at ${lakeLocation}`,
        {
          retriable: false,
        },
      );
    }
    return location.slice(lakeLocation.length);
  };
  const read = async () => {
    try {
      const { Table } = await client.send(new GetTableCommand({ DatabaseName: database, Name: table }));
      const location = Table?.Parameters?.[METADATA_LOCATION];
      const path = location === undefined ? null : lakePath(location);
      const pointer: MetadataPointer | null =
        path === null ? null : { path, version: metadataFileVersion(path) };
      return { exists: true, versionId: Table?.VersionId, parameters: Table?.Parameters ?? {}, pointer };
    } catch (error) {
      if (error instanceof EntityNotFoundException) return { exists: false, parameters: {}, pointer: null };
      throw error;
    }
  };

  return {
    description,
    currentMetadata: async () => (await read()).pointer,

    async commit(previous, bytes) {
      const version = (previous?.version ?? 0) + 1;
      const path = `${root}metadata/${String(version).padStart(5, '0')}-${datedUuid(Date.now())}.metadata.json`;
      const staging = `${STAGING_PREFIX}/iceberg/${path}`;
      await objects.stage(staging, bytes);
      await objects.publish(path, [staging]);
      await objects.deleteStaged([staging]);

      const current = await read();
      if (current.pointer?.path !== previous?.path) return null;
      const input: TableInput = {
        Name: table,
        TableType: 'EXTERNAL_TABLE',
        Parameters: {
          ...current.parameters,
          [TABLE_TYPE]: 'ICEBERG',
          [METADATA_LOCATION]: `${lakeLocation}${path}`,
          ...(previous ? { [PREVIOUS_METADATA_LOCATION]: `${lakeLocation}${previous.path}` } : {}),
        },
        StorageDescriptor: { Location: `${lakeLocation}${root.replace(/\/$/, '')}` },
      };
      try {
        if (current.exists) {
          await client.send(
            new UpdateTableCommand({
              DatabaseName: database,
              TableInput: input,
              VersionId: current.versionId,
            }),
          );
        } else {
          await client.send(new CreateTableCommand({ DatabaseName: database, TableInput: input }));
        }
      } catch (error) {
        if (error instanceof ConcurrentModificationException || error instanceof AlreadyExistsException)
          return null;
        throw error;
      }
      return { path, version };
    },
  };
}
