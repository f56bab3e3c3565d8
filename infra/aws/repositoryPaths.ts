import { resolve } from 'node:path';

/**
 * The repository root, found from this file rather than the working directory, so that synth, tests
 * and `cdk` run from any folder find the function entries and the config file.
 */
export const REPOSITORY_ROOT = resolve(import.meta.dirname, '..', '..');

export const DEFAULT_CONFIG_PATH = resolve(REPOSITORY_ROOT, 'capture.config.yaml');
