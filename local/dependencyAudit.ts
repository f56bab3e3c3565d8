import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runCommand } from './cli/command.js';

interface AuditReport {
  readonly metadata?: { readonly vulnerabilities?: Record<string, number> };
  readonly vulnerabilities?: Record<string, { readonly severity: string; readonly via: unknown[] }>;
  readonly statusCode?: number;
  readonly message?: string;
  readonly error?: { readonly summary?: string };
}

const BLOCKING = ['high', 'critical'];

/**
 * `npm run audit:deps`: `npm audit` of what the functions ship (devDependencies, the test servers,
 * CDK and the bundler, never reach a deployment). Fails on a high or critical advisory. A registry or
 * mirror that refuses the advisory endpoint (some proxies allow only GET) is not a finding: the run
 * says so loudly and passes, since no answer is not the same as a vulnerable dependency.
 */
async function main(): Promise<void> {
  const output = await npmAudit();
  let report: AuditReport;
  try {
    report = JSON.parse(output) as AuditReport;
  } catch {
    throw new Error(
      `npm audit printed something other than JSON; run "npm audit --omit=dev" to see it:\n${output}`,
    );
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    const reason = report.message ?? report.error?.summary ?? 'no report';
    console.warn(
      `dependency audit NOT DONE: the registry's advisory endpoint did not answer (${reason}). ` +
        'Run "npm audit --omit=dev --audit-level=high" where the public npm registry is reachable.',
    );
    return;
  }
  const blocking = Object.entries(report.vulnerabilities ?? {}).filter(([, entry]) =>
    BLOCKING.includes(entry.severity),
  );
  const summary = Object.entries(counts)
    .filter(([severity]) => severity !== 'total')
    .map(([severity, count]) => `${count} ${severity}`)
    .join(', ');
  console.log(`dependency audit (production dependencies): ${summary}`);
  if (blocking.length > 0) {
    for (const [name, entry] of blocking) console.error(`  ${entry.severity}: ${name}`);
    throw new Error('high or critical advisories in production dependencies: update them (npm audit fix)');
  }
}

/** npm audit exits 1 when it finds anything or fails; its JSON on stdout tells which. */
async function npmAudit(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('npm', ['audit', '--omit=dev', '--json'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout } = error as { stdout?: string };
    if (stdout) return stdout;
    throw error;
  }
}

runCommand('npm run audit:deps', main);
