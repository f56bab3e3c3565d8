import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMPACTION_QUEUE } from '../../../../functions/azure/compactTimer.js';
import { azureSettingsSchema } from '../../../../shared/config/azureSchema.js';
import {
  appSettingNames,
  findIdentityConnectionsWithoutRole,
  findLeakyOutputs,
  findModuleParamProblems,
  findParameterFileProblems,
  findRoleAssignmentProblems,
  findSecretAppSettings,
  findStaleApiVersions,
  findUnusedParams,
  hasSystemAssignedIdentity,
  roleAssignments,
} from './bicepChecks.js';
import { type BicepFile, parseBicep, readBicepFile } from './bicepScanner.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const AZURE_INFRA = join(ROOT, 'infra', 'azure');

/** One year before the day these versions were chosen (2026-11-21). */
const API_VERSION_CUTOFF = '2025-11-21';

/**
 * Types whose newest stable API version is older than the cutoff, so that version is the current one
 * (azure-rest-api-specs, default tags of the provider readmes, checked 2026-11-21):
 * components and workbooks: specification/applicationinsights/.../ApplicationInsights/readme.md
 * (package-2024-08-01: stable/2020-02-02/components_API.json, stable/2023-06-01/workbooks_API.json);
 * actionGroups: specification/monitor/.../Insights/readme.md (newer ones are previews only);
 * roleAssignments: specification/authorization/.../Authorization/readme.md (package-2025-12-01-preview
 * still takes stable/2022-04-01/authorization-RoleAssignmentsCalls.json).
 */
const NEWEST_STABLE: Readonly<Record<string, string>> = {
  'Microsoft.Insights/components': '2020-02-02',
  'Microsoft.Insights/workbooks': '2023-06-01',
  'Microsoft.Insights/actionGroups': '2023-01-01',
  'Microsoft.Authorization/roleAssignments': '2022-04-01',
};

