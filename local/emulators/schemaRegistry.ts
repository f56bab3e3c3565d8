import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitOf, freePorts, runToEnd, stopWithThisProcess } from './childProcesses.js';

/**
 * Apicurio Registry, the Confluent-compatible schema registry the tests run (`/apis/ccompat/v7`).
 * 2.4.2.Final is the newest whose modules Maven Central serves in full (3.x and 2.6.x lack some).
 */
export const APICURIO_VERSION = '2.4.2.Final';
/** The Quarkus that built 2.4.2.Final: its plugin turns the published app jar into a runnable one. */
const QUARKUS_VERSION = '2.16.4.Final';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;
/** Apicurio answers the Confluent API under this path. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';

/** Git-ignored, inside the work tree: a fresh clone installs its own, nothing outside is touched. */
const INSTALL_DIR = fileURLToPath(new URL(`../../.tools/apicurio/${APICURIO_VERSION}/`, import.meta.url));
const BUILD_DIR = join(INSTALL_DIR, 'build');
const RUNNER_JAR = join(INSTALL_DIR, 'apicurio-registry-runner.jar');
/** Written last, holding the pom it was built from: a half-done or outdated install is redone. */
const INSTALLED_STAMP = join(INSTALL_DIR, 'installed-pom.xml');

/**
 * The published `apicurio-registry-app` jar has no main class; this pom packages it with the
 * quarkus-maven-plugin into an uber-jar. Two of its dependencies are not served by Maven Central as
 * the BOM names them: everit's JSON Schema library (jitpack only; the same packages are on Central as
 * com.github.erosb) and the config-index extension, whose `-deployment` artifact Central has only at
 * 0.1.10.Final (declared before the BOM import so it wins; the other common components stay 0.1.18).
 */
const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.capture</groupId>
  <artifactId>apicurio-registry</artifactId>
  <version>${APICURIO_VERSION}</version>
  <properties>
    <maven.compiler.release>11</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>io.apicurio</groupId><artifactId>apicurio-common-app-components-config-index</artifactId><version>0.1.10.Final</version></dependency>
      <dependency><groupId>io.apicurio</groupId><artifactId>apicurio-registry</artifactId><version>${APICURIO_VERSION}</version><type>pom</type><scope>import</scope></dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>io.apicurio</groupId>
      <artifactId>apicurio-registry-app</artifactId>
      <version>${APICURIO_VERSION}</version>
      <exclusions>
        <exclusion><groupId>com.github.everit-org.json-schema</groupId><artifactId>org.everit.json.schema</artifactId></exclusion>
        <exclusion><groupId>io.apicurio</groupId><artifactId>apicurio-registry-ui</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency><groupId>com.github.erosb</groupId><artifactId>everit-json-schema</artifactId><version>1.14.2</version></dependency>
  </dependencies>
  <build>
    <finalName>apicurio-registry</finalName>
    <plugins>
      <plugin>
        <groupId>io.quarkus</groupId>
        <artifactId>quarkus-maven-plugin</artifactId>
        <version>${QUARKUS_VERSION}</version>
        <executions><execution><goals><goal>build</goal></goals></execution></executions>
      </plugin>
    </plugins>
  </build>
