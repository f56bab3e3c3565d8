import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  configOf,
  INGEST_POLICY,
  mskTopic,
  resourcesOf,
  SEAL_POLICY,
  selfManagedTopic,
  statementsOf,
  synthesizeStacks,
  WORKER_POLICY,
} from './stackFixtures.js';

const REGISTRY_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:telemetry-registry-AbCdEf';

describe('Function: grantRegistryRead', () => {
  const stacks = synthesizeStacks(
    configOf(
      mskTopic({ jsonl: { envelope: true }, registry: { kind: 'glue', registryName: 'payments-registry' } }),
      selfManagedTopic({
        registry: {
          kind: 'confluent',
          url: 'https://sr.example.com',
          credentials: { secretArn: REGISTRY_SECRET },
        },
      }),
      mskTopic({ name: 'plain', consumerGroup: 'capture-plain' }),
    ),
  );
  const templateOf = (stack: string) => {
    const template = stacks.get(stack);
    if (template === undefined) throw new Error(`no stack ${stack}`);
    return template;
  };
  const ingestStatements = (stack: string) => statementsOf(templateOf(stack), INGEST_POLICY);
  const grantsOf = (stack: string, action: string) =>
    ingestStatements(stack).filter((statement) => actionsOf(statement).includes(action));
  const schemaObjects = (stack: string, policy: string) =>
    statementsOf(templateOf(stack), policy)
      .flatMap(resourcesOf)
      .filter((resource) => JSON.stringify(resource).includes('/_schemas/*'));

  it("allows the Glue topic's ingestion GetSchemaVersion on its registry and that registry's schemas only", () => {
    // Act
    const grants = grantsOf('capture-payments', 'glue:GetSchemaVersion');

    // Assess
    expect(grants).toHaveLength(1);
    expect(grants.flatMap(actionsOf)).toEqual(['glue:GetSchemaVersion']);
    expect(JSON.stringify(grants.flatMap(resourcesOf))).toMatch(
      /:registry\/payments-registry".*:schema\/payments-registry\/\*"/,
    );
  });

  it("allows the Confluent topic's ingestion to read its registry credentials' secret, nothing else of Secrets Manager for it", () => {
    // Act
    const grants = grantsOf('capture-telemetry', 'secretsmanager:GetSecretValue').filter((statement) =>
      resourcesOf(statement).includes(REGISTRY_SECRET),
    );

    // Assess
    expect(grants).toHaveLength(1);
    expect(grants.flatMap(actionsOf)).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('lets ingestion of a registry topic publish schema files, and neither the seal timer nor a plain topic', () => {
    // Act
    const withRegistry = schemaObjects('capture-payments', INGEST_POLICY);

    // Assess
    expect(withRegistry).toHaveLength(1);
    expect(schemaObjects('capture-payments', SEAL_POLICY)).toEqual([]);
    expect(schemaObjects('capture-plain', INGEST_POLICY)).toEqual([]);
    expect(grantsOf('capture-plain', 'glue:GetSchemaVersion')).toEqual([]);
  });

  it("lets a registry topic's compaction worker read the schema files its columns come from, and only read them", () => {
    // Act
    const reads = statementsOf(templateOf('capture-payments'), WORKER_POLICY).filter((statement) =>
      JSON.stringify(resourcesOf(statement)).includes('/_schemas/*'),
    );

    // Assess
    expect(reads.flatMap(actionsOf)).toEqual(['s3:GetObject']);
    expect(schemaObjects('capture-plain', WORKER_POLICY)).toEqual([]);
  });
});
