import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runToEnd } from './childProcesses.js';

/** Git-ignored, inside the work tree, like the other tools the project installs. */
const VENV = fileURLToPath(new URL('../.tools/avro/', import.meta.url));
const REQUIREMENTS = fileURLToPath(new URL('./avroTools.requirements.txt', import.meta.url));
/** Written last, holding the requirements it was installed from: a half-done or outdated install is redone. */
const INSTALLED_STAMP = join(VENV, 'installed-requirements.txt');
const INSTALL_PYTHON =
  'install Python 3.9 or later with venv and pip (Debian/Ubuntu: apt-get install python3 python3-venv python3-pip)';

/** The venv's interpreter, which has the pinned Avro readers. */
export const AVRO_PYTHON = join(
  VENV,
  ...(process.platform === 'win32' ? ['Scripts', 'python.exe'] : ['bin', 'python']),
);

/**
 * Installs the pinned Avro readers (fastavro, Apache avro; see `local/avroTools.requirements.txt`)
 * into a Python venv in `.tools/avro/` unless that exact set is there already. The tests read what
 * the avro-capture format writes with them: readers that share no code with our writer.
 *
 * @example
 * await ensureAvroTools(); // `npm run avro:install` runs this
 */
export async function ensureAvroTools(): Promise<void> {
  const requirements = await readFile(REQUIREMENTS, 'utf8');
  if ((await readFile(INSTALLED_STAMP, 'utf8').catch(() => null)) === requirements) return;
  process.stderr.write(
    'Installing fastavro and avro, the Avro readers of the tests, into .tools/avro/ (once)...\n',
  );
  await rm(VENV, { recursive: true, force: true });
  await mkdir(VENV, { recursive: true });
  await runToEnd('python3', ['-m', 'venv', VENV], {
    missing: `python3 was not found: ${INSTALL_PYTHON}`,
    failed: `python3 -m venv failed: ${INSTALL_PYTHON}`,
  });
  await runToEnd(
    AVRO_PYTHON,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--requirement', REQUIREMENTS],
    {
      missing: `the venv in ${VENV} has no python: delete .tools/avro/ and run npm run avro:install again`,
      failed: `pip could not install ${REQUIREMENTS}: check that PyPI is reachable, then run npm run avro:install again`,
    },
  );
  await writeFile(INSTALLED_STAMP, requirements);
}

// `tsx local/avroTools.ts install` (npm run avro:install): CI installs the readers before the tests start.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] !== 'install') {
    console.error('usage: tsx local/avroTools.ts install');
    process.exit(2);
  }
  ensureAvroTools().catch((error: unknown) => {
    console.error(`avro:install failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
