import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopWithThisProcess } from './childProcesses.js';
import { KAFKA_VERSION } from './kafkaBroker.js';
import { installMavenJars, mavenJarsInstalled } from './mavenJars.js';

/**
 * The peers the bench compares our Kafka capture with, from Maven Central: Apache Kafka Connect
 * standalone (connect-runtime) with the FileStreamSink connector (connect-file), and Kafka's console
 * consumer (kafka-tools). connect-file's newest release is 4.2.0, one behind the runtime.
 */
export const CONNECT_RUNTIME_VERSION = KAFKA_VERSION;
export const CONNECT_FILE_VERSION = '4.2.0';

/** Git-ignored, inside the work tree, beside the broker's jars. */
const INSTALL_DIR = fileURLToPath(
  new URL(`../../.tools/connect/${CONNECT_RUNTIME_VERSION}/`, import.meta.url),
);
const JARS = join(INSTALL_DIR, 'jars');
/** Written last, holding the pom it was installed from: a half-done or outdated install is redone. */

const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.capture</groupId>
  <artifactId>kafka-connect-peer</artifactId>
  <version>${CONNECT_RUNTIME_VERSION}</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>connect-runtime</artifactId>
      <version>${CONNECT_RUNTIME_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>connect-file</artifactId>
      <version>${CONNECT_FILE_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

/**
 * Installs Kafka Connect, FileStreamSink and the console consumer into `.tools/connect/<version>/jars`
 * with the machine's Maven, unless that exact set is installed already. Needs `mvn` and Java 17.
 *
 * @example
 * await ensureConnectInstalled(); // `npm run tools:install` runs this
 */
export async function ensureConnectInstalled(): Promise<void> {
  await installMavenJars({
    folder: INSTALL_DIR,
    jars: JARS,
    pom: POM,
    options: ['-DincludeScope=runtime'],
    announce: `Installing Kafka Connect ${CONNECT_RUNTIME_VERSION} (FileStreamSink ${CONNECT_FILE_VERSION}) into .tools/connect/ (once)...`,
    failed: `Maven could not fetch Kafka Connect ${CONNECT_RUNTIME_VERSION}: check that Maven Central is reachable, then run npm run tools:install again`,
  });
}

export interface ConnectSinkOptions {
  readonly bootstrap: string;
  readonly topic: string;
  /** The file FileStreamSink appends every record's value to, one per line. */
  readonly file: string;
  /** Where the worker's settings and offsets go. */
  readonly workDir: string;
}

/**
 * Starts Kafka Connect standalone with one FileStreamSink task per partition of the topic, reading it
 * from the beginning with a consumer group of its own. Stops with this process at the latest.
 */
export async function startConnectFileSink(
  options: ConnectSinkOptions & { readonly tasks: number },
): Promise<{ readonly child: ChildProcess; stop(): Promise<void> }> {
  await assertInstalled();
  await mkdir(options.workDir, { recursive: true });
  const worker = join(options.workDir, 'worker.properties');
  const connector = join(options.workDir, 'file-sink.properties');
  await writeFile(
    worker,
    [
      `bootstrap.servers=${options.bootstrap}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      `offset.storage.file.filename=${join(options.workDir, 'offsets')}`,
      'offset.flush.interval.ms=10000',
      'consumer.auto.offset.reset=earliest',
      // FileStreamSink is on the class path; scanning it all reflectively would add a minute of start-up.
      'plugin.discovery=service_load',
    ].join('\n'),
  );
  await writeFile(
    connector,
    [
      `name=bench-file-sink-${Date.now()}`,
      'connector.class=org.apache.kafka.connect.file.FileStreamSinkConnector',
      `tasks.max=${options.tasks}`,
      `topics=${options.topic}`,
      `file=${options.file}`,
    ].join('\n'),
  );
  const child = spawn(
    'java',
    [
      '-Xms256m',
      '-Xmx1g',
      '-cp',
      `${JARS}/*`,
      'org.apache.kafka.connect.cli.ConnectStandalone',
      worker,
      connector,
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  return { child, stop: stopWithThisProcess(child, 10_000) };
}

/**
 * Kafka's console consumer over the whole topic, from the beginning, its output piped to us (the
 * caller counts and discards it, as /dev/null would take it).
 */
export async function startConsoleConsumer(bootstrap: string, topic: string): Promise<ChildProcess> {
  await assertInstalled();
  return spawn(
    'java',
    [
      '-Xms256m',
      '-Xmx1g',
      '-cp',
      `${JARS}/*`,
      'org.apache.kafka.tools.consumer.ConsoleConsumer',
      '--bootstrap-server',
      bootstrap,
      '--topic',
      topic,
      '--from-beginning',
      '--group',
      `bench-console-${Date.now()}`,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
}

async function assertInstalled(): Promise<void> {
  if (!(await mavenJarsInstalled(INSTALL_DIR)))
    throw new Error('Kafka Connect is not installed in .tools/connect/: run npm run tools:install');
}
