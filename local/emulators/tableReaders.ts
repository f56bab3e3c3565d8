import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installMavenJars } from './mavenJars.js';
import { ensurePythonVenv, type PythonVenv, venvPython } from './pythonVenv.js';

const READERS: PythonVenv = {
  folder: 'table-readers',
  requirements: fileURLToPath(new URL('./tableReaders.requirements.txt', import.meta.url)),
  what: 'Apache Spark (pyspark) and delta-rs (deltalake), the independent readers of the tests (about 1 GB, 2 minutes)',
  installScript: 'spark:install',
};

/** The venv's interpreter: it has pyspark and deltalake. */
export const READERS_PYTHON = venvPython(READERS);

/** Git-ignored, inside the work tree, apart from the venv (a venv reinstall clears its folder). */
const JARS_DIR = fileURLToPath(new URL('../../.tools/spark-jars/', import.meta.url));
/** Written last, holding the pom it was installed from: a half-done or outdated install is redone. */

/**
 * The jars Spark needs beside the pyspark wheel, which brings Spark itself, Scala and Hadoop's client:
 * Delta for Spark 4.0 (and its storage layer), spark-avro (Capture's Avro), aircompressor's pure-Java
 * zstd codec (open-source Hadoop has none without its native library), Iceberg's Spark runtime, and
 * Iceberg's AWS bundle (its Glue catalog and S3FileIO, with the AWS SDK they need inside). Copied
 * without their transitive dependencies, which the wheel already has.
 */
const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.capture</groupId>
  <artifactId>table-reader-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.delta</groupId><artifactId>delta-spark_2.13</artifactId><version>4.0.1</version></dependency>
    <dependency><groupId>io.delta</groupId><artifactId>delta-storage</artifactId><version>4.0.1</version></dependency>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-avro_2.13</artifactId><version>4.0.2</version></dependency>
    <dependency><groupId>io.airlift</groupId><artifactId>aircompressor</artifactId><version>0.27</version></dependency>
    <dependency><groupId>org.apache.iceberg</groupId><artifactId>iceberg-spark-runtime-4.0_2.13</artifactId><version>1.10.1</version></dependency>
    <dependency><groupId>org.apache.iceberg</groupId><artifactId>iceberg-aws-bundle</artifactId><version>1.10.1</version></dependency>
  </dependencies>
</project>
`;

/** The jars to give Spark (`spark.jars`), once installed. */
export async function sparkJars(): Promise<string[]> {
  return (await readdir(JARS_DIR))
    .filter((name) => name.endsWith('.jar'))
    .map((name) => join(JARS_DIR, name));
}

/**
 * Installs the table readers unless that exact set is there: the pinned Python packages (see
 * `tableReaders.requirements.txt`) into `.tools/table-readers/`, and Spark's extra jars from Maven
 * Central into `.tools/spark-jars/` with the machine's Maven. Needs Python 3.11, Maven and Java 17.
 *
 * @example
 * await ensureTableReaders(); // `npm run spark:install` runs this
 */
export async function ensureTableReaders(): Promise<void> {
  await ensurePythonVenv(READERS);
  await installMavenJars({
    folder: JARS_DIR,
    jars: JARS_DIR,
    pom: POM,
    options: ['-DexcludeTransitive=true'],
    announce: 'Installing the jars Spark reads Delta, Avro and zstd with into .tools/spark-jars/ (once)...',
    failed:
      'Maven could not fetch the Spark jars: check that Maven Central is reachable, then run npm run spark:install again',
  });
}
