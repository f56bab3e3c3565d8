import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureOutput, exitOf, freePorts, stopWithThisProcess } from './childProcesses.js';
import { installMavenJars } from './mavenJars.js';

/** Git-ignored, inside the work tree. */
const JARS_DIR = fileURLToPath(new URL('../../.tools/iceberg-rest/', import.meta.url));
/** Written last, holding the pom it was installed from: a half-done or outdated install is redone. */
const START_TIMEOUT_MS = 60_000;

/**
 * Iceberg's own REST catalog server, the one its REST compatibility kit tests clients against
 * (`RESTCatalogServer` of `iceberg-open-api`'s test fixtures): a JDBC catalog on in-memory SQLite
 * behind the REST API, writing metadata through Hadoop's file system. Its servlet is in
 * `iceberg-core`'s test jar, Jetty 11 serves it, and Hadoop's configuration class comes from the
 * shaded Hadoop client. All from Maven Central, with their dependencies.
 */
const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.capture</groupId>
  <artifactId>iceberg-rest-catalog</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.iceberg</groupId><artifactId>iceberg-open-api</artifactId><version>1.10.1</version><classifier>test-fixtures</classifier></dependency>
    <dependency><groupId>org.apache.iceberg</groupId><artifactId>iceberg-core</artifactId><version>1.10.1</version></dependency>
    <dependency><groupId>org.apache.iceberg</groupId><artifactId>iceberg-core</artifactId><version>1.10.1</version><classifier>tests</classifier></dependency>
    <dependency><groupId>org.eclipse.jetty</groupId><artifactId>jetty-servlet</artifactId><version>11.0.25</version></dependency>
    <dependency><groupId>org.xerial</groupId><artifactId>sqlite-jdbc</artifactId><version>3.50.3.0</version></dependency>
    <dependency><groupId>org.apache.hadoop</groupId><artifactId>hadoop-client-api</artifactId><version>3.4.1</version></dependency>
    <dependency><groupId>org.apache.hadoop</groupId><artifactId>hadoop-client-runtime</artifactId><version>3.4.1</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
`;

/**
 * Installs the REST catalog server's jars into `.tools/iceberg-rest/` with the machine's Maven, unless
 * that exact set is there. Needs Maven and Java 17.
 *
 * @example
 * await ensureRestCatalogServer(); // `npm run iceberg:install` runs this
 */
export async function ensureRestCatalogServer(): Promise<void> {
  await installMavenJars({
    folder: JARS_DIR,
    jars: JARS_DIR,
    pom: POM,
    options: [],
    announce: "Installing Iceberg's REST catalog server into .tools/iceberg-rest/ (once)...",
    failed:
      'Maven could not fetch the REST catalog server: check that Maven Central is reachable, then run npm run iceberg:install again',
  });
}

export interface RunningRestCatalog {
  /** The catalog's base URI, e.g. `http://127.0.0.1:40123`. */
  readonly uri: string;
  /** Stops the server; its catalog (in memory) is gone with it. */
  stop(): Promise<void>;
}

/**
 * Starts the REST catalog server on a free port, with `warehouse` (a `file://` URI) where tables it
 * creates would go, and resolves once it answers `GET /v1/config`. It listens on every interface
 * (the fixture has no setting for that); it is only ever called on the loopback address.
 */
export async function startRestCatalogServer(warehouse: string): Promise<RunningRestCatalog> {
  await ensureRestCatalogServer();
  const [port] = await freePorts(1);
  const child = spawn('java', ['-cp', join(JARS_DIR, '*'), 'org.apache.iceberg.rest.RESTCatalogServer'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The fixture reads its settings from CATALOG_* variables: CATALOG_REST_PORT is `rest.port`.
    env: { ...process.env, CATALOG_REST_PORT: String(port), CATALOG_WAREHOUSE: warehouse },
  });
  const output = captureOutput(child);
  const stop = stopWithThisProcess(child);
  const uri = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (;;) {
      const exit = exitOf(child);
      if (exit !== null) throw new Error(`the REST catalog server exited with ${exit}:\n${output.stderr}`);
      const answered = await fetch(`${uri}/v1/config`, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (answered) return { uri, stop };
      if (Date.now() > deadline) throw new Error(`the REST catalog server did not answer at ${uri}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
