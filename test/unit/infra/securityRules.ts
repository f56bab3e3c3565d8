/**
 * The rules of the minimal IAM and RBAC review (issue 8), each returning the problems it sees so a
 * test can show it failing on a mutated template as well as passing on the real ones. AWS rules read
 * the synthesized CloudFormation JSON of a stack; Azure rules read the Bicep through bicepScanner.
 */
import { roleAssignments } from './azure/bicepChecks.js';
import { type BicepFile, objectProperties, type Source } from './azure/bicepScanner.js';

// ---------------------------------------------------------------------------------------------
// AWS: every policy statement of a synthesized stack
// ---------------------------------------------------------------------------------------------

export interface CloudFormationTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export interface PolicyStatement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: unknown;
}

/** A statement and where it sits: `<logical id>.<property path>[<index>]`. */
export interface LocatedStatement {
  readonly where: string;
  /** The property holding the policy document: `PolicyDocument`, `AssumeRolePolicyDocument`, … */
  readonly property: string;
  readonly statement: PolicyStatement;
}

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export const actionsOf = (statement: PolicyStatement): string[] => asList(statement.Action);

/**
 * Every policy statement of every resource, wherever a policy document sits (IAM policies, role trust
 * and inline policies, bucket, topic and key policies): any object of the properties with a
 * `Statement` list, so a resource type added later is reviewed too.
 */
export function policyStatements(template: CloudFormationTemplate): LocatedStatement[] {
  const found: LocatedStatement[] = [];
  const visit = (value: unknown, resourceId: string, path: string[]) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, resourceId, [...path, String(index)]);
      });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const { Statement } = value as { Statement?: unknown };
    if (Array.isArray(Statement)) {
      Statement.forEach((statement: PolicyStatement, index) => {
        found.push({
          where: `${resourceId}.${path.join('.')}[${index}]`,
          property: path.filter((key) => !/^\d+$/.test(key)).pop() ?? '',
          statement,
        });
      });
      return;
    }
    for (const [key, child] of Object.entries(value)) visit(child, resourceId, [...path, key]);
  };
  for (const [id, resource] of Object.entries(template.Resources)) visit(resource.Properties, id, []);
  return found;
}

/**
 * A resource value as text: CloudFormation intrinsics are rendered the way the tests read them,
 * `{ 'Fn::GetAtt': [id, 'Arn'] }` as `id.Arn`, `Fn::Join` by joining, `{ Ref: id }` as `id`.
 */
function renderResource(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if (Array.isArray(object['Fn::GetAtt'])) return (object['Fn::GetAtt'] as string[]).join('.');
  if (typeof object.Ref === 'string') return object.Ref;
  const join = object['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(renderResource).join(join[0]);
  return JSON.stringify(value);
}

const resourcesOf = (statement: PolicyStatement) => asList(statement.Resource).map(renderResource);
const allows = (located: LocatedStatement) => located.statement.Effect === 'Allow';

/** Allow statements with a wildcard in an action (`*`, `s3:*`, `s3:Get*`) or a `NotAction`. */
export function findWildcardActions(statements: readonly LocatedStatement[]): string[] {
  return statements.filter(allows).flatMap(({ where, statement }) => [
    ...(statement.NotAction === undefined ? [] : [`${where}: allows NotAction, every action but some`]),
    ...actionsOf(statement)
      .filter((action) => action.includes('*'))
      .map((action) => `${where}: allows the wildcard action ${action}`),
  ]);
}

/**
 * Allow statements on every resource (`"*"` or `NotResource`) for an action that is not in
 * `unscopable`: the actions AWS authorizes on `"*"` only, each with the reason.
 */
export function findUnscopedResources(
  statements: readonly LocatedStatement[],
  unscopable: Readonly<Record<string, string>>,
): string[] {
  return statements.filter(allows).flatMap(({ where, statement }) => {
    if (statement.NotResource !== undefined) return [`${where}: allows NotResource, every resource but some`];
    if (!resourcesOf(statement).includes('*')) return [];
    return actionsOf(statement)
      .filter((action) => !(action in unscopable))
      .map((action) => `${where}: allows ${action} on every resource ("*")`);
  });
}

/** S3 actions that address the bucket itself; every other S3 action addresses objects. */
const BUCKET_ACTIONS = new Set(['s3:ListBucket', 's3:ListBucketMultipartUploads', 's3:GetBucketLocation']);

/**
 * Allow statements whose S3 actions reach beyond the stack's bucket and the lake's prefixes: bucket
 * actions on `bucketArn` only, object actions on `<bucketArn>/<prefix>/*` only (never the whole
 * bucket, another bucket or `"*"`) or on a folder below one, and deletes only under the deletable
 * prefixes (`_staging/`, and an Iceberg table's `metadata/`, where `<table>` stands for one folder),
 * since a visible object (raw, dead letter, compacted data, a ledger) is never deleted by the product.
 */
export function findS3ScopeProblems(
  statements: readonly LocatedStatement[],
  lake: { bucketArn: string; prefixes: readonly string[]; deletablePrefixes: readonly string[] },
): string[] {
  const underLakePrefix = (resource: string) =>
    resource.endsWith('/*') &&
    lake.prefixes.some((prefix) => resource.startsWith(`${lake.bucketArn}/${prefix}/`));
  const deletablePatterns = lake.deletablePrefixes.map((prefix) => {
    const pattern = `${lake.bucketArn}/${prefix}/*`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`^${pattern.replace('<table>', '[^/*]+')}$`);
  });
  const deletable = (resource: string) => deletablePatterns.some((pattern) => pattern.test(resource));
  return statements.filter(allows).flatMap(({ where, statement }) =>
    actionsOf(statement)
      .filter((action) => action.startsWith('s3:'))
      .flatMap((action) =>
        resourcesOf(statement).flatMap((resource) => {
          if (BUCKET_ACTIONS.has(action)) {
            return resource === lake.bucketArn
              ? []
              : [`${where}: ${action} on ${resource}, not the lake bucket`];
          }
          if (!underLakePrefix(resource)) {
            return [`${where}: ${action} on ${resource}, not under one of the lake's prefixes`];
          }
          if (action.startsWith('s3:Delete') && !deletable(resource)) {
            return [`${where}: ${action} on ${resource}, where objects are visible and never deleted`];
          }
          return [];
        }),
      ),
  );
}

