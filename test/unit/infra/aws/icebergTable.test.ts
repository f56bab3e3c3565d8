import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  configOf,
  DISPATCHER_POLICY,
  INGEST_POLICY,
  mskTopic,
  resourcesOf,
  SEAL_POLICY,
  statementsOf,
  synthesizeStacks,
  WORKER_POLICY,
} from './stackFixtures.js';

const CATALOG_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:catalog-AbCd';

describe('Class: GlueIcebergTable', () => {
  const stacks = synthesizeStacks(
    configOf(
      mskTopic({ compaction: { table: 'iceberg' } }),
      mskTopic({ name: 'plain', consumerGroup: 'capture-plain' }),
      mskTopic({
        name: 'unmaintained',
        consumerGroup: 'capture-unmaintained',
        compaction: { table: 'iceberg', maintenance: { enabled: false } },
      }),
      mskTopic({
        name: 'cataloged',
        consumerGroup: 'capture-cataloged',
        compaction: {
          table: 'iceberg',
          restCatalog: { uri: 'https://catalog.example.com', credentials: { secretArn: CATALOG_SECRET } },
        },
      }),
    ),
  );
  const templateOf = (stack: string) => {
    const template = stacks.get(stack);
    if (template === undefined) throw new Error(`no stack ${stack}`);
    return template;
  };
  const glueActions = (stack: string, policy: string) =>
    statementsOf(templateOf(stack), policy)
      .flatMap(actionsOf)
      .filter((action) => action.startsWith('glue:'));

  it("creates an Iceberg topic's Glue database and its table, typed ICEBERG, at the table's place in the lake", () => {
    // Assess
    const template = templateOf('capture-payments');
    template.resourceCountIs('AWS::Glue::Database', 1);
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'capture_payments' } });
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'capture_payments',
      TableInput: {
        Name: 'payments',
        TableType: 'EXTERNAL_TABLE',
        Parameters: { table_type: 'ICEBERG' },
      },
    });
    const [table] = Object.values(template.findResources('AWS::Glue::Table'));
    expect(JSON.stringify(table)).toContain('/compacted/payments');
  });

  it('allows the compaction worker GetTable and UpdateTable on that table only, and no other function any Glue action', () => {
    // Prepare
    const grants = statementsOf(templateOf('capture-payments'), WORKER_POLICY).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('glue:')),
    );

    // Assess
    expect(grants).toHaveLength(1);
    expect(grants.flatMap(actionsOf).sort()).toEqual(['glue:GetTable', 'glue:UpdateTable']);
    const resources = JSON.stringify(grants.flatMap(resourcesOf));
    expect(resources).toMatch(/:catalog".*:database\/capture_payments".*:table\/capture_payments\/payments"/);
    expect(resources).not.toContain('*');
    expect(glueActions('capture-payments', INGEST_POLICY)).toEqual([]);
    expect(glueActions('capture-payments', SEAL_POLICY)).toEqual([]);
    expect(glueActions('capture-payments', DISPATCHER_POLICY)).toEqual([]);
  });

  it('tells the worker which table to commit to', () => {
    // Assess
    templateOf('capture-payments').hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: { CAPTURE_GLUE_DATABASE: 'capture_payments', CAPTURE_GLUE_TABLE: 'payments' },
      },
    });
  });

  it("lets the worker delete only the Iceberg table's metadata files, where maintenance expires them, and no data", () => {
    // Prepare
    const deletes = (stack: string) =>
      statementsOf(templateOf(stack), WORKER_POLICY)
        .filter((statement) => actionsOf(statement).includes('s3:DeleteObject'))
        .flatMap(resourcesOf)
        .map((resource) => JSON.stringify(resource));

    // Assess
    expect(deletes('capture-payments')).toHaveLength(2);
    expect(deletes('capture-payments')[0]).toContain('/_staging/*');
    expect(deletes('capture-payments')[1]).toContain('/compacted/payments/metadata/*');
    expect(deletes('capture-plain')).toHaveLength(1);
    expect(deletes('capture-unmaintained')).toHaveLength(1);
    expect(deletes('capture-cataloged')).toHaveLength(1);
  });

  it('adds nothing of Glue for a topic recorded in a REST catalog, and lets the worker read its secret only', () => {
    // Prepare
    const template = templateOf('capture-cataloged');
    const secretReads = statementsOf(template, WORKER_POLICY).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
    );

    // Assess
    template.resourceCountIs('AWS::Glue::Database', 0);
    template.resourceCountIs('AWS::Glue::Table', 0);
    expect(glueActions('capture-cataloged', WORKER_POLICY)).toEqual([]);
    expect(secretReads.flatMap(actionsOf)).toEqual(['secretsmanager:GetSecretValue']);
    expect(secretReads.flatMap(resourcesOf)).toEqual([CATALOG_SECRET]);
  });

  it('adds nothing of Glue for a Delta topic', () => {
    // Assess
    const template = templateOf('capture-plain');
    template.resourceCountIs('AWS::Glue::Database', 0);
    template.resourceCountIs('AWS::Glue::Table', 0);
    expect(glueActions('capture-plain', WORKER_POLICY)).toEqual([]);
  });
});
