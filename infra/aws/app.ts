import { App } from 'aws-cdk-lib';
import { loadConfigFile } from '../../shared/config/load.js';
import { ConfigError } from '../../shared/errors.js';
import { addCaptureStacks, configPathFor } from './captureApp.js';

// The CDK app (`cdk.json`: `npx tsx infra/aws/app.ts`). The stacks are environment-agnostic: no
// account or region is looked up at synth, so `cdk synth` works offline and `cdk deploy` targets the
// account and region of the caller's credentials.
const app = new App();
const configPath = configPathFor(app, process.env);
try {
  addCaptureStacks(app, loadConfigFile(configPath), configPath);
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // The message already names the file, the topic and the field; a stack trace would only bury it.
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
