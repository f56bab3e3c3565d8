import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin } from '@platformatic/kafka';
import { exitOf, freePorts, runToEnd, stopWithThisProcess } from './childProcesses.js';
import { installMavenJars, mavenJarsInstalled } from './mavenJars.js';

/**
 * The newest Kafka inside the range @platformatic/kafka is tested against (3.5 to 4.2): the broker
 * developers and tests run is one the client is known to speak to.
 */
export const KAFKA_VERSION = '4.2.1';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 90_000;
/** A controlled shutdown moves nothing on one node, but closing the logs can take a few seconds. */
export const STOP_GRACE_MS = 20_000;

/** Git-ignored, inside the work tree: a fresh clone installs its own, nothing outside is touched. */
const INSTALL_DIR = fileURLToPath(new URL(`../../.tools/kafka/${KAFKA_VERSION}/`, import.meta.url));
const JARS = join(INSTALL_DIR, 'jars');
/** Written last, holding the pom it was installed from: a half-done or outdated install is redone. */
/** Where `npm run kafka:start` keeps a broker's data unless told otherwise. */
export const DEFAULT_DATA_DIR = '.local/kafka';

/**
 * The broker and nothing else: kafka_2.13 brings the KRaft server and its storage tool. Left out are
 * the jars only the command-line tools and OAuth use, and an SLF4J binding is added so the broker's
 * log reaches its log file instead of SLF4J's no-op logger.
 */
const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.capture</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>${KAFKA_VERSION}</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${KAFKA_VERSION}</version>
      <exclusions>
        <exclusion><groupId>org.bitbucket.b_c</groupId><artifactId>jose4j</artifactId></exclusion>
        <exclusion><groupId>com.fasterxml.jackson.dataformat</groupId><artifactId>jackson-dataformat-csv</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>2.25.4</version>
    </dependency>
  </dependencies>
</project>
`;

/** The broker's own lines go to stdout, which is its log file; the request and state-change chatter stays out. */
const LOG4J_CONFIG = `status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.stateChange.name = state.change.logger
logger.stateChange.level = warn
`;

export interface KafkaBrokerOptions {
  /** Folder for the broker's log segments, settings and log file; defaults to `.local/kafka` (git-ignored). */
  dataDir?: string;
  /** Port of the client listener on 127.0.0.1; defaults to a free one. */
  port?: number;
}

export interface RunningKafkaBroker {
  /** `host:port` of the client listener, for `bootstrapBrokers` and `--brokers`. */
  readonly bootstrap: string;
  /** Where the broker writes its log. */
  readonly logFile: string;
  /** The broker's process, for what only the operating system tells (its CPU time). */
  readonly pid: number | undefined;
  /** Stops the broker and resolves once its process has exited; its data stays in `dataDir`. */
  stop(): Promise<void>;
}

/**
 * Installs Apache Kafka's broker jars from Maven Central into `.tools/kafka/<version>/jars` with the
 * machine's Maven, unless that exact set is installed already. Needs `mvn` and Java 17 or later.
 *
 * @example
 * await ensureKafkaInstalled(); // `npm run kafka:install` runs this
 */
export async function ensureKafkaInstalled(): Promise<void> {
  await installMavenJars({
    folder: INSTALL_DIR,
    jars: JARS,
    pom: POM,
    options: ['-DincludeScope=runtime'],
    announce: `Installing Apache Kafka ${KAFKA_VERSION} into .tools/kafka/ (once, about 30 s)...`,
    failed: `Maven could not fetch Kafka ${KAFKA_VERSION}: check that Maven Central is reachable, then run npm run kafka:install again`,
  });
}

/**
 * Starts a one-node KRaft broker (broker and controller in one process) on loopback and resolves once
 * it answers a metadata request listing itself. A data folder used before keeps its topics and
 * committed offsets; a new one is formatted first. The process ends with the calling process.
 *
 * @example
 * const kafka = await startKafkaBroker({ dataDir: tmp });
 * try { ... kafka.bootstrap ... } finally { await kafka.stop(); }
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<RunningKafkaBroker> {
  const launched = await launchBroker(options, false);
  // SIGTERM lets the broker shut down cleanly, so its logs need no recovery next time.
  const stop = stopWithThisProcess(launched.child, STOP_GRACE_MS);
  try {
    await waitUntilReady(launched.bootstrap, launched.logFile, () => exitOf(launched.child));
  } catch (error) {
    await stop();
    throw error;
  }
  return { bootstrap: launched.bootstrap, logFile: launched.logFile, pid: launched.child.pid, stop };
}

interface LaunchedBroker {
  readonly child: ChildProcess;
  readonly bootstrap: string;
  readonly logFile: string;
}

async function launchBroker(options: KafkaBrokerOptions, detached: boolean): Promise<LaunchedBroker> {
  if (!(await mavenJarsInstalled(INSTALL_DIR)))
    throw new Error('Kafka is not installed in .tools/kafka/: run npm run kafka:install');
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const [freeClientPort, controllerPort] = (await freePorts(2)) as [number, number];
  const clientPort = options.port ?? freeClientPort;
  const bootstrap = `${HOST}:${clientPort}`;
  const settings = join(dataDir, 'server.properties');
  await mkdir(join(dataDir, 'log'), { recursive: true });
  await writeFile(settings, serverProperties(dataDir, clientPort, controllerPort));
  await writeFile(join(dataDir, 'log4j2.properties'), LOG4J_CONFIG);
  if (!existsSync(join(dataDir, 'log', 'meta.properties'))) {
    await runToEnd(
      'java',
      [...jvmOptions(dataDir), 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', settings],
      {
        missing:
          'java was not found: install Java 17 or later (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)',
        failed: `Kafka could not format its storage in ${dataDir}`,
      },
    );
  }
  const logFile = join(dataDir, 'broker.log');
  const log = openSync(logFile, 'a');
  try {
    const child = spawn('java', [...jvmOptions(dataDir), 'kafka.Kafka', settings], {
      stdio: ['ignore', log, log],
      detached,
    });
    await new Promise<void>((done, fail) => {
      child.once('spawn', done);
      child.once('error', fail);
    });
    return { child, bootstrap, logFile };
  } finally {
    closeSync(log);
  }
}

/**
 * One node that is broker and controller, with the settings a single node needs (internal topics of
 * one replica) and those that make a development broker quick: no delay before the first group
 * rebalance, one partition for committed offsets. The controller port is fixed in the file rather
 * than stored in the metadata log, so a data folder can be restarted on other ports.
 */
function serverProperties(dataDir: string, port: number, controllerPort: number): string {
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${controllerPort}`,
    `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(dataDir, 'log')}`,
    'num.partitions=1',
    // A typo in --topic should say the topic is missing, not create an empty one.
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
  ].join('\n')}\n`;
}

function jvmOptions(dataDir: string): string[] {
  return [
    '-Xms128m',
    '-Xmx512m',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(dataDir, 'log4j2.properties')}`,
    '-cp',
    `${JARS}/*`,
  ];
}

