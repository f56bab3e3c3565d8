import { fileURLToPath } from 'node:url';
import { ensurePythonVenv, type PythonVenv, venvPython } from './pythonVenv.js';

const ICEBERG_READER: PythonVenv = {
  folder: 'iceberg-reader',
  requirements: fileURLToPath(new URL('./icebergReader.requirements.txt', import.meta.url)),
  what: 'pyiceberg, the independent Iceberg reader of the tests (about 150 MB)',
  installScript: 'iceberg:install',
};

/** The venv's interpreter: it has pyiceberg with pyarrow. */
export const ICEBERG_READER_PYTHON = venvPython(ICEBERG_READER);

/** Installs pyiceberg unless that exact set of pinned packages is there. Needs Python 3.11. */
export function ensureIcebergReader(): Promise<void> {
  return ensurePythonVenv(ICEBERG_READER);
}
