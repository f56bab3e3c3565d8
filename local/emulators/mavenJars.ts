import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runToEnd } from './childProcesses.js';

/** One set of jars the tests run, fetched from Maven Central by the machine's Maven. */
export interface MavenJars {
  /** The folder this set owns: emptied before an install, it holds the pom and what was installed. */
  readonly folder: string;
  /** Where the jars go: `folder` itself or a folder inside it. */
  readonly jars: string;
  /** A pom listing the jars as dependencies: installed again whenever it changes. */
  readonly pom: string;
  /** The dependency plugin's options besides the output folder (`-DincludeScope=runtime`). */
  readonly options: readonly string[];
  /** Said once before installing: what and where. */
  readonly announce: string;
  /** Said when Maven fails: what could not be fetched and the command that tries again. */
  readonly failed: string;
}

/** True once a set was installed into `folder`, whichever pom it was. */
export async function mavenJarsInstalled(folder: string): Promise<boolean> {
  return (await readFile(stampOf(folder), 'utf8').catch(() => null)) !== null;
}

function stampOf(folder: string): string {
  return join(folder, 'installed-pom.xml');
}

/**
 * Installs the set with `mvn dependency:copy-dependencies`, unless exactly this pom was installed
 * last (its copy is the stamp, written only once every jar is there). Needs Maven and Java 17.
 */
export async function installMavenJars(set: MavenJars): Promise<void> {
  const stamp = stampOf(set.folder);
  if ((await readFile(stamp, 'utf8').catch(() => null)) === set.pom) return;
  process.stderr.write(`${set.announce}\n`);
  await rm(set.folder, { recursive: true, force: true });
  await mkdir(set.folder, { recursive: true });
  const pom = join(set.folder, 'pom.xml');
  await writeFile(pom, set.pom);
  await runToEnd(
    'mvn',
    [
      '--batch-mode',
      '--quiet',
      '--file',
      pom,
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
      `-DoutputDirectory=${set.jars}`,
      ...set.options,
    ],
    {
      missing: 'mvn was not found: install Maven 3.6 or later (Debian/Ubuntu: apt-get install maven)',
      failed: set.failed,
    },
  );
  await writeFile(stamp, set.pom);
}
