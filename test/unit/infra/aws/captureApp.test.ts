import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { addCaptureStacks, configPathFor } from '../../../../infra/aws/captureApp.js';
import { DEFAULT_CONFIG_PATH } from '../../../../infra/aws/repositoryPaths.js';
import { loadConfigFile } from '../../../../shared/config/load.js';
import { ConfigError } from '../../../../shared/errors.js';
import {
  CONFIG_SOURCE,
  configOf,
  mskTopic,
  ROOT,
  selfManagedTopic,
  synthesizeStacks,
} from './stackFixtures.js';

describe('Function: addCaptureStacks', () => {
  it('creates one stack per topic with platform aws from the example config file, named capture-<topic>', () => {
    // Prepare
    const config = loadConfigFile(DEFAULT_CONFIG_PATH);

    // Act
    const stacks = synthesizeStacks(config);

    // Assess
    const awsTopics = config.topics.filter((topic) => topic.platform === 'aws').map((topic) => topic.name);
    expect(awsTopics.length).toBeGreaterThanOrEqual(2);
    expect([...stacks.keys()]).toEqual(awsTopics.map((name) => `capture-${name}`));
  });

  it('gives a topic added to the config its own stack with no other edit', () => {
    // Prepare
    const before = configOf(mskTopic(), selfManagedTopic());
    const after = configOf(
      mskTopic(),
      selfManagedTopic(),
      mskTopic({ name: 'refunds', consumerGroup: 'cg' }),
    );

    // Act
    const stacksBefore = synthesizeStacks(before);
    const stacksAfter = synthesizeStacks(after);

    // Assess
    expect(stacksAfter.size).toBe(stacksBefore.size + 1);
    const refunds = stacksAfter.get('capture-refunds');
    expect(refunds).toBeDefined();
    refunds?.hasResourceProperties('AWS::Lambda::EventSourceMapping', { Topics: ['refunds'] });
  });

  it('names a stack capture-<topic> with "." and "_" turned into "-"', () => {
    // Act
    const stacks = synthesizeStacks(configOf(mskTopic({ name: 'billing.events_v2' })));

    // Assess
    expect([...stacks.keys()]).toEqual(['capture-billing-events-v2']);
  });

  it('refuses two topics whose stack names collide, naming the file, the topic and the field', () => {
    // Prepare
    const config = configOf(mskTopic({ name: 'billing.events' }), mskTopic({ name: 'billing_events' }));

    // Act
    const synthesize = () => addCaptureStacks(new App(), config, CONFIG_SOURCE);

    // Assess
    expect(synthesize).toThrow(ConfigError);
    expect(synthesize).toThrow(`${CONFIG_SOURCE}: topic "billing_events" (topics[1]), field name:`);
  });
});

describe('Function: configPathFor', () => {
  it.each([
    [
      'the CDK context',
      { config: 'from-context.yaml' },
      { CAPTURE_CONFIG: 'from-env.yaml' },
      'from-context.yaml',
    ],
    ['CAPTURE_CONFIG', {}, { CAPTURE_CONFIG: 'from-env.yaml' }, 'from-env.yaml'],
  ])('reads the config path from %s first', (_, context, env, expected) => {
    // Act
    const path = configPathFor(new App({ context }), env);

    // Assess
    expect(path).toBe(resolve(expected));
  });

  it('defaults to capture.config.yaml at the repository root', () => {
    expect(configPathFor(new App(), {})).toBe(join(ROOT, 'capture.config.yaml'));
  });
});