/** What a function may do with the ledger table: read, conditionally write and list its items. */
const LEDGER_TABLE_ACTIONS = new Set(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);

/**
 * Allow statements with a DynamoDB action other than those of `LEDGER_TABLE_ACTIONS` (no delete, no
 * scan, nothing that changes the table itself), or on anything but the stack's own ledger table.
 */
export function findDynamoScopeProblems(statements: readonly LocatedStatement[], tableArn: string): string[] {
  return statements.filter(allows).flatMap(({ where, statement }) =>
    actionsOf(statement)
      .filter((action) => action.startsWith('dynamodb:'))
      .flatMap((action) => [
        ...(LEDGER_TABLE_ACTIONS.has(action)
          ? []
          : [`${where}: allows ${action}; a function only reads, writes and lists ledger items`]),
        ...resourcesOf(statement)
          .filter((resource) => resource !== tableArn)
          .map((resource) => `${where}: ${action} on ${resource}, not the stack's ledger table`),
      ]),
  );
}

/**
 * Allow statements open to everyone (`"*"`, `{ AWS: "*" }`, `NotPrincipal`), role trust policies
 * that let anything but Lambda assume the role, and Lambda permissions granted to a service without
 * naming the source (any account's rule or bucket could then invoke the function).
 */
export function findOpenPrincipals(
  template: CloudFormationTemplate,
  statements: readonly LocatedStatement[],
): string[] {
  const open = statements.filter(allows).flatMap(({ where, property, statement }) => {
    if (statement.NotPrincipal !== undefined) return [`${where}: allows NotPrincipal`];
    const principals = JSON.stringify(statement.Principal ?? null);
    if (principals.includes('"*"')) return [`${where}: allows any principal`];
    if (property === 'AssumeRolePolicyDocument' && principals !== '{"Service":"lambda.amazonaws.com"}') {
      return [`${where}: lets ${principals} assume the role, not Lambda alone`];
    }
    return [];
  });
  const permissions = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Permission')
    .flatMap(([id, { Properties: properties = {} }]) => {
      if (properties.Principal === '*') return [`${id}: lets anyone invoke the function`];
      return properties.SourceArn === undefined
        ? [`${id}: lets ${String(properties.Principal)} invoke the function without a SourceArn`]
        : [];
    });
  return [...open, ...permissions];
}

/**
 * Allow statements whose Secrets Manager or KMS actions reach a resource the topic's config does not
 * name: secrets only those of the Kafka source, keys only the one that encrypts its secret.
 */
export function findSecretScopeProblems(
  statements: readonly LocatedStatement[],
  configured: { secrets: readonly string[]; keys: readonly string[] },
): string[] {
  const scopes: [string, readonly string[]][] = [
    ['secretsmanager:', configured.secrets],
    ['kms:', configured.keys],
  ];
  return statements.filter(allows).flatMap(({ where, statement }) =>
    scopes.flatMap(([service, allowed]) =>
      actionsOf(statement).some((action) => action.startsWith(service))
        ? resourcesOf(statement)
            .filter((resource) => !allowed.includes(resource))
            .map((resource) => `${where}: ${service}* on ${resource}, which the config does not name`)
        : [],
    ),
  );
}

