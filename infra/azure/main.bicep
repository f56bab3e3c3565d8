// One topic of capture.config.yaml, captured by one Function App on the Flex Consumption plan.
// `npm run infra:azure` writes each Azure topic's parameters from the config (see README.md).
// Everything authenticates with the app's system-assigned identity: no account key or connection
// string is stored in an app setting, a parameter file or an output.

metadata description = 'Stream capture of one event hub or Kafka topic into minute objects in a data lake.'

@description('Azure region of every resource; the resource group\'s by default.')
param location string = resourceGroup().location

@description('The topic\'s name in capture.config.yaml, given to the app as CAPTURE_TOPIC.')
@minLength(1)
param topicName string

@description('Where the records come from.')
@allowed([
  'eventhub'
  'kafka'
])
param source string

@description('Consumer group the trigger reads with (topic consumerGroup); created on the event hub unless $Default.')
@minLength(1)
param consumerGroup string

@description('App setting prefix of the lake (topic storage.connection): <name>__blobServiceUri, <name>__tableServiceUri and <name>__queueServiceUri.')
param storageConnectionName string = 'LakeStorage'

@description('Blob container of the lake (topic storage.container).')
param lakeContainerName string = 'lake'

@description('Table of the ledger (topic storage.ledgerTable).')
param ledgerTableName string = 'captureledger'

@description('Existing Event Hubs namespace of an eventhub topic (azure.eventHubNamespace).')
param eventHubNamespaceName string = ''

@description('Resource group of that namespace (azure.eventHubResourceGroup).')
param eventHubResourceGroupName string = resourceGroup().name

@description('The event hub (topic eventHub.name); the topic\'s name when empty, as the app does.')
param eventHubName string = ''

@description('App setting prefix of the Event Hubs connection (topic eventHub.connection): <name>__fullyQualifiedNamespace.')
param eventHubConnectionName string = 'EventHubConnection'

@description('Event Hubs namespace holding the topic\'s Azure Schema Registry (registry.fullyQualifiedNamespace without .servicebus.windows.net); empty without one.')
param schemaRegistryNamespaceName string = ''

@description('Resource group of that namespace (azure.schemaRegistryResourceGroup).')
param schemaRegistryResourceGroupName string = resourceGroup().name

@description('App setting holding the broker list of a kafka topic (topic kafka.brokerList).')
param kafkaBrokerListSetting string = 'KafkaBrokerList'

@description('The brokers, host:port separated by commas (azure.kafkaBrokers).')
param kafkaBrokers string = ''

@description('App setting holding the SASL user name (topic kafka.username).')
param kafkaUsernameSetting string = 'KafkaUsername'

@description('The SASL user name (azure.kafkaUsername); empty for brokers without SASL.')
param kafkaUsername string = ''

@description('App setting holding the SASL password (topic kafka.password).')
param kafkaPasswordSetting string = 'KafkaPassword'

@description('The SASL password, when it is not in Key Vault. Given on the command line, never in a file.')
@secure()
param kafkaPassword string = ''

@description('Key Vault holding the SASL password (azure.kafkaPasswordSecret.keyVault); the app setting refers to it.')
param kafkaPasswordKeyVaultName string = ''

@description('Secret holding the SASL password (azure.kafkaPasswordSecret.secret).')
param kafkaPasswordSecretName string = ''

@description('Resource group of that Key Vault (azure.kafkaPasswordSecret.resourceGroup).')
param kafkaPasswordKeyVaultResourceGroupName string = resourceGroup().name

@description('Memory of each Flex Consumption instance (azure.instanceMemoryMB).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to (azure.maximumInstanceCount).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Days after which raw/ and deadletter/ objects are deleted (azure.rawRetentionDays); 0 keeps them.')
@minValue(0)
param rawRetentionDays int = 0

@description('Days after which _staging/ leftovers are deleted (azure.stagingRetentionDays).')
@minValue(1)
param stagingRetentionDays int = 14

@description('Where alerts are e-mailed (azure.alertEmail); empty: portal only.')
param alertEmail string = ''

