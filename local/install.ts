import { parseCommandArgs, runCommand, usageError } from './cli/command.js';
import { ensureAvroTools } from './emulators/avroTools.js';
import { ensureChromium } from './emulators/chromium.js';
import { ensureIcebergReader } from './emulators/icebergReader.js';
import { ensureKafkaInstalled } from './emulators/kafkaBroker.js';
import { ensureConnectInstalled } from './emulators/kafkaConnect.js';
import { ensureRestCatalogServer } from './emulators/restCatalogServer.js';
import { ensureS3Server } from './emulators/s3Server.js';
import { ensureSchemaRegistryInstalled } from './emulators/schemaRegistry.js';
import { ensureTableReaders } from './emulators/tableReaders.js';

/**
 * What the tests and local runs need beside the npm packages, each installed once into `.tools/`
 * (CI installs them all before the tests, so their time shows apart).
 */
const TOOLS = {
  s3: { what: 'the S3 emulator (moto, from PyPI)', install: ensureS3Server },
  avro: { what: 'the independent Avro readers (fastavro, Apache avro, from PyPI)', install: ensureAvroTools },
  kafka: { what: 'Apache Kafka (jars from Maven Central)', install: ensureKafkaInstalled },
  registry: {
    what: 'Apicurio Registry, a Confluent-compatible schema registry (built from Maven Central)',
    install: ensureSchemaRegistryInstalled,
  },
  spark: {
    what: 'the independent table readers: Apache Spark with Delta and spark-avro, delta-rs (PyPI, Maven Central)',
    install: ensureTableReaders,
  },
  iceberg: {
    what: "pyiceberg, the independent Iceberg reader (PyPI), and Iceberg's REST catalog server (Maven Central)",
    install: async () => {
      await ensureIcebergReader();
      await ensureRestCatalogServer();
    },
  },
  chromium: {
    what: "Debian's Chromium, the console's end-to-end test's browser (apt, as root)",
    install: ensureChromium,
  },
  connect: {
    what: 'Kafka Connect with FileStreamSink and the console consumer, the bench’s peers (Maven Central)',
    install: ensureConnectInstalled,
  },
} as const;
type Tool = keyof typeof TOOLS;

const USAGE = `Usage: tsx local/install.ts <tool>... | all

${Object.entries(TOOLS)
  .map(([name, tool]) => `  ${name.padEnd(10)}${tool.what}`)
  .join('\n')}
  all       every one of them`;

runCommand('install', async () => {
  const { positionals } = parseCommandArgs({ allowPositionals: true }, USAGE);
  if (positionals.length === 0) usageError('name what to install', USAGE);
  const isTool = (name: string): name is Tool => Object.hasOwn(TOOLS, name);
  const chosen = positionals.includes('all') ? (Object.keys(TOOLS) as Tool[]) : positionals;
  for (const name of chosen) {
    if (!isTool(name)) usageError(`unknown tool ${name}`, USAGE);
  }
  for (const name of chosen as Tool[]) await TOOLS[name].install();
});
