// What the capture app needs of an Azure Schema Registry, and nothing more: to read the schemas of
// the namespace that holds it (Schema Registry Reader: read and list schema groups and schemas).
// Deployed to the namespace's resource group.

@description('Name of the existing Event Hubs namespace holding the schema registry.')
param namespaceName string

@description('Object id of the Function App\'s system-assigned identity.')
param principalId string

@description('Resource id of the Function App, which keeps the role assignment\'s name stable across deployments.')
param appId string

var schemaRegistryReaderRole = '2c56ea50-c6b3-40a6-83c0-9d98858bc7d2'

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' existing = {
  name: namespaceName
}

resource schemaReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, appId, schemaRegistryReaderRole)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', schemaRegistryReaderRole)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Stream capture: reads the writer schemas of registry-framed events.'
  }
}
