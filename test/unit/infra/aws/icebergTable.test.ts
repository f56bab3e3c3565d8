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

describe('Class: GlueIcebergTable', () => {
  const stacks = synthesizeStacks(
    configOf(
      mskTopic({ compaction: { table: 'iceberg' } }),
      mskTopic({ name: 'plain', consumerGroup: 'capture-plain' }),
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

  it('adds nothing of Glue for a Delta topic', () => {
    // Assess
    const template = templateOf('capture-plain');
    template.resourceCountIs('AWS::Glue::Database', 0);
    template.resourceCountIs('AWS::Glue::Table', 0);
    expect(glueActions('capture-plain', WORKER_POLICY)).toEqual([]);
  });
});
