import type { TopicConfig } from '../../shared/config/schema.js';
import type { CaptureStore } from '../../shared/store.js';
import { type RunningConsole, startConsoleServer } from './consoleServer.js';
import { readOnlyLakeOf } from './readOnlyLake.js';

export interface ConsoleLake {
  readonly store: CaptureStore;
  readonly topic: TopicConfig;
  readonly where: string;
  readonly logFile: string | null;
}

/** Hours of the grid when no one says otherwise: a long local run's span, a deployed lake's recent past. */
export const DEFAULT_CONSOLE_HOURS = 3;

/**
 * Serves the console on a lake a command has opened (`npm run console`, `npm run local -- --console`),
 * through the read-only facade, and prints its URL.
 */
export async function serveConsole(
  lake: ConsoleLake,
  port: number,
  hours = DEFAULT_CONSOLE_HOURS,
): Promise<RunningConsole> {
  const running = await startConsoleServer(
    {
      lake: readOnlyLakeOf(lake.store),
      topic: lake.topic,
      where: lake.where,
      logFile: lake.logFile,
      hours,
      cache: new Map(),
      clock: Date.now,
    },
    port,
  );
  console.log(`Lake console of topic "${lake.topic.name}" (read-only): ${running.url}`);
  return running;
}

/** Resolves at the first Ctrl-C (or SIGTERM), which then no longer ends the process by itself. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