@description('Alert when no object was sealed for this many minutes (azure.noSealedObjectMinutes).')
@allowed([
  5
  10
  15
  30
  45
  60
  120
  180
  240
  300
  360
  1440
])
param noSealedObjectMinutes int = 10

@description('Alert when the topic stayed this many minutes behind for as long, still growing (azure.lagAlertMinutes).')
@allowed([
  5
  10
  15
  30
  45
  60
  120
  180
  240
  300
  360
  1440
])
param lagAlertMinutes int = 15

var isEventHub = source == 'eventhub'
var useKeyVaultPassword = !empty(kafkaPasswordKeyVaultName) && !empty(kafkaPasswordSecretName)

// Names are derived from the resource group and the topic, so redeploying a topic updates it in place.
// A site name takes letters, digits and "-" only; storage account names are global and 3-24 characters.
var suffix = uniqueString(resourceGroup().id, topicName)
var appName = '${take('cap-${toLower(replace(replace(topicName, '.', '-'), '_', '-'))}', 18)}-${suffix}'
var hostStorageAccountName = 'sthost${suffix}'
var lakeStorageAccountName = 'stlake${suffix}'
var deploymentContainerName = 'app-package'
// The compaction timer's output and the compact-group trigger (functions/azure/compactTimer.ts).
var compactionQueueName = 'capture-compaction'
var appInsightsName = 'appi-${appName}'

var storageBlobDataOwnerRole = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageBlobDataContributorRole = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageTableDataContributorRole = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageQueueDataContributorRole = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var monitoringMetricsPublisherRole = '3913510d-42f4-4e42-8a64-420c390055eb'

module storage 'modules/storage.bicep' = {
  name: 'capture-storage-${suffix}'
  params: {
    location: location
    hostAccountName: hostStorageAccountName
    deploymentContainerName: deploymentContainerName
    lakeAccountName: lakeStorageAccountName
    lakeContainerName: lakeContainerName
    ledgerTableName: ledgerTableName
    compactionQueueName: compactionQueueName
    rawRetentionDays: rawRetentionDays
    stagingRetentionDays: stagingRetentionDays
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'capture-monitoring-${suffix}'
  params: {
    location: location
    topicName: topicName
    namePrefix: appName
    workspaceName: 'log-${appName}'
    appInsightsName: appInsightsName
    actionGroupName: 'ag-${appName}'
    alertEmail: alertEmail
    noSealedObjectMinutes: noSealedObjectMinutes
    lagAlertMinutes: lagAlertMinutes
  }
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2026-04-01' existing = {
  name: hostStorageAccountName
}

resource lakeStorage 'Microsoft.Storage/storageAccounts@2026-04-01' existing = {
  name: lakeStorageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2026-07-15' = {
  name: 'plan-${appName}'
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

// What every app reads, whatever its source. CAPTURE_CONFIG is left out: its default is the
// capture.config.yaml published with the app.
var commonSettings = [
  {
    name: 'AzureWebJobsStorage__accountName'
    value: hostStorageAccountName
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.properties.ConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'Authorization=AAD'
  }
  {
    name: 'CAPTURE_TOPIC'
    value: topicName
  }
  {
    name: '${storageConnectionName}__blobServiceUri'
    value: lakeStorage.properties.primaryEndpoints.blob
  }
  {
    name: '${storageConnectionName}__tableServiceUri'
    value: lakeStorage.properties.primaryEndpoints.table
  }
  {
    name: '${storageConnectionName}__queueServiceUri'
    value: lakeStorage.properties.primaryEndpoints.queue
  }
]

var eventHubSettings = [
  {
    name: '${eventHubConnectionName}__fullyQualifiedNamespace'
    value: '${eventHubNamespaceName}.servicebus.windows.net'
  }
]

// The password setting refers to Key Vault when the config names a secret; otherwise it holds the
// secure parameter given at deployment, or is left out for brokers without SASL.
var keyVaultPasswordSettings = [
  {
    name: kafkaPasswordSetting
    value: '@Microsoft.KeyVault(VaultName=${kafkaPasswordKeyVaultName};SecretName=${kafkaPasswordSecretName})'
  }
]

var plainPasswordSettings = empty(kafkaPassword) ? [] : [
  {
    name: kafkaPasswordSetting
    value: kafkaPassword
  }
]

var brokerSettings = [
  {
    name: kafkaBrokerListSetting
    value: kafkaBrokers
  }
]

var usernameSettings = empty(kafkaUsername) ? [] : [
  {
    name: kafkaUsernameSetting
    value: kafkaUsername
  }
]

var kafkaSettings = concat(brokerSettings, usernameSettings, useKeyVaultPassword ? keyVaultPasswordSettings : plainPasswordSettings)

resource app 'Microsoft.Web/sites@2026-07-15' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(commonSettings, isEventHub ? eventHubSettings : kafkaSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      runtime: {
        name: 'node'
        version: '22'
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
    }
  }
  dependsOn: [
    storage
    monitoring
  ]
}

// The host keeps its leases, keys, checkpoints and the deployment package in its own account, and
// creates containers there: Blob Data Owner, as the Functions host requires for AzureWebJobsStorage.
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, app.id, storageBlobDataOwnerRole)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwnerRole)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'Stream capture: Functions host storage and deployment package.'
  }
}

