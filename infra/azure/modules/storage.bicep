// The two storage accounts of one topic. The Functions host's account (AzureWebJobsStorage, the
// deployment package) is kept apart from the lake: readers granted the lake never see the host's
// function keys and leases, and the app needs only Contributor rights on the lake.
// Both accounts accept Entra ID only: the host and the deployment use the app's identity on Flex.

@description('Azure region of both accounts.')
param location string

@description('The Functions host account (AzureWebJobsStorage and the deployment container).')
param hostAccountName string

@description('Blob container the Flex Consumption platform deploys the app package from.')
param deploymentContainerName string

@description('The lake account (raw, dead-letter and staged objects, the ledger table, the compaction queue).')
param lakeAccountName string

@description('The lake container (topic storage.container).')
param lakeContainerName string

@description('The ledger table (topic storage.ledgerTable).')
param ledgerTableName string

@description('The queue of partition groups the hourly compaction fans out over.')
param compactionQueueName string

@description('Days after which raw/ and deadletter/ objects are deleted; 0 keeps them.')
@minValue(0)
param rawRetentionDays int

@description('Days after which _staging/ leftovers are deleted.')
@minValue(1)
param stagingRetentionDays int

var accountProperties = {
  minimumTlsVersion: 'TLS1_2'
  supportsHttpsTrafficOnly: true
  allowBlobPublicAccess: false
  allowSharedKeyAccess: false
  defaultToOAuthAuthentication: true
  allowCrossTenantReplication: false
  publicNetworkAccess: 'Enabled'
}

resource hostAccount 'Microsoft.Storage/storageAccounts@2026-04-01' = {
  name: hostAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: accountProperties
}

resource hostBlobs 'Microsoft.Storage/storageAccounts/blobServices@2026-04-01' = {
  parent: hostAccount
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-04-01' = {
  parent: hostBlobs
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource lakeAccount 'Microsoft.Storage/storageAccounts@2026-04-01' = {
  name: lakeAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: accountProperties
}

resource lakeBlobs 'Microsoft.Storage/storageAccounts/blobServices@2026-04-01' = {
  parent: lakeAccount
  name: 'default'
}

resource lakeContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-04-01' = {
  parent: lakeBlobs
  name: lakeContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource lakeTables 'Microsoft.Storage/storageAccounts/tableServices@2026-04-01' = {
  parent: lakeAccount
  name: 'default'
}

resource ledgerTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-04-01' = {
  parent: lakeTables
  name: ledgerTableName
}

resource lakeQueues 'Microsoft.Storage/storageAccounts/queueServices@2026-04-01' = {
  parent: lakeAccount
  name: 'default'
}

// The compaction timer enqueues one message per partition group; compact-group takes each.
resource compactionQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-04-01' = {
  parent: lakeQueues
  name: compactionQueueName
}

// Where the Functions host moves a group that failed five times (a message for another topic, or a
// grouping that changed): created here, not on first use, so it is there to watch from the start.
resource compactionPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-04-01' = {
  parent: lakeQueues
  name: '${compactionQueueName}-poison'
}

// A staged segment outlives its seal only when a crash interrupted the clean-up; nothing reads it.
var stagingRule = {
  name: 'expire-staging-leftovers'
  enabled: true
  type: 'Lifecycle'
  definition: {
    filters: {
      blobTypes: [
        'blockBlob'
      ]
      prefixMatch: [
        '${lakeContainerName}/_staging/'
      ]
    }
    actions: {
      baseBlob: {
        delete: {
          daysAfterModificationGreaterThan: stagingRetentionDays
        }
      }
    }
  }
}

// Compacted Parquet lives under its own prefix and is never matched here.
var rawRule = {
  name: 'expire-raw-and-deadletter'
  enabled: true
  type: 'Lifecycle'
  definition: {
    filters: {
      blobTypes: [
        'blockBlob'
      ]
      prefixMatch: [
        '${lakeContainerName}/raw/'
        '${lakeContainerName}/deadletter/'
      ]
    }
    actions: {
      baseBlob: {
        delete: {
          daysAfterModificationGreaterThan: rawRetentionDays
        }
      }
    }
  }
}

resource lakeLifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2026-04-01' = {
  parent: lakeAccount
  name: 'default'
  properties: {
    policy: {
      rules: concat([stagingRule], rawRetentionDays > 0 ? [rawRule] : [])
    }
  }
}