/**
 * What a function may do with Glue, by what it reaches: read one schema version of a Schema Registry
 * by its id, and read and move (`UpdateTable`) the topic's Iceberg table in the Data Catalog.
 */
const GLUE_ACTIONS: Readonly<Record<string, 'registry' | 'table'>> = {
  'glue:GetSchemaVersion': 'registry',
  'glue:GetTable': 'table',
  'glue:UpdateTable': 'table',
};

/** A Data Catalog ARN of the stack's own account and region, as an environment-agnostic stack renders it. */
const OWN_CATALOG_ARN = /^arn:AWS::Partition:glue:AWS::Region:AWS::AccountId:/;

/**
 * Allow statements with a Glue action other than those of `GLUE_ACTIONS`, or on anything but what
 * that action is for: a schema version on the registry the topic's config names and that registry's
 * schemas (`registry/<name>`, `schema/<name>/*`); a table action on the topic's Iceberg table and the
 * two ARNs Glue checks a table action against besides (`catalog`, `database/<database>`,
 * `table/<database>/<table>`), of the stack's own account and region. Never another registry or
 * table, every schema or table of a database or account, or a table action on a registry (nor the
 * reverse).
 */
export function findGlueScopeProblems(
  statements: readonly LocatedStatement[],
  configured: {
    registries: readonly string[];
    tables: readonly { readonly database: string; readonly table: string }[];
  },
): string[] {
  const allowed = {
    registry: (resource: string) =>
      resource.startsWith('arn:') &&
      resource.includes(':glue:') &&
      configured.registries.some(
        (name) => resource.endsWith(`:registry/${name}`) || resource.endsWith(`:schema/${name}/*`),
      ),
    table: (resource: string) => {
      const [, name] = resource.split(OWN_CATALOG_ARN);
      return (
        name !== undefined &&
        configured.tables.some(
          ({ database, table }) =>
            name === 'catalog' || name === `database/${database}` || name === `table/${database}/${table}`,
        )
      );
    },
  };
  const what = {
    registry: 'the registry the config names or its schemas',
    table: "the topic's Iceberg table, its database or its account's catalog",
  };
  return statements.filter(allows).flatMap(({ where, statement }) =>
    actionsOf(statement)
      .filter((action) => action.startsWith('glue:'))
      .flatMap((action) => {
        const kind = GLUE_ACTIONS[action];
        if (kind === undefined) {
          return [
            `${where}: allows ${action}; a function only reads schema versions, and reads and updates its Iceberg table`,
          ];
        }
        return resourcesOf(statement)
          .filter((resource) => !allowed[kind](resource))
          .map((resource) => `${where}: ${action} on ${resource}, not ${what[kind]}`);
      }),
  );
}

/** Allow statements that invoke a function other than one of the stack's own. */
export function findForeignInvocations(
  template: CloudFormationTemplate,
  statements: readonly LocatedStatement[],
): string[] {
  const own = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .flatMap(([id]) => [`${id}.Arn`, `${id}.Arn:*`]);
  return statements.filter(allows).flatMap(({ where, statement }) =>
    actionsOf(statement).some((action) => action.startsWith('lambda:Invoke'))
      ? resourcesOf(statement)
          .filter((resource) => !own.includes(resource))
          .map((resource) => `${where}: invokes ${resource}, not a function of this stack`)
      : [],
  );
}

/** An AWS managed policy a role may carry: why, and which roles (logical id prefixes) may carry it. */
export interface ManagedPolicyRule {
  readonly reason: string;
  readonly roles: readonly string[] | 'any';
}

/** Roles carrying an AWS managed policy that is not in `allowed`, or on a role it is not meant for. */
export function findManagedPolicyProblems(
  template: CloudFormationTemplate,
  allowed: Readonly<Record<string, ManagedPolicyRule>>,
): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .flatMap(([id, { Properties: properties = {} }]) =>
      asList(properties.ManagedPolicyArns as unknown[]).flatMap((arn) => {
        const name = renderResource(arn).split('/').pop() ?? '';
        const rule = allowed[name];
        if (!rule) return [`${id}: carries the managed policy ${name}, which the review does not allow`];
        if (rule.roles !== 'any' && !rule.roles.some((prefix) => id.startsWith(prefix))) {
          return [`${id}: carries ${name}, meant for ${rule.roles.join(', ')} only`];
        }
        return [];
      }),
    );
}

// ---------------------------------------------------------------------------------------------
// Azure: role assignments and key material in the Bicep templates
// ---------------------------------------------------------------------------------------------

/** Built-in roles that manage resources or access rather than read and write data. */
const PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
};

/** A role the app may hold: its name, why it needs it, and the resources (symbols) it may be scoped to. */
export interface DataPlaneRole {
  readonly name: string;
  readonly why: string;
  readonly scopes: readonly string[];
}

