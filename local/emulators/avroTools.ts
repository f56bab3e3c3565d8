import { fileURLToPath } from 'node:url';
import { ensurePythonVenv, type PythonVenv, venvPython } from './pythonVenv.js';

const AVRO_READERS: PythonVenv = {
  folder: 'avro',
  requirements: fileURLToPath(new URL('./avroTools.requirements.txt', import.meta.url)),
  what: 'fastavro and avro, the Avro readers of the tests',
  installScript: 'avro:install',
};

/** The venv's interpreter, which has the pinned Avro readers. */
export const AVRO_PYTHON = venvPython(AVRO_READERS);

/**
 * Installs the pinned Avro readers (fastavro, Apache avro; see `local/emulators/avroTools.requirements.txt`)
 * into a Python venv in `.tools/avro/` unless that exact set is there already. The tests read what
 * the avro-capture format writes with them: readers that share no code with our writer.
 *
 * @example
 * await ensureAvroTools(); // `npm run avro:install` runs this
 */
export async function ensureAvroTools(): Promise<void> {
  await ensurePythonVenv(AVRO_READERS);
}
