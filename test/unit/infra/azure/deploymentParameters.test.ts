import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { azureParameterFiles } from '../../../../infra/azure/deploymentParameters.js';
import { parseConfig } from '../../../../shared/config/load.js';
import { ConfigError } from '../../../../shared/errors.js';
import { findParameterFileProblems } from './bicepChecks.js';
import { readBicepFile } from './bicepScanner.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const AZURE_INFRA = join(ROOT, 'infra', 'azure');

const mainTemplate = () => readBicepFile(AZURE_INFRA, 'main.bicep');

const FIXTURE_CONFIG = `topics:
  - name: orders
    source: eventhub
    consumerGroup: capture
    eventHub: { name: orders-hub }
    azure:
      eventHubNamespace: contoso-orders
      eventHubResourceGroup: messaging
      rawRetentionDays: 30
      alertEmail: data@contoso.com
  - name: clickstream
    source: kafka
    consumerGroup: capture-clickstream
    storage: { container: clicks, connection: ClickLake }
    azure:
      kafkaBrokers: b1.kafka.example.com:9093,b2.kafka.example.com:9093
      kafkaUsername: capture
      kafkaPasswordSecret: { keyVault: contoso-kv, secret: kafka-password }
      instanceMemoryMB: 4096
      maximumInstanceCount: 12
      lagAlertMinutes: 30
  - name: payments
    source: kafka
    platform: aws
    consumerGroup: capture-payments
    aws:
      msk:
        clusterArn: arn:aws:kafka:eu-west-1:123456789012:cluster/lake/abcd1234-ef56-7890-abcd-ef1234567890-1
`;

async function fixtureConfigFile(text = FIXTURE_CONFIG): Promise<{ config: string; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'capture-infra-azure-'));
  const config = join(dir, 'capture.config.yaml');
  await writeFile(config, text);
  return { config, out: join(dir, 'parameters') };
}

function runGenerator(config: string, out: string) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', join(AZURE_INFRA, 'generateParameters.ts'), '--config', config, '--out', out],
    { cwd: ROOT, encoding: 'utf8' },
  );
}

async function parameterFile(
  out: string,
  topic: string,
): Promise<{ parameters: Record<string, { value: unknown }> }> {
  return JSON.parse(await readFile(join(out, `${topic}.parameters.json`), 'utf8'));
}

const valuesOf = (file: { parameters: Record<string, { value: unknown }> }) =>
  Object.fromEntries(Object.entries(file.parameters).map(([name, entry]) => [name, entry.value]));