/**
 * Role assignments whose role is not one of `dataPlaneRoles` (a privileged one is named as such), or
 * that put an allowed role on another resource than the one it is for: the strongest storage role
 * on the host's account must not reach the lake's, for one.
 */
export function findRoleProblems(
  file: BicepFile,
  dataPlaneRoles: Readonly<Record<string, DataPlaneRole>>,
): string[] {
  return roleAssignments(file).flatMap(({ symbol, scope, roleId = '(none)' }) => {
    const role = dataPlaneRoles[roleId];
    if (role) {
      return role.scopes.includes(scope)
        ? []
        : [
            `${file.path}: ${symbol} assigns ${role.name} on ${scope || 'the deployment'}, meant for ${role.scopes.join(', ')} only`,
          ];
    }
    const privileged = PRIVILEGED_ROLES[roleId];
    return [
      privileged
        ? `${file.path}: ${symbol} assigns ${privileged}, a management role`
        : `${file.path}: ${symbol} assigns role ${roleId}, which is not a data-plane role of the review`,
    ];
  });
}

/** What a resource's `properties.principalId` says, as written. */
function principalIdOf(body: Source): string | undefined {
  const properties = objectProperties(body).get('properties');
  return properties ? objectProperties(properties).get('principalId')?.text.trim() : undefined;
}

/**
 * Role assignments granted to anything but the Function App's own managed identity: in a template
 * that declares the app, `<app>.identity.principalId`; in a module, its `principalId` param, which
 * every module call of `main` must fill with the app's identity.
 */
export function findForeignPrincipals(main: BicepFile, modules: readonly BicepFile[]): string[] {
  const site = main.resources.find((resource) => resource.type === 'Microsoft.Web/sites');
  const appIdentity = `${site?.symbol ?? '(no Function App)'}.identity.principalId`;
  const grantsTo = (file: BicepFile, expected: string) =>
    file.resources
      .filter((resource) => resource.type === 'Microsoft.Authorization/roleAssignments')
      .flatMap((resource) => {
        const principal = principalIdOf(resource.body);
        return principal === expected
          ? []
          : [`${file.path}: ${resource.symbol} is granted to ${principal ?? '(nobody)'}, not ${expected}`];
      });
  const moduleCalls = main.statements
    .filter((statement) => statement.keyword === 'module')
    .flatMap((statement) => {
      const start = statement.code.indexOf('{');
      const params = objectProperties({
        text: statement.text.slice(start),
        code: statement.code.slice(start),
      }).get('params');
      const principal = params ? objectProperties(params).get('principalId')?.text.trim() : undefined;
      return principal === undefined || principal === appIdentity
        ? []
        : [`${main.path}: module ${statement.name} passes principalId ${principal}, not ${appIdentity}`];
    });
  return [
    ...grantsTo(main, appIdentity),
    ...modules.flatMap((file) => grantsTo(file, 'principalId')),
    ...moduleCalls,
  ];
}

/**
 * Key material anywhere in a template: a `list*()` resource function (listKeys,
 * listConnectionStrings, listAccountSas, …) or a key, SAS or connection string written into a
 * string. What the app needs is reached by its identity instead.
 */
export function findKeyMaterial(file: BicepFile): string[] {
  return file.statements.flatMap((statement) => {
    const where = `${file.path}:${statement.line}: ${statement.keyword} ${statement.name}`;
    const listCalls = [...statement.code.matchAll(/(?<![\w$])(?:\.\s*)?(list[A-Z]\w*)\s*\(/g)].map(
      (match) => `${where} calls ${match[1]}()`,
    );
    const written = [...statement.text.matchAll(/(AccountKey|SharedAccessKey|SharedAccessSignature)=/g)].map(
      (match) => `${where} writes ${match[1]}=`,
    );
    return [...listCalls, ...written];
  });
}

/**
 * App settings named like a connection string, other than Application Insights' (an ingestion
 * address and an instrumentation key, which is an identifier, not a credential), and that one only
 * when the component refuses local authentication, so the key alone cannot send telemetry.
 */
export function findConnectionStringSettings(
  settingNames: readonly string[],
  appInsights: readonly BicepFile[],
): string[] {
  const localAuthOff = appInsights.some((file) =>
    file.resources.some(
      (resource) =>
        resource.type === 'Microsoft.Insights/components' &&
        /\bDisableLocalAuth:\s*true\b/.test(resource.body.text),
    ),
  );
  return settingNames.flatMap((name) => {
    if (!/connection_?string/i.test(name)) return [];
    if (name === "'APPLICATIONINSIGHTS_CONNECTION_STRING'") {
      return localAuthOff
        ? []
        : [`app setting ${name} while Application Insights accepts local authentication`];
    }
    return [`app setting ${name} holds a connection string`];
  });
}
