import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import azureFunctions, { type InvocationContext } from '@azure/functions';

// The library is CommonJS and Node's ESM loader cannot see this class as a named export.
const { InvocationContext: HostInvocationContext } = azureFunctions;

/**
 * An InvocationContext like the host's, whose log lines go to a JSON-lines file instead of the
 * terminal (one line per invocation, the same as Application Insights would get), or to stdout.
 */
export function localInvocation(
  functionName: string,
  triggerMetadata: Record<string, unknown>,
  logFile: string | null,
): InvocationContext {
  if (logFile) mkdirSync(dirname(logFile), { recursive: true });
  return new HostInvocationContext({
    invocationId: crypto.randomUUID(),
    functionName,
    triggerMetadata,
    logHandler: (level, ...args) => {
      const line = args.map(String).join(' ');
      if (logFile) appendFileSync(logFile, `${line}\n`);
      else (level === 'error' ? console.error : console.log)(line);
    },
  });
}
