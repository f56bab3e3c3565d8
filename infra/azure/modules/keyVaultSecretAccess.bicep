// Lets the capture app read one Key Vault secret (the Kafka SASL password its app setting refers to)
// and no other. The vault must use Azure RBAC; deployed to the vault's resource group.

@description('Name of the existing Key Vault.')
param keyVaultName string

@description('Name of the secret the app setting refers to.')
param secretName string

@description('Object id of the Function App\'s system-assigned identity.')
param principalId string

@description('Resource id of the Function App, which keeps the role assignment\'s name stable across deployments.')
param appId string

var keyVaultSecretsUserRole = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: keyVaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2026-02-01' existing = {
  parent: vault
  name: secretName
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(secret.id, appId, keyVaultSecretsUserRole)
  scope: secret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRole)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Stream capture: the Kafka password app setting resolves this secret only.'
  }
}
