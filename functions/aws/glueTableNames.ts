import { catalogTableNames } from '../../shared/compaction/catalogTableNames.js';
import type { TopicConfig } from '../../shared/config/schema.js';

/** Environment variables naming the Glue database and table of a topic's Iceberg table, set by the stack. */
export const GLUE_DATABASE_VARIABLE = 'CAPTURE_GLUE_DATABASE';
export const GLUE_TABLE_VARIABLE = 'CAPTURE_GLUE_TABLE';

/** The Glue database and table of a topic's Iceberg table (see `catalogTableNames`). */
export function glueTableNames(topic: TopicConfig): { database: string; table: string } {
  const { namespace, table } = catalogTableNames(topic.name);
  return { database: namespace, table };
}
