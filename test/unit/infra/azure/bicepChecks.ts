/**
 * Structural checks of Bicep templates, each returning the problems it sees so a test can show it
 * failing on a bad snippet as well as passing on the real templates.
 */
import {
  type BicepFile,
  type BicepParam,
  type BicepResource,
  endOfValue,
  expandVariables,
  objectProperties,
  type Source,
  uses,
} from './bicepScanner.js';

export interface RoleAssignment {
  symbol: string;
  /** What `scope:` says, as written. */
  scope: string;
  /** The type of the resource `scope:` names, when it names one of the file's resources. */
  scopeType: string | undefined;
  principalType: string | undefined;
  /** The role definition GUID, found through the variables `roleDefinitionId` uses. */
  roleId: string | undefined;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Declared params that nothing else in the file mentions. */
export function findUnusedParams(file: BicepFile): string[] {
  return file.params
    .filter(
      (param) =>
        !file.statements.some(
          (s) => !(s.keyword === 'param' && s.name === param.name) && uses(s.code, param.name),
        ),
    )
    .map((param) => `${file.path}: param ${param.name} is never used`);
}

/**
 * Resource lines whose API version is a preview or dated before `cutoff`, unless it is the newest
 * stable version the provider publishes for that type (`newestStable`, with its source in the test).
 */
export function findStaleApiVersions(
  file: BicepFile,
  cutoff: string,
  newestStable: Readonly<Record<string, string>>,
): string[] {
  return file.resources.flatMap((resource) => {
    const where = `${file.path}:${resource.line}: ${resource.type}@${resource.apiVersion}`;
    if (resource.apiVersion.includes('preview')) return [`${where} is a preview`];
    if (resource.apiVersion >= cutoff || newestStable[resource.type] === resource.apiVersion) return [];
    return [`${where} is older than ${cutoff}`];
  });
}

export function roleAssignments(file: BicepFile): RoleAssignment[] {
  return file.resources
    .filter((resource) => resource.type === 'Microsoft.Authorization/roleAssignments')
    .map((resource) => {
      const top = objectProperties(resource.body);
      const scope = top.get('scope')?.text.trim() ?? '';
      const properties = top.get('properties');
      const inner = properties ? objectProperties(properties) : new Map<string, Source>();
      const roleDefinition = inner.get('roleDefinitionId');
      return {
        symbol: resource.symbol,
        scope,
        scopeType: file.resources.find((candidate) => candidate.symbol === scope)?.type,
        principalType: inner.get('principalType')?.text.trim().replace(/^'|'$/g, ''),
        roleId: roleDefinition
          ? GUID.exec(expandVariables(file, roleDefinition))?.[0]?.toLowerCase()
          : undefined,
      };
    });
}

/** Role assignments not scoped to one of the file's resources, not to a service principal, or without a role. */
export function findRoleAssignmentProblems(file: BicepFile): string[] {
  return roleAssignments(file).flatMap((assignment) => [
    ...(assignment.scopeType === undefined
      ? [
          `${file.path}: ${assignment.symbol} is scoped to "${assignment.scope || 'the deployment'}", not to a resource`,
        ]
      : []),
    ...(assignment.principalType === 'ServicePrincipal'
      ? []
      : [`${file.path}: ${assignment.symbol} has principalType ${assignment.principalType ?? '(none)'}`]),
    ...(assignment.roleId ? [] : [`${file.path}: ${assignment.symbol} names no role definition GUID`]),
  ]);
}

/** Outputs that could carry a secret: keys, connection strings, secure parameters. */
export function findLeakyOutputs(file: BicepFile): string[] {
  const secureParams = file.params
    .filter((param) => param.decorators.includes('@secure()'))
    .map((p) => p.name);
  return file.statements
    .filter((s) => s.keyword === 'output')
    .filter(
      (output) =>
        /listKeys|connectionString|key/i.test(output.text) ||
        secureParams.some((name) => uses(output.code, name)),
    )
    .map((output) => `${file.path}:${output.line}: output ${output.name} may expose a secret`);
}

/** Everything the app settings of the file's sites are built from, variables expanded. */
export function appSettingsSources(file: BicepFile): string[] {
  return file.resources
    .filter((resource) => resource.type === 'Microsoft.Web/sites')
    .flatMap((resource) => {
      const start = resource.body.code.search(/\bappSettings\s*:/);
      if (start < 0) return [];
      const valueStart = resource.body.code.indexOf(':', start) + 1;
      const valueEnd = endOfValue(resource.body.code, valueStart);
      return [
        expandVariables(file, {
          text: resource.body.text.slice(valueStart, valueEnd),
          code: resource.body.code.slice(valueStart, valueEnd),
        }),
      ];
    });
}

/** App settings whose values come from account keys. */
export function findSecretAppSettings(file: BicepFile): string[] {
  return appSettingsSources(file)
    .filter((settings) => /AccountKey=|listKeys\s*\(/i.test(settings))
    .map(() => `${file.path}: an app setting is built from an account key`);
}

/** The `name:` of every app setting, as written (a quoted string, or the parameter that holds it). */
export function appSettingNames(file: BicepFile): string[] {
  return appSettingsSources(file).flatMap((settings) =>
    [...settings.matchAll(/^\s*name:\s*(.+?)\s*$/gm)].map((match) => match[1] ?? ''),
  );
}

/**
 * Identity-based connections (app settings `<prefix>__blobServiceUri`, `__tableServiceUri`,
 * `__queueServiceUri`) for whose service the file assigns none of the data roles `rolesByService`
 * lists: the binding or the SDK would get 403 at run time. Management roles do not grant data access.
 */
export function findIdentityConnectionsWithoutRole(
  file: BicepFile,
  rolesByService: Readonly<Record<string, readonly string[]>>,
): string[] {
  const assigned = new Set(roleAssignments(file).map((assignment) => assignment.roleId));
  return appSettingNames(file).flatMap((name) => {
    const service = /__(\w+)ServiceUri'$/.exec(name)?.[1];
    if (service === undefined) return [];
    const roles = rolesByService[service] ?? [];
    if (roles.some((role) => assigned.has(role))) return [];
    return [
      `${file.path}: app setting ${name} connects to ${service} storage by identity, but no ${service} data role is assigned`,
    ];
  });
}

export function hasSystemAssignedIdentity(resource: BicepResource): boolean {
  return /\bidentity\s*:\s*\{\s*type\s*:\s*'SystemAssigned'\s*\}/.test(resource.body.text);
}

/** Module calls whose `params` name a parameter the module lacks, or leave out one it requires. */
export function findModuleParamProblems(file: BicepFile, moduleFile: (path: string) => BicepFile): string[] {
  return file.statements
    .filter((s) => s.keyword === 'module')
    .flatMap((statement) => {
      const path = /^module\s+\w+\s+'([^']+)'/.exec(statement.text)?.[1] ?? '';
      const target = moduleFile(path);
      const start = statement.code.indexOf('{');
      const params = objectProperties({
        text: statement.text.slice(start),
        code: statement.code.slice(start),
      }).get('params');
      const given = params ? [...objectProperties(params).keys()] : [];
      const declared = target.params.map((param) => param.name);
      return [
        ...given.filter((name) => !declared.includes(name)).map((name) => `${path}: no param ${name}`),
        ...target.params
          .filter((param) => !param.hasDefault && !given.includes(param.name))
          .map((param) => `${path}: required param ${param.name} not given by ${statement.name}`),
      ];
    });
}

