import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../../shared/config/load.js';
import { ConfigError } from '../../shared/errors.js';
import { azureParameterFiles, topicsNeedingPassword } from './deploymentParameters.js';

// `npm run infra:azure [-- --config capture.config.yaml] [--out infra/azure/parameters]`: one ARM
// parameter file per Azure topic, validated by the same schema the functions load at cold start.
const { values: options } = parseArgs({
  options: {
    config: { type: 'string', default: 'capture.config.yaml' },
    out: { type: 'string', default: join('infra', 'azure', 'parameters') },
  },
});
const configPath = options.config;
const outDir = options.out;

try {
  const config = loadConfigFile(configPath);
  const files = azureParameterFiles(config, configPath);
  if (files.size === 0) {
    console.log(`${configPath}: no topic with platform: azure, nothing to write`);
  }
  mkdirSync(outDir, { recursive: true });
  for (const [name, content] of files) {
    const path = join(outDir, name);
    writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
    console.log(`wrote ${path}`);
  }
  for (const topic of topicsNeedingPassword(config)) {
    console.log(
      `note: topic "${topic}" names no azure.kafkaPasswordSecret; deploy it with --parameters kafkaPassword=<password>`,
    );
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