describe('Generator: npm run infra:azure', () => {
  it('writes one parameter file per Azure topic, from the config, that the template accepts', async () => {
    // Prepare
    const { config, out } = await fixtureConfigFile();
    const main = await mainTemplate();

    // Act
    const run = runGenerator(config, out);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`wrote ${join(out, 'orders.parameters.json')}`);
    expect((await readdir(out)).sort()).toEqual(['clickstream.parameters.json', 'orders.parameters.json']);
    const orders = await parameterFile(out, 'orders');
    const clickstream = await parameterFile(out, 'clickstream');
    expect(findParameterFileProblems(main, orders)).toEqual([]);
    expect(findParameterFileProblems(main, clickstream)).toEqual([]);
    expect(valuesOf(orders)).toEqual({
      topicName: 'orders',
      source: 'eventhub',
      consumerGroup: 'capture',
      storageConnectionName: 'LakeStorage',
      lakeContainerName: 'lake',
      ledgerTableName: 'captureledger',
      instanceMemoryMB: 2048,
      maximumInstanceCount: 40,
      rawRetentionDays: 30,
      stagingRetentionDays: 14,
      alertEmail: 'data@contoso.com',
      noSealedObjectMinutes: 10,
      lagAlertMinutes: 15,
      eventHubNamespaceName: 'contoso-orders',
      eventHubResourceGroupName: 'messaging',
      eventHubName: 'orders-hub',
      eventHubConnectionName: 'EventHubConnection',
    });
    expect(valuesOf(clickstream)).toEqual({
      topicName: 'clickstream',
      source: 'kafka',
      consumerGroup: 'capture-clickstream',
      storageConnectionName: 'ClickLake',
      lakeContainerName: 'clicks',
      ledgerTableName: 'captureledger',
      instanceMemoryMB: 4096,
      maximumInstanceCount: 12,
      rawRetentionDays: 0,
      stagingRetentionDays: 14,
      noSealedObjectMinutes: 10,
      lagAlertMinutes: 30,
      kafkaBrokerListSetting: 'KafkaBrokerList',
      kafkaBrokers: 'b1.kafka.example.com:9093,b2.kafka.example.com:9093',
      kafkaUsernameSetting: 'KafkaUsername',
      kafkaUsername: 'capture',
      kafkaPasswordSetting: 'KafkaPassword',
      kafkaPasswordKeyVaultName: 'contoso-kv',
      kafkaPasswordSecretName: 'kafka-password',
    });
  });

  it('writes the parameter file of a topic added to the config, with no other edit', async () => {
    // Prepare
    const { config, out } = await fixtureConfigFile();
    const main = await mainTemplate();
    expect(runGenerator(config, out).status).toBe(0);
    await appendFile(
      config,
      '  - name: audit.events\n    source: eventhub\n    azure: { eventHubNamespace: contoso-audit }\n',
    );

    // Act
    const run = runGenerator(config, out);

    // Assess
    expect(run.status).toBe(0);
    const added = await parameterFile(out, 'audit.events');
    expect(findParameterFileProblems(main, added)).toEqual([]);
    expect(valuesOf(added)).toMatchObject({
      topicName: 'audit.events',
      consumerGroup: '$Default',
      eventHubName: 'audit.events',
    });
  });

  it('says to pass the Kafka password at deployment when the config names no Key Vault secret, and never writes it', async () => {
    // Prepare
    const { config, out } = await fixtureConfigFile(
      'topics:\n  - name: clicks\n    source: kafka\n    azure: { kafkaBrokers: "k:9093", kafkaUsername: capture }\n',
    );

    // Act
    const run = runGenerator(config, out);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('topic "clicks" names no azure.kafkaPasswordSecret');
    expect(Object.keys((await parameterFile(out, 'clicks')).parameters)).not.toContain('kafkaPassword');
  });

  it.each([
    ['an eventhub topic without its namespace', 'source: eventhub', 'field azure.eventHubNamespace'],
    [
      'a kafka topic without brokers',
      'source: kafka\n    azure: { kafkaUsername: u }',
      'field azure.kafkaBrokers',
    ],
    [
      'an instance size Flex does not offer',
      'source: kafka\n    azure: { instanceMemoryMB: 1000 }',
      'field azure.instanceMemoryMB',
    ],
    [
      'an alert window Azure Monitor does not offer',
      'source: kafka\n    azure: { lagAlertMinutes: 7 }',
      'field azure.lagAlertMinutes',
    ],
  ])('names the file, the topic and the field, and fails, for %s', async (_case, lines, field) => {
    // Prepare
    const { config, out } = await fixtureConfigFile(`topics:\n  - name: orders\n    ${lines}\n`);

    // Act
    const run = runGenerator(config, out);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(config);
    expect(run.stderr).toContain('topic "orders" (topics[0])');
    expect(run.stderr).toContain(field);
  });

  it('refuses a setting of the other source rather than deploying without it', () => {
    // Prepare
    const config = parseConfig(
      {
        topics: [
          {
            name: 'orders',
            source: 'eventhub',
            azure: { eventHubNamespace: 'contoso-orders', kafkaBrokers: 'k:9093' },
          },
        ],
      },
      'capture.config.yaml',
    );

    // Act
    const act = () => azureParameterFiles(config, 'capture.config.yaml');

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      'capture.config.yaml: topic "orders" (topics[0]), field azure.kafkaBrokers: only for source: kafka',
    );
  });
});

describe('Function: azureParameterFiles (schema registry)', () => {
  const registryTopic = (azure: Record<string, unknown>) =>
    parseConfig(
      {
        topics: [
          {
            name: 'orders',
            source: 'eventhub',
            jsonl: { envelope: true },
            registry: { kind: 'azure', fullyQualifiedNamespace: 'contoso-schemas.servicebus.windows.net' },
            azure: { eventHubNamespace: 'contoso-orders', ...azure },
          },
        ],
      },
      'capture.config.yaml',
    );

  it("names an Azure Schema Registry's namespace and resource group, which the template accepts", async () => {
    // Act
    const files = azureParameterFiles(
      registryTopic({ schemaRegistryResourceGroup: 'schemas' }),
      'capture.config.yaml',
    );

    // Assess
    const file = files.get('orders.parameters.json');
    expect(file && valuesOf(file)).toMatchObject({
      schemaRegistryNamespaceName: 'contoso-schemas',
      schemaRegistryResourceGroupName: 'schemas',
    });
    expect(file && findParameterFileProblems(await mainTemplate(), file)).toEqual([]);
  });

  it("refuses a schema registry's resource group for a topic without an Azure Schema Registry", () => {
    // Prepare
    const config = parseConfig(
      {
        topics: [
          {
            name: 'orders',
            source: 'eventhub',
            azure: { eventHubNamespace: 'contoso-orders', schemaRegistryResourceGroup: 'x' },
          },
        ],
      },
      'capture.config.yaml',
    );

    // Act
    const act = () => azureParameterFiles(config, 'capture.config.yaml');

    // Assess
    expect(act).toThrow(
      'capture.config.yaml: topic "orders" (topics[0]), field azure.schemaRegistryResourceGroup: only for registry.kind: azure',
    );
  });
});
