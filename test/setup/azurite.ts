import type { TestProject } from 'vitest/node';
import { startAzurite } from '../../local/emulators/azurite.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the run's in-memory Azurite; read it with `inject('azuriteConnectionString')`. */
    azuriteConnectionString: string;
  }
}

/**
 * One in-memory Azurite for the whole run, on free loopback ports. Test files isolate themselves by
 * container, table and topic names, so they can share it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite({ inMemory: true });
  project.provide('azuriteConnectionString', azurite.connectionString);
  return () => azurite.stop();
}