// The account, not the container: the store creates its container on first use (Create Container),
// which an assignment scoped to the container itself may not authorize.
resource lakeBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(lakeStorage.id, app.id, storageBlobDataContributorRole)
  scope: lakeStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRole)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'Stream capture: stage, seal and clean lake objects.'
  }
}

resource ledgerTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(lakeStorage.id, app.id, storageTableDataContributorRole)
  scope: lakeStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRole)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'Stream capture: the ledger table.'
  }
}

// The compaction timer's queue output binding sends, the compact-group trigger reads and deletes, and
// the host moves a message that failed five times to <queue>-poison: the Functions docs give Storage
// Queue Data Contributor for an output binding, and it holds what the trigger needs (Reader and
// Message Processor) and the poison queue's writes. The account, as for the other lake roles.
resource compactionQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(lakeStorage.id, app.id, storageQueueDataContributorRole)
  scope: lakeStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributorRole)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'Stream capture: the compaction queue of partition groups.'
  }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, app.id, monitoringMetricsPublisherRole)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRole)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'Stream capture: telemetry with Entra ID, local authentication being off.'
  }
}

module eventHubAccess 'modules/eventHubAccess.bicep' = if (isEventHub) {
  name: 'capture-eventhub-${suffix}'
  scope: resourceGroup(eventHubResourceGroupName)
  params: {
    namespaceName: eventHubNamespaceName
    eventHubName: empty(eventHubName) ? topicName : eventHubName
    consumerGroup: consumerGroup
    principalId: app.identity.principalId
    appId: app.id
  }
}

module kafkaPasswordAccess 'modules/keyVaultSecretAccess.bicep' = if (!isEventHub && useKeyVaultPassword) {
  name: 'capture-kafka-secret-${suffix}'
  scope: resourceGroup(kafkaPasswordKeyVaultResourceGroupName)
  params: {
    keyVaultName: kafkaPasswordKeyVaultName
    secretName: kafkaPasswordSecretName
    principalId: app.identity.principalId
    appId: app.id
  }
}

module schemaRegistryAccess 'modules/schemaRegistryAccess.bicep' = if (!empty(schemaRegistryNamespaceName)) {
  name: 'capture-schemas-${suffix}'
  scope: resourceGroup(schemaRegistryResourceGroupName)
  params: {
    namespaceName: schemaRegistryNamespaceName
    principalId: app.identity.principalId
    appId: app.id
  }
}

output functionAppName string = app.name
output functionAppId string = app.id
output principalId string = app.identity.principalId
output hostStorageAccountName string = hostStorageAccountName
output lakeStorageAccountName string = lakeStorageAccountName
output lakeContainerName string = lakeContainerName
output appInsightsName string = appInsightsName
output workbookName string = monitoring.outputs.workbookName
