import { describe, expect, it } from 'vitest';
import {
  findIdentityConnectionsWithoutRole,
  findLeakyOutputs,
  findModuleParamProblems,
  findParameterFileProblems,
  findRoleAssignmentProblems,
  findSecretAppSettings,
  findStaleApiVersions,
  findUnusedParams,
  hasSystemAssignedIdentity,
} from './bicepChecks.js';
import { parseBicep } from './bicepScanner.js';

describe('Scanner: a bad template fails each check', () => {
  it('finds a param nothing uses, but not one used in an interpolation or a ternary', () => {
    // Prepare
    const file = parseBicep(
      `param unused string\nparam inString string\nparam inTernary string\nparam asKey string = 'x'\nvar a = '\${inString}'\nvar b = true ? inTernary : ''\nvar c = {\n  asKey: 'value'\n}\n`,
    );

    // Act
    const problems = findUnusedParams(file);

    // Assess
    expect(problems).toEqual([
      'inline.bicep: param unused is never used',
      'inline.bicep: param asKey is never used',
    ]);
  });

  it('finds an API version older than a year and a preview', () => {
    // Prepare
    const file = parseBicep(
      "resource old 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'x'\n}\nresource preview 'Microsoft.Web/sites@2026-03-01-preview' = {\n  name: 'y'\n}\nresource pinned 'Microsoft.Insights/components@2020-02-02' existing = {\n  name: 'z'\n}\n",
    );

    // Act
    const problems = findStaleApiVersions(file, '2025-11-21', {
      'Microsoft.Insights/components': '2020-02-02',
    });

    // Assess
    expect(problems).toEqual([
      'inline.bicep:1: Microsoft.Storage/storageAccounts@2023-01-01 is older than 2025-11-21',
      'inline.bicep:4: Microsoft.Web/sites@2026-03-01-preview is a preview',
    ]);
  });

  it('finds a role assignment on the resource group, to any principal type, without a role', () => {
    // Prepare
    const file = parseBicep(`var reader = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
resource wide 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', reader)
    principalId: 'p'
  }
}
resource group 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('g')
  scope: resourceGroup()
  properties: {
    principalId: 'p'
    principalType: 'ServicePrincipal'
  }
}
`);

    // Act
    const problems = findRoleAssignmentProblems(file);

    // Assess
    expect(problems).toEqual([
      'inline.bicep: wide is scoped to "the deployment", not to a resource',
      'inline.bicep: wide has principalType (none)',
      'inline.bicep: group is scoped to "resourceGroup()", not to a resource',
      'inline.bicep: group names no role definition GUID',
    ]);
  });

  it.each([
    ['a key', 'output accountKey string = account.listKeys().keys[0].value\n'],
    ['a connection string', 'output insights string = appInsights.properties.ConnectionString\n'],
    ['a secure param', `@secure()\nparam password string\noutput echoed string = '\${password}'\n`],
  ])('finds an output carrying %s', (_case, source) => {
    // Act
    const problems = findLeakyOutputs(parseBicep(source));

    // Assess
    expect(problems).toHaveLength(1);
  });

  it('finds an app setting built from an account key through a variable', () => {
    // Prepare
    const file = parseBicep(`var storageSetting = {
  name: 'AzureWebJobsStorage'
  value: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=\${account.listKeys().keys[0].value}'
}
resource app 'Microsoft.Web/sites@2026-07-15' = {
  name: 'app'
  properties: {
    siteConfig: {
      appSettings: [
        storageSetting
      ]
    }
  }
}
`);

    // Act
    const problems = findSecretAppSettings(file);

    // Assess
    const [site] = file.resources;
    expect(problems).toEqual(['inline.bicep: an app setting is built from an account key']);
    expect(site && hasSystemAssignedIdentity(site)).toBe(false);
  });

  it('finds a connection by identity to a storage service no role assignment grants', () => {
    // Prepare
    const file = parseBicep(`var tableRole = 'table-role'
var settings = [
  {
    name: 'Lake__tableServiceUri'
    value: 'https://lake.table.core.windows.net'
  }
  {
    name: 'Lake__queueServiceUri'
    value: 'https://lake.queue.core.windows.net'
  }
]
resource app 'Microsoft.Web/sites@2026-07-15' = {
  name: 'app'
  properties: {
    siteConfig: {
      appSettings: settings
    }
  }
}
resource lake 'Microsoft.Storage/storageAccounts@2026-04-01' existing = {
  name: 'lake'
}
resource tables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('t')
  scope: lake
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
    principalType: 'ServicePrincipal'
  }
}
`);

    // Act
    const problems = findIdentityConnectionsWithoutRole(file, {
      table: ['0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'],
      queue: ['974c5e8b-45b9-4653-ba55-5f855dd0fb88'],
    });

    // Assess
    expect(problems).toEqual([
      "inline.bicep: app setting 'Lake__queueServiceUri' connects to queue storage by identity, but no queue data role is assigned",
    ]);
  });

  it('finds a module given an unknown param and missing a required one', () => {
    // Prepare
    const module = parseBicep(
      `param required string\nparam optional string = ''\noutput r string = '\${required}\${optional}'\n`,
      'm.bicep',
    );
    const main = parseBicep("module m 'm.bicep' = {\n  name: 'm'\n  params: {\n    typo: 'x'\n  }\n}\n");

    // Act
    const problems = findModuleParamProblems(main, () => module);

    // Assess
    expect(problems).toEqual(['m.bicep: no param typo', 'm.bicep: required param required not given by m']);
  });

  it('finds what a deployment would refuse in a parameter file', () => {
    // Prepare
    const file = parseBicep(
      'param name string\n@allowed([\n  512\n  2048\n])\nparam memory int = 2048\n@minValue(1)\nparam count int = 1\nparam flag bool = false\n',
    );
    const document = {
      parameters: {
        memory: { value: 1000 },
        count: { value: 0 },
        flag: { value: 'yes' },
        typo: { value: 1 },
      },
    };

    // Act
    const problems = findParameterFileProblems(file, document);

    // Assess
    expect(problems).toEqual([
      'memory: 1000 is not one of [\n  512\n  2048\n]',
      'count: 0 breaks @minValue(1)',
      'flag: "yes" is not of type bool',
      'typo: not a param of inline.bicep',
      'name: required, not given',
    ]);
  });
});
