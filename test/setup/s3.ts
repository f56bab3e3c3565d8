import type { TestProject } from 'vitest/node';
import { ensureS3Server, startS3Server } from '../../local/emulators/s3Server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the run's moto S3 server; read it with `inject('s3Endpoint')`. */
    s3Endpoint: string;
  }
}

/**
 * One moto S3 server for the whole run, on a free loopback port. Test files isolate themselves by
 * bucket and topic names, so they can share it. CI installs moto beforehand (`npm run s3:install`); a
 * fresh clone's first `npm test` installs it here.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureS3Server();
  const server = await startS3Server();
  project.provide('s3Endpoint', server.endpoint);
  return () => server.stop();
}
