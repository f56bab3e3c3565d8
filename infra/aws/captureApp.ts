import { resolve } from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { CaptureConfig, TopicConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/errors.js';
import { DEFAULT_CONFIG_PATH } from './repositoryPaths.js';
import { TopicStack } from './topicStack.js';

/** The CDK context key (`cdk synth -c config=other.yaml`) and the variable that choose the config file. */
const CONFIG_CONTEXT_KEY = 'config';
const CONFIG_PATH_VARIABLE = 'CAPTURE_CONFIG';

/** The config file to read: CDK context first, then the environment, then the repository's own file. */
export function configPathFor(app: App, env: NodeJS.ProcessEnv): string {
  const fromContext: unknown = app.node.tryGetContext(CONFIG_CONTEXT_KEY);
  const chosen =
    typeof fromContext === 'string' && fromContext !== '' ? fromContext : env[CONFIG_PATH_VARIABLE];
  return chosen ? resolve(chosen) : DEFAULT_CONFIG_PATH;
}

/** CloudFormation's rule for stack names, which topic names (dots, underscores, 249 characters) can break. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** `capture-<topic>`, with the characters a stack name cannot hold turned into "-". */
function stackNameOf(topic: string): string {
  return `capture-${topic.replace(/[^A-Za-z0-9-]/g, '-')}`;
}

/**
 * One stack per topic with `platform: aws`, so a topic added to the config file gets its stack with
 * no other edit, and `cdk deploy capture-<topic>` touches that topic alone. `source` names the config
 * file in errors, as the schema's own messages do.
 */
export function addCaptureStacks(app: App, config: CaptureConfig, source: string): TopicStack[] {
  // Every name is checked before the first stack exists, so a clash fails before any bundling starts.
  const stackNames = stackNamesOfAwsTopics(config, source);
  return [...stackNames].map(
    ([stackName, topic]) => new TopicStack(app, stackName, { stackName, topic, configSource: source }),
  );
}

function stackNamesOfAwsTopics(config: CaptureConfig, source: string): Map<string, TopicConfig> {
  const topicsByStackName = new Map<string, TopicConfig>();
  config.topics.forEach((topic, index) => {
    if (topic.platform !== 'aws') return;
    const stackName = stackNameOf(topic.name);
    const where = `${source}: topic "${topic.name}" (topics[${index}]), field name`;
    if (!STACK_NAME.test(stackName)) {
      throw new ConfigError(
        `${where}: the stack name ${stackName} is longer than CloudFormation's 128 characters; use a shorter topic name`,
      );
    }
    const other = topicsByStackName.get(stackName);
    if (other !== undefined) {
      throw new ConfigError(
        `${where}: its stack name ${stackName} is also the stack of topic "${other.name}"; stack names turn "." and "_" into "-"`,
      );
    }
    topicsByStackName.set(stackName, topic);
  });
  return topicsByStackName;
}
