import type { TopicConfig } from '../../shared/config/schema.js';

/** Environment variables naming the Glue database and table of a topic's Iceberg table, set by the stack. */
export const GLUE_DATABASE_VARIABLE = 'CAPTURE_GLUE_DATABASE';
export const GLUE_TABLE_VARIABLE = 'CAPTURE_GLUE_TABLE';

/**
 * The Glue database and table of a topic's Iceberg table: one database per topic stack, so stacks
 * never share a resource, in the lower-case letters, digits and `_` Athena takes unquoted.
 */
export function glueTableNames(topic: TopicConfig): { database: string; table: string } {
  const name = topic.name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return { database: `capture_${name}`, table: name };
}
