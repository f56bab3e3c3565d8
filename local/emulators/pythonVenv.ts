import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToEnd } from './childProcesses.js';

const INSTALL_PYTHON =
  'install Python 3.11 or later with venv and pip (Debian/Ubuntu: apt-get install python3 python3-venv python3-pip)';

/** A Python venv of the project's own in `.tools/<folder>/`, from a pinned requirements file. */
export interface PythonVenv {
  /** Folder under `.tools/` (git-ignored, inside the work tree: nothing outside is touched). */
  readonly folder: string;
  /** Absolute path of the pinned requirements. */
  readonly requirements: string;
  /** What it holds, for the progress line: "moto 5.1, the S3 emulator". */
  readonly what: string;
  /** The npm script that installs it, named in error messages. */
  readonly installScript: string;
}

const TOOLS = fileURLToPath(new URL('../../.tools/', import.meta.url));

/** The venv's interpreter. */
export function venvPython(venv: PythonVenv): string {
  return join(
    TOOLS,
    venv.folder,
    ...(process.platform === 'win32' ? ['Scripts', 'python.exe'] : ['bin', 'python']),
  );
}

/** True once an install of the venv finished (of whatever requirements). */
export async function venvInstalled(venv: PythonVenv): Promise<boolean> {
  return (await readFile(stampOf(venv), 'utf8').catch(() => null)) !== null;
}

const stampOf = (venv: PythonVenv) => join(TOOLS, venv.folder, 'installed-requirements.txt');

/**
 * Installs the venv unless that exact set of requirements is installed already. A stamp holding the
 * requirements is written last, so a half-done or outdated install is redone.
 */
export async function ensurePythonVenv(venv: PythonVenv): Promise<void> {
  const folder = join(TOOLS, venv.folder);
  const stamp = stampOf(venv);
  const requirements = await readFile(venv.requirements, 'utf8');
  if ((await readFile(stamp, 'utf8').catch(() => null)) === requirements) return;
  process.stderr.write(`Installing ${venv.what} into .tools/${venv.folder}/ (once)...\n`);
  await runToEnd('python3', ['-c', 'import sys; sys.exit(sys.version_info < (3, 11))'], {
    missing: `python3 was not found: ${INSTALL_PYTHON}`,
    failed: `python3 is older than 3.11, which the pinned packages need: ${INSTALL_PYTHON}`,
  });
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  await runToEnd('python3', ['-m', 'venv', folder], {
    missing: `python3 was not found: ${INSTALL_PYTHON}`,
    failed: `python3 -m venv failed: ${INSTALL_PYTHON}`,
  });
  await runToEnd(
    venvPython(venv),
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--requirement', venv.requirements],
    {
      missing: `the venv in .tools/${venv.folder}/ has no python: delete it and run npm run ${venv.installScript} again`,
      failed: `pip could not install ${venv.requirements}: check that PyPI is reachable, then run npm run ${venv.installScript} again`,
    },
  );
  await writeFile(stamp, requirements);
}
