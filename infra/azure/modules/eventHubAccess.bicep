// What the capture app needs on an existing event hub, and nothing more: its own consumer group and
// receive rights on that one hub (not the namespace). Deployed to the namespace's resource group.

@description('Name of the existing Event Hubs namespace.')
param namespaceName string

@description('Name of the existing event hub (topic eventHub.name, else the topic\'s name).')
param eventHubName string

@description('Consumer group the app reads with; $Default exists already and is not created.')
param consumerGroup string

@description('Object id of the Function App\'s system-assigned identity.')
param principalId string

@description('Resource id of the Function App, which keeps the role assignment\'s name stable across deployments.')
param appId string

var eventHubsDataReceiverRole = 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' existing = {
  name: namespaceName
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2026-01-01' existing = {
  parent: namespace
  name: eventHubName
}

resource captureConsumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2026-01-01' = if (consumerGroup != '$Default') {
  parent: eventHub
  name: consumerGroup
  properties: {
    userMetadata: 'stream capture into the lake'
  }
}

resource receiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(eventHub.id, appId, eventHubsDataReceiverRole)
  scope: eventHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataReceiverRole)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Stream capture: the Event Hubs trigger receives from this hub only.'
  }
}
