/**
 * The namespace (Glue database) and table a topic's Iceberg table is recorded under in a catalog:
 * one namespace per topic, so topic stacks never share a resource, in the lower-case letters, digits
 * and `_` that Athena and other SQL readers take unquoted.
 */
export function catalogTableNames(topicName: string): { namespace: string; table: string } {
  const name = topicName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return { namespace: `capture_${name}`, table: name };
}
