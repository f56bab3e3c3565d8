/**
 * The ledger table's key: one item per (topic, partition). The stack (infra/aws) creates the table
 * with these attribute names and the store reads and writes by them.
 */
export const LEDGER_TABLE_KEY = { partitionKey: 'topic', sortKey: 'partition' } as const;