/**
 * What `az deployment` would refuse in a parameters file for this template: unknown names, values
 * of the wrong type or outside `@allowed`, `@minValue`/`@maxValue`, `@minLength`/`@maxLength`, and
 * required parameters left out.
 */
export function findParameterFileProblems(file: BicepFile, document: unknown): string[] {
  const parameters = (document as { parameters?: Record<string, { value?: unknown }> } | null)?.parameters;
  if (typeof parameters !== 'object' || parameters === null) return ['no "parameters" object'];
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(parameters)) {
    const param = file.params.find((candidate) => candidate.name === name);
    if (!param) {
      problems.push(`${name}: not a param of ${file.path}`);
      continue;
    }
    problems.push(...valueProblems(param, entry?.value).map((problem) => `${name}: ${problem}`));
  }
  for (const param of file.params) {
    if (!param.hasDefault && !(param.name in parameters)) problems.push(`${param.name}: required, not given`);
  }
  return problems;
}

function valueProblems(param: BicepParam, value: unknown): string[] {
  const typeOk = {
    string: typeof value === 'string',
    int: Number.isInteger(value),
    bool: typeof value === 'boolean',
    array: Array.isArray(value),
    object: typeof value === 'object' && value !== null && !Array.isArray(value),
  }[param.type];
  if (typeOk !== true) return [`${JSON.stringify(value)} is not of type ${param.type}`];
  const problems: string[] = [];
  const decorator = (name: string) =>
    param.decorators.find((d) => d.startsWith(`@${name}(`))?.slice(name.length + 2, -1);
  const allowed = decorator('allowed');
  if (allowed !== undefined) {
    const options = [...allowed.matchAll(/'([^']*)'|(-?\d+)/g)].map((m) =>
      m[1] !== undefined ? m[1] : Number(m[2]),
    );
    if (!options.includes(value as string | number))
      problems.push(`${JSON.stringify(value)} is not one of ${allowed}`);
  }
  const size = typeof value === 'number' ? value : (value as string | unknown[]).length;
  const bound = (name: string, fails: (limit: number) => boolean) => {
    const limit = decorator(name);
    if (limit !== undefined && fails(Number(limit)))
      problems.push(`${JSON.stringify(value)} breaks @${name}(${limit})`);
  };
  if (typeof value === 'number') {
    bound('minValue', (limit) => size < limit);
    bound('maxValue', (limit) => size > limit);
  } else {
    bound('minLength', (limit) => size < limit);
    bound('maxLength', (limit) => size > limit);
  }
  return problems;
}