/** Built-in role ids (learn.microsoft.com, "Azure built-in roles") and the resource each is scoped to. */
const REQUIRED_ROLES = [
  ['Storage Blob Data Owner', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', 'Microsoft.Storage/storageAccounts'],
  [
    'Storage Blob Data Contributor',
    'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    'Microsoft.Storage/storageAccounts',
  ],
  [
    'Storage Table Data Contributor',
    '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    'Microsoft.Storage/storageAccounts',
  ],
  [
    'Azure Event Hubs Data Receiver',
    'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
    'Microsoft.EventHub/namespaces/eventhubs',
  ],
  [
    'Storage Queue Data Contributor',
    '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    'Microsoft.Storage/storageAccounts',
  ],
  ['Monitoring Metrics Publisher', '3913510d-42f4-4e42-8a64-420c390055eb', 'Microsoft.Insights/components'],
  ['Key Vault Secrets User', '4633458b-17de-408a-b874-0445c86b69e6', 'Microsoft.KeyVault/vaults/secrets'],
  // Only for a topic whose registry is an Azure Schema Registry; on the namespace holding it.
  ['Schema Registry Reader', '2c56ea50-c6b3-40a6-83c0-9d98858bc7d2', 'Microsoft.EventHub/namespaces'],
] as const;

/**
 * Data roles that let an identity-based connection use each storage service: the blob and table
 * contributors the store's SDK clients need, and for queues what the Functions docs list for a queue
 * output binding (which also holds what the trigger needs).
 */
const DATA_ROLES_BY_SERVICE = {
  blob: ['ba92f5b4-2d11-453d-a403-e96b0029c9fe', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'],
  table: ['0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'],
  queue: ['974c5e8b-45b9-4653-ba55-5f855dd0fb88'],
};

const bicepFile = (relativePath: string) => readBicepFile(AZURE_INFRA, relativePath);

async function templates(): Promise<BicepFile[]> {
  const modules = (await readdir(join(AZURE_INFRA, 'modules'))).filter((name) => name.endsWith('.bicep'));
  return Promise.all(['main.bicep', ...modules.map((name) => `modules/${name}`)].map(bicepFile));
}

describe('Template: infra/azure/main.bicep and its modules', () => {
  it('uses every param it declares', async () => {
    // Act
    const problems = (await templates()).flatMap(findUnusedParams);

    // Assess
    expect(problems).toEqual([]);
  });

  it('uses API versions of the last year, or the newest stable one of a type that has none newer', async () => {
    // Act
    const problems = (await templates()).flatMap((file) =>
      findStaleApiVersions(file, API_VERSION_CUTOFF, NEWEST_STABLE),
    );

    // Assess
    expect(problems).toEqual([]);
  });

  it('runs the app on Flex Consumption, Linux, Node 22, sized by its params, with a system-assigned identity', async () => {
    // Prepare
    const main = await bicepFile('main.bicep');

    // Act
    const plan = main.resources.find((resource) => resource.type === 'Microsoft.Web/serverfarms');
    const site = main.resources.find((resource) => resource.type === 'Microsoft.Web/sites');

    // Assess
    expect(plan?.body.text).toMatch(/tier:\s*'FlexConsumption'\s*name:\s*'FC1'/);
    expect(plan?.body.text).toMatch(/reserved:\s*true/);
    expect(site && hasSystemAssignedIdentity(site)).toBe(true);
    expect(site?.body.text).toMatch(/kind:\s*'functionapp,linux'/);
    expect(site?.body.text).toMatch(/runtime:\s*\{\s*name:\s*'node'\s*version:\s*'22'\s*\}/);
    expect(site?.body.text).toMatch(
      /instanceMemoryMB:\s*instanceMemoryMB\s*maximumInstanceCount:\s*maximumInstanceCount/,
    );
    expect(site?.body.text).toMatch(/authentication:\s*\{\s*type:\s*'SystemAssignedIdentity'\s*\}/);
  });

  it('grants each role the app needs to its service principal, on the resource that needs it', async () => {
    // Prepare
    const files = await templates();

    // Act
    const assignments = files.flatMap(roleAssignments);
    const problems = files.flatMap(findRoleAssignmentProblems);

    // Assess
    expect(problems).toEqual([]);
    for (const [role, id, scopeType] of REQUIRED_ROLES) {
      expect(
        assignments
          .filter((assignment) => assignment.roleId === id)
          .map((assignment) => assignment.scopeType),
        role,
      ).toEqual([scopeType]);
    }
    expect(assignments).toHaveLength(REQUIRED_ROLES.length);
  });

  it('outputs names and ids only', async () => {
    // Act
    const problems = (await templates()).flatMap(findLeakyOutputs);

    // Assess
    expect(problems).toEqual([]);
  });

  it('builds no app setting from a key and sets what the functions read, connections by identity', async () => {
    // Prepare
    const main = await bicepFile('main.bicep');

    // Act
    const names = appSettingNames(main);

    // Assess
    expect(findSecretAppSettings(main)).toEqual([]);
    expect(findIdentityConnectionsWithoutRole(main, DATA_ROLES_BY_SERVICE)).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining([
        "'CAPTURE_TOPIC'",
        "'AzureWebJobsStorage__accountName'",
        "'APPLICATIONINSIGHTS_CONNECTION_STRING'",
        "'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'",
        `'\${storageConnectionName}__blobServiceUri'`,
        `'\${storageConnectionName}__tableServiceUri'`,
        `'\${storageConnectionName}__queueServiceUri'`,
        `'\${eventHubConnectionName}__fullyQualifiedNamespace'`,
        'kafkaBrokerListSetting',
        'kafkaUsernameSetting',
        'kafkaPasswordSetting',
      ]),
    );
    // Flex Consumption sets the runtime in functionAppConfig and refuses these as app settings.
    expect(names).not.toContain("'FUNCTIONS_WORKER_RUNTIME'");
    expect(names).not.toContain("'FUNCTIONS_EXTENSION_VERSION'");
  });

  it('takes the Kafka password as a secure parameter or a Key Vault reference', async () => {
    // Prepare
    const main = await bicepFile('main.bicep');

    // Act
    const password = main.params.find((param) => param.name === 'kafkaPassword');

    // Assess
    expect(password?.decorators).toContain('@secure()');
    expect(main.statements.find((s) => s.name === 'keyVaultPasswordSettings')?.text).toContain(
      `'@Microsoft.KeyVault(VaultName=\${kafkaPasswordKeyVaultName};SecretName=\${kafkaPasswordSecretName})'`,
    );
  });

  it('gives every module exactly the params it declares and requires', async () => {
    // Prepare
    const main = await bicepFile('main.bicep');
    const modules = new Map((await templates()).map((file) => [file.path, file]));

    // Act
    const problems = findModuleParamProblems(main, (path) => modules.get(path) ?? parseBicep('', path));

    // Assess
    expect(problems).toEqual([]);
  });

  it('creates the compaction queue the functions use, and its poison queue, in the lake account, reached by identity', async () => {
    // Prepare
    const main = await bicepFile('main.bicep');
    const storage = await bicepFile('modules/storage.bicep');
    const variable = (name: string) =>
      main.statements.find((s) => s.keyword === 'var' && s.name === name)?.text ?? '';

    // Act
    const queues = storage.resources.filter(
      (resource) => resource.type === 'Microsoft.Storage/storageAccounts/queueServices/queues',
    );
    const queueService = storage.resources.find(
      (resource) => resource.type === 'Microsoft.Storage/storageAccounts/queueServices',
    );

    // Assess
    expect(variable('compactionQueueName')).toBe(`var compactionQueueName = '${COMPACTION_QUEUE}'`);
    expect(main.statements.find((s) => s.keyword === 'module' && s.name === 'storage')?.text).toContain(
      'compactionQueueName: compactionQueueName',
    );
    expect(queueService?.body.text).toMatch(/parent:\s*lakeAccount/);
    expect(queues.map((queue) => /name:\s*(.+)/.exec(queue.body.text)?.[1]?.trim())).toEqual([
      'compactionQueueName',
      `'\${compactionQueueName}-poison'`,
    ]);
    expect(variable('commonSettings')).toContain('value: lakeStorage.properties.primaryEndpoints.queue');
  });

  it('expires staging leftovers always, raw and dead-letter objects only when a retention is set', async () => {
    // Prepare
    const storage = await bicepFile('modules/storage.bicep');

    // Act
    const policy = storage.resources.find(
      (resource) => resource.type === 'Microsoft.Storage/storageAccounts/managementPolicies',
    );
    const rule = (name: string) =>
      storage.statements.find((s) => s.keyword === 'var' && s.name === name)?.text;

    // Assess
    expect(policy?.body.text).toContain('concat([stagingRule], rawRetentionDays > 0 ? [rawRule] : [])');
    expect(rule('stagingRule')).toContain(`'\${lakeContainerName}/_staging/'`);
    expect(rule('rawRule')).toContain(`'\${lakeContainerName}/raw/'`);
    expect(rule('rawRule')).toContain(`'\${lakeContainerName}/deadletter/'`);
    expect(storage.resources.filter((r) => r.type === 'Microsoft.Storage/storageAccounts')).toHaveLength(2);
    const accounts = storage.statements.find(
      (s) => s.keyword === 'var' && s.name === 'accountProperties',
    )?.text;
    expect(accounts).toContain("minimumTlsVersion: 'TLS1_2'");
    expect(accounts).toContain('allowBlobPublicAccess: false');
    expect(accounts).toContain('allowSharedKeyAccess: false');
  });

  it('charts every figure per partition from the log line, and alerts on the lag of any one partition', async () => {
    // Prepare
    const monitoring = await bicepFile('modules/monitoring.bicep');
    const variable = (name: string) =>
      monitoring.statements.find((s) => s.keyword === 'var' && s.name === name)?.text ?? '';

    // Act
    const partitionRows = variable('partitionRows');
    const charts = variable('charts');
    const growingLag = variable('alertRules').slice(variable('alertRules').indexOf("name: 'growing-lag'"));

    // Assess
    expect(partitionRows).toContain('mv-expand p = r.byPartition');
    expect(partitionRows).toContain('extend partition = tostring(p.partition)');
    for (const figure of ['records', 'bytesOut', 'objectsSealed', 'deadLetters', 'lagMs']) {
      expect(charts).toMatch(
        new RegExp(`'\\$\\{partitionRows\\}[^']*p\\.${figure}[^']*by partition, bin\\(timestamp, 5m\\)'`),
      );
    }
    expect(charts).toContain(`visualization: 'table'\n    query: '\${partitionRows}`);
    expect(growingLag).toContain(`\${partitionRows}`);
    expect(growingLag).toContain('make-series lagMs = max(todouble(p.lagMs))');
    expect(growingLag).toContain('on timestamp step 1m by partition');
  });

  it('alerts on a position restart and on every hold that needs an operator, from their own trace events', async () => {
    // Prepare
    const monitoring = await bicepFile('modules/monitoring.bicep');
    const variable = (name: string) =>
      monitoring.statements.find((s) => s.keyword === 'var' && s.name === name)?.text ?? '';
    const rules = variable('alertRules');
    const ruleNamed = (name: string) => rules.slice(rules.indexOf(`name: '${name}'`)).split('\n  }')[0] ?? '';

    // Assess
    expect(variable('operatorEvents')).toContain(`where tostring(r.topic) == "\${topicName}"`);
    expect(ruleNamed('positions-restarted')).toContain('"capture.positions-restarted"');
    const hold = ruleNamed('operator-hold');
    for (const event of [
      'capture.ledger-missing',
      'capture.ledger-unreadable',
      'capture.positions-ambiguous',
      'capture.topic-mismatch',
    ])
      expect(hold).toContain(`"${event}"`);
    expect(hold).toContain('severity: 1');
  });

  it('alerts when a partition group’s compaction falls hours behind, from the compaction lines', async () => {
    // Prepare
    const monitoring = await bicepFile('modules/monitoring.bicep');
    const variable = (name: string) =>
      monitoring.statements.find((s) => s.keyword === 'var' && s.name === name)?.text ?? '';

    // Act
    const rules = variable('alertRules');
    const backlog = rules.slice(rules.indexOf("name: 'compaction-backlog'"));

    // Assess
    expect(variable('compactions')).toContain('tostring(r.event) == "capture.compaction"');
    expect(variable('compactionBacklogAlertHours')).toContain('3');
    expect(backlog).toContain(`\${compactions}`);
    expect(backlog).toContain(`where toint(r.hoursBehind) >= \${compactionBacklogAlertHours}`);
    expect(backlog).toContain('rawObjectsPending');
    expect(variable('charts')).toContain('hoursBehind = max(toint(r.hoursBehind)) by partitions');
  });

  it.each(['instanceMemoryMB', 'noSealedObjectMinutes', 'lagAlertMinutes'] as const)(
    'accepts for %s exactly the values the config schema accepts',
    async (field) => {
      // Prepare
      const main = await bicepFile('main.bicep');
      const param = main.params.find((candidate) => candidate.name === field);
      const candidates = Array.from({ length: 5000 }, (_, index) => index);

      // Act
      const template = candidates.filter((value) =>
        param
          ? findParameterFileProblems({ ...main, params: [param] }, { parameters: { [field]: { value } } })
              .length === 0
          : false,
      );
      const schema = candidates.filter((value) => azureSettingsSchema.safeParse({ [field]: value }).success);

      // Assess
      expect(template).toEqual(schema);
    },
  );
});
