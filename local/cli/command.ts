import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CaptureError } from '../../shared/errors.js';

/** Wrong flags: say what is wrong, then how to call the command, and exit with the usage status. */
export function usageError(message: string, usage: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

/**
 * Runs a command's main function. Our own errors carry a message meant for the user (the file, the
 * field, what to do), so they are shown alone; anything else is a bug and shows its stack.
 */
export function runCommand(command: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const message =
      error instanceof CaptureError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    console.error(`${command} failed: ${message}`);
    process.exit(1);
  });
}

/** `parseArgs`, with an unknown or malformed flag reported as a usage error instead of a stack trace. */
export function parseCommandArgs<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
}
