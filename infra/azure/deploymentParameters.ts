import { type AzureSettings, azureSettingsSchema } from '../../shared/config/azureSchema.js';
import type { CaptureConfig, TopicConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/errors.js';

type ParameterValue = string | number;

/**
 * An ARM deployment parameters file, as `az deployment group create --parameters <file>` reads it.
 * Plain JSON rather than `.bicepparam`: it needs no compiler to write or to check against the
 * template's `param` declarations, and the CLI reads it the same way.
 */
export interface DeploymentParametersFile {
  $schema: string;
  contentVersion: '1.0.0.0';
  parameters: Record<string, { value: ParameterValue }>;
}

const PARAMETERS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

/** An `azure` block left out of the config means every Azure default. */
const AZURE_DEFAULTS = azureSettingsSchema.parse({});

/**
 * The parameter file of every `platform: azure` topic, keyed by file name (`<topic>.parameters.json`),
 * from config values only. Settings that only some topics can do without (the Event Hubs namespace,
 * the brokers) are checked here, so a missing one fails before a deployment does.
 *
 * @throws ConfigError listing every missing or misplaced field, each with the file, topic and field.
 */
export function azureParameterFiles(
  config: CaptureConfig,
  source: string,
): Map<string, DeploymentParametersFile> {
  const files = new Map<string, DeploymentParametersFile>();
  const problems: string[] = [];
  config.topics.forEach((topic, index) => {
    if (topic.platform !== 'azure') return;
    const azure = topic.azure ?? AZURE_DEFAULTS;
    const where = (field: string) =>
      `${source}: topic "${topic.name}" (topics[${index}]), field azure.${field}`;
    problems.push(...missingSettings(topic, azure).map(([field, message]) => `${where(field)}: ${message}`));
    files.set(`${topic.name}.parameters.json`, {
      $schema: PARAMETERS_SCHEMA,
      contentVersion: '1.0.0.0',
      parameters: wrapValues({
        ...commonParameters(topic, azure),
        ...sourceParameters(topic, azure),
        ...registryParameters(topic, azure),
      }),
    });
  });
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return files;
}

/** Topics whose SASL password must be given at deployment, because the config names no Key Vault secret. */
export function topicsNeedingPassword(config: CaptureConfig): string[] {
  return config.topics
    .filter(
      (topic) =>
        topic.platform === 'azure' &&
        topic.source === 'kafka' &&
        topic.kafka.authenticationMode !== 'notSet' &&
        topic.azure?.kafkaPasswordSecret === undefined,
    )
    .map((topic) => topic.name);
}

function missingSettings(topic: TopicConfig, azure: AzureSettings): Array<[field: string, message: string]> {
  const problems: Array<[string, string]> = [];
  const requireField = (field: string, value: unknown, message: string) => {
    if (value === undefined) problems.push([field, message]);
  };
  // A field of the other source is a mistake worth naming: the topic would deploy without it.
  const refuseFields = (fields: Record<string, unknown>, source: string) => {
    for (const [field, value] of Object.entries(fields)) {
      if (value !== undefined) problems.push([field, `only for source: ${source}`]);
    }
  };
  if (topic.source === 'eventhub') {
    requireField(
      'eventHubNamespace',
      azure.eventHubNamespace,
      'required for an eventhub topic: the name of the existing Event Hubs namespace (without .servicebus.windows.net)',
    );
    refuseFields(
      {
        kafkaBrokers: azure.kafkaBrokers,
        kafkaUsername: azure.kafkaUsername,
        kafkaPasswordSecret: azure.kafkaPasswordSecret,
      },
      'kafka',
    );
  } else {
    requireField(
      'kafkaBrokers',
      azure.kafkaBrokers,
      'required for a kafka topic: the brokers, host:port separated by commas',
    );
    if (topic.kafka.authenticationMode !== 'notSet') {
      requireField(
        'kafkaUsername',
        azure.kafkaUsername,
        `required with kafka.authenticationMode ${topic.kafka.authenticationMode}: the SASL user name`,
      );
    }
    refuseFields(
      { eventHubNamespace: azure.eventHubNamespace, eventHubResourceGroup: azure.eventHubResourceGroup },
      'eventhub',
    );
  }
  if (topic.registry?.kind !== 'azure' && azure.schemaRegistryResourceGroup !== undefined) {
    problems.push(['schemaRegistryResourceGroup', 'only for registry.kind: azure']);
  }
  return problems;
}

function commonParameters(
  topic: TopicConfig,
  azure: AzureSettings,
): Record<string, ParameterValue | undefined> {
  return {
    topicName: topic.name,
    source: topic.source,
    consumerGroup: topic.consumerGroup,
    storageConnectionName: topic.storage.connection,
    lakeContainerName: topic.storage.container,
    ledgerTableName: topic.storage.ledgerTable,
    instanceMemoryMB: azure.instanceMemoryMB,
    maximumInstanceCount: azure.maximumInstanceCount,
    rawRetentionDays: azure.rawRetentionDays ?? 0,
    stagingRetentionDays: azure.stagingRetentionDays,
    alertEmail: azure.alertEmail,
    noSealedObjectMinutes: azure.noSealedObjectMinutes,
    lagAlertMinutes: azure.lagAlertMinutes,
  };
}

function sourceParameters(
  topic: TopicConfig,
  azure: AzureSettings,
): Record<string, ParameterValue | undefined> {
  if (topic.source === 'eventhub') {
    return {
      eventHubNamespaceName: azure.eventHubNamespace,
      eventHubResourceGroupName: azure.eventHubResourceGroup,
      // The app reads the hub named by eventHub.name, else the topic's name (functions/azure/eventhubIngest.ts).
      eventHubName: topic.eventHub.name ?? topic.name,
      eventHubConnectionName: topic.eventHub.connection,
    };
  }
  const { kafka } = topic;
  const sasl = kafka.authenticationMode !== 'notSet';
  return {
    kafkaBrokerListSetting: kafka.brokerList,
    kafkaBrokers: azure.kafkaBrokers,
    kafkaUsernameSetting: sasl ? kafka.username : undefined,
    kafkaUsername: sasl ? azure.kafkaUsername : undefined,
    kafkaPasswordSetting: sasl ? kafka.password : undefined,
    kafkaPasswordKeyVaultName: azure.kafkaPasswordSecret?.keyVault,
    kafkaPasswordSecretName: azure.kafkaPasswordSecret?.secret,
    kafkaPasswordKeyVaultResourceGroupName: azure.kafkaPasswordSecret?.resourceGroup,
  };
}

/** An Azure Schema Registry's namespace, which the app's identity is made a Schema Registry Reader of. */
function registryParameters(
  topic: TopicConfig,
  azure: AzureSettings,
): Record<string, ParameterValue | undefined> {
  if (topic.registry?.kind !== 'azure') return {};
  return {
    schemaRegistryNamespaceName: topic.registry.fullyQualifiedNamespace.split('.')[0],
    schemaRegistryResourceGroupName: azure.schemaRegistryResourceGroup,
  };
}

/** Leaves out what the config does not set, so the template's defaults apply. */
function wrapValues(
  values: Record<string, ParameterValue | undefined>,
): DeploymentParametersFile['parameters'] {
  return Object.fromEntries(
    Object.entries(values).flatMap(([name, value]) => (value === undefined ? [] : [[name, { value }]])),
  );
}
