import { format } from 'node:util';
import azureFunctions, { type InvocationContext } from '@azure/functions';
import { vi } from 'vitest';

// The library is CommonJS and Node's ESM loader cannot see this class as a named export.
const { InvocationContext: HostInvocationContext } = azureFunctions;

/** Everything a function run wrote, line by line, whatever the channel. */
export interface CapturedOutput {
  /** Every line written so far, in order. */
  readonly lines: () => string[];
  /** The lines that are JSON objects (structured log lines, embedded metrics), parsed. */
  readonly records: () => Record<string, unknown>[];
  /** An InvocationContext like the host's whose every log level lands in `lines`. */
  readonly invocation: (functionName: string, triggerMetadata?: Record<string, unknown>) => InvocationContext;
  /**
   * Runs a handler (or a module's import) and records what the platform logs when it throws: the
   * Functions host logs the message and stack, the Lambda runtime also the error's enumerable
   * properties. Returns the error, or the result when it did not throw.
   */
  readonly settle: <T>(run: T | Promise<T>) => Promise<{ result?: T; error?: unknown }>;
}

/**
 * Captures stdout, stderr and every `console` method (Powertools writes through its own console on
 * the process streams, so the streams catch it too), until `vi.restoreAllMocks()`. Nothing is printed.
 */
export function captureOutput(): CapturedOutput {
  const lines: string[] = [];
  const record = (text: string) => lines.push(...text.split('\n').filter((line) => line.trim() !== ''));
  const write = (chunk: string | Uint8Array) => {
    record(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(write);
  vi.spyOn(process.stderr, 'write').mockImplementation(write);
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => record(format(...args)));
  }
  return {
    lines: () => [...lines],
    records: () => lines.flatMap((line) => parsedObject(line)),
    invocation: (functionName, triggerMetadata = {}) =>
      new HostInvocationContext({
        invocationId: crypto.randomUUID(),
        functionName,
        triggerMetadata,
        logHandler: (_level, ...args) => record(args.map(String).join(' ')),
      }),
    settle: async (run) => {
      try {
        return { result: await run };
      } catch (error) {
        record(error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error));
        record(JSON.stringify(error) ?? '');
        return { error };
      }
    },
  };
}

function parsedObject(line: string): Record<string, unknown>[] {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? [value as Record<string, unknown>]
      : [];
  } catch {
    return [];
  }
}