/** What `kafka-storage.sh random-uuid` prints: 16 random bytes, base64url, never starting with "-". */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** An open port is not enough: the broker is ready once its metadata lists a broker to talk to. */
async function waitUntilReady(
  bootstrap: string,
  logFile: string,
  exited: () => string | null,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const admin = new Admin({ clientId: 'kafka-broker-ready', bootstrapBrokers: [bootstrap], retries: 0 });
  try {
    for (;;) {
      const exit = exited();
      if (exit !== null) throw await startFailure(`it exited with ${exit}`, logFile);
      const metadata = await admin.metadata({ topics: [], forceUpdate: true }).catch(() => null);
      if (metadata && metadata.brokers.size > 0) return;
      if (Date.now() > deadline) {
        throw await startFailure(`no metadata from ${bootstrap} after ${START_TIMEOUT_MS} ms`, logFile);
      }
      await new Promise((done) => setTimeout(done, 250));
    }
  } finally {
    await admin.close();
  }
}

async function startFailure(reason: string, logFile: string): Promise<Error> {
  const log = await readFile(logFile, 'utf8').catch(() => '');
  return new Error(`Kafka did not start: ${reason}\n${logFile} ends with:\n${log.slice(-4000) || '(empty)'}`);
}

export interface DetachedKafkaBroker {
  readonly pid: number;
  readonly bootstrap: string;
  readonly logFile: string;
}

/**
 * A broker that outlives this process (`npm run kafka:start`): started, waited for, then let go. Stop
 * it by its pid.
 */
export async function startDetachedKafkaBroker(options: KafkaBrokerOptions): Promise<DetachedKafkaBroker> {
  await ensureKafkaInstalled();
  const launched = await launchBroker(options, true);
  launched.child.unref();
  try {
    await waitUntilReady(launched.bootstrap, launched.logFile, () => exitOf(launched.child));
  } catch (error) {
    launched.child.kill('SIGKILL');
    throw error;
  }
  const pid = launched.child.pid;
  if (pid === undefined) throw new Error('the broker started without a process id');
  return { pid, bootstrap: launched.bootstrap, logFile: launched.logFile };
}