</project>
`;

/**
 * What the app jar's own application.properties gets in the uber-jar (the uber-jar has room for one
 * such file, so the app's is copied and changed): one runnable jar instead of its legacy thin jar,
 * and the app jar indexed, since it carries no Jandex index and its REST resources would go unseen.
 */
const PROPERTIES_ADDED = `
quarkus.package.type=uber-jar
quarkus.index-dependency.registry-app.group-id=io.apicurio
quarkus.index-dependency.registry-app.artifact-id=apicurio-registry-app
`;
const LEGACY_JAR_LINE = /^%\w+\.quarkus\.package\.type=legacy-jar$/;

/** `-DskipDefault` turns off the parent pom's extra repositories (jitpack, Confluent): Central only. */
const MAVEN_FLAGS = ['--batch-mode', '--quiet', '-DskipDefault'];
const MAVEN_MESSAGES = {
  missing: 'mvn was not found: install Maven 3.6 or later (Debian/Ubuntu: apt-get install maven)',
  failed: `Maven could not build Apicurio Registry ${APICURIO_VERSION}: check that Maven Central is reachable, then run npm run registry:install again`,
};

/**
 * Builds Apicurio Registry's runnable jar into `.tools/apicurio/<version>/` with the machine's Maven
 * (about 2 minutes and 210 MB of downloads the first time), unless that exact build is there.
 * Needs `mvn` and Java 17.
 *
 * @example
 * await ensureSchemaRegistryInstalled(); // `npm run registry:install` runs this
 */
export async function ensureSchemaRegistryInstalled(): Promise<void> {
  const installed = await readFile(INSTALLED_STAMP, 'utf8').catch(() => null);
  if (installed === POM) return;
  process.stderr.write(
    `Building Apicurio Registry ${APICURIO_VERSION} into .tools/apicurio/ (once, about 2 minutes)...\n`,
  );
  await rm(INSTALL_DIR, { recursive: true, force: true });
  const resources = join(BUILD_DIR, 'src', 'main', 'resources');
  await mkdir(resources, { recursive: true });
  const pom = join(BUILD_DIR, 'pom.xml');
  await writeFile(pom, POM);
  // The app's own settings (storage, APIs, security defaults) come out of its jar.
  const unpacked = join(BUILD_DIR, 'app-properties');
  await runToEnd(
    'mvn',
    [
      ...MAVEN_FLAGS,
      '--file',
      pom,
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack',
      `-Dartifact=io.apicurio:apicurio-registry-app:${APICURIO_VERSION}`,
      '-Dmdep.unpack.includes=application.properties',
      `-DoutputDirectory=${unpacked}`,
    ],
    MAVEN_MESSAGES,
  );
  const appProperties = await readFile(join(unpacked, 'application.properties'), 'utf8');
  const kept = appProperties.split('\n').filter((line) => !LEGACY_JAR_LINE.test(line.trim()));
  await writeFile(join(resources, 'application.properties'), `${kept.join('\n')}\n${PROPERTIES_ADDED}`);
  await runToEnd('mvn', [...MAVEN_FLAGS, '--file', pom, 'package'], MAVEN_MESSAGES);
  await copyFile(join(BUILD_DIR, 'target', 'apicurio-registry-runner.jar'), RUNNER_JAR);
  await rm(BUILD_DIR, { recursive: true, force: true });
  await writeFile(INSTALLED_STAMP, POM);
}

export interface SchemaRegistryOptions {
  /** Port on 127.0.0.1; defaults to a free one. A restart on the same port keeps the clients' URL. */
  port?: number;
  /**
   * Folder of an H2 database file the registry keeps its schemas in, so a restart finds the ids it
   * gave out; without it the schemas live in memory and vanish with the process.
   */
  dataDir?: string;
  /** Where the registry's output goes; defaults to `registry.log` in `dataDir`, else nowhere. */
  logFile?: string;
}

export interface RunningSchemaRegistry {
  /** The Confluent-compatible API, e.g. `http://127.0.0.1:40123/apis/ccompat/v7`. */
  readonly url: string;
  readonly port: number;
  /** Stops the registry and resolves once its process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts the installed Apicurio Registry on loopback and resolves once its Confluent API answers.
 * The JVM flags keep it small and quick to start (about 170 MB, ready in 3 s on a quiet machine).
 * The process ends with the calling process. Run `ensureSchemaRegistryInstalled` first.
 *
 * @example
 * const registry = await startSchemaRegistry();
 * try { ... new SchemaRegistryClient({ baseURLs: [registry.url] }) ... } finally { await registry.stop(); }
 */
export async function startSchemaRegistry(
  options: SchemaRegistryOptions = {},
): Promise<RunningSchemaRegistry> {
  if ((await readFile(INSTALLED_STAMP, 'utf8').catch(() => null)) === null) {
    throw new Error('Apicurio Registry is not installed in .tools/apicurio/: run npm run registry:install');
  }
  const port = options.port ?? (await freePorts(1))[0];
  if (port === undefined) throw new Error('no free port for the schema registry');
  const logFile = options.logFile ?? (options.dataDir ? join(options.dataDir, 'registry.log') : null);
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const child = await launch(port, options.dataDir, logFile);
  const stop = stopWithThisProcess(child);
  const url = `http://${HOST}:${port}${CCOMPAT_PATH}`;
  try {
    await waitUntilAnswering(child, url, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, stop };
}

async function launch(
  port: number,
  dataDir: string | undefined,
  logFile: string | null,
): Promise<ChildProcess> {
  const output = logFile === null ? 'ignore' : openSync(logFile, 'a');
  try {
    // -D flags must come before -jar: after it they are the program's arguments and go unread.
    const child = spawn(
      'java',
      [
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Xmx128m',
        `-Dquarkus.http.host=${HOST}`,
        `-Dquarkus.http.port=${port}`,
        ...(dataDir ? [`-Dquarkus.datasource.jdbc.url=jdbc:h2:file:${join(dataDir, 'registry')}`] : []),
        '-jar',
        RUNNER_JAR,
      ],
      { stdio: ['ignore', output, output] },
    );
    await new Promise<void>((done, fail) => {
      child.once('spawn', done);
      child.once('error', (error: NodeJS.ErrnoException) =>
        fail(error.code === 'ENOENT' ? new Error('java was not found: install Java 17 or later') : error),
      );
    });
    return child;
  } finally {
    if (typeof output === 'number') closeSync(output);
  }
}

/** An open port is not enough: the registry is ready once its Confluent API lists subjects. */
async function waitUntilAnswering(child: ChildProcess, url: string, logFile: string | null): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const failure = async (reason: string) => {
    const log = logFile ? await readFile(logFile, 'utf8').catch(() => '') : '';
    return new Error(`Apicurio Registry did not start: ${reason}\n${log.slice(-4000) || '(no log)'}`);
  };
  for (;;) {
    const exit = exitOf(child);
    if (exit !== null) throw await failure(`it exited with ${exit}`);
    const answered = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    if (Date.now() > deadline) throw await failure(`no answer at ${url} after ${START_TIMEOUT_MS} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
