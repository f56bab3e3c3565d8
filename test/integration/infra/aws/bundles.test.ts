import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { configOf, mskTopic, resourceOf, synthesizeStacks } from '../../../unit/infra/aws/stackFixtures.js';

describe('Bundles of the capture functions', () => {
  let outdir: string;
  let template: Template;

  beforeAll(async () => {
    // Bundling on for every stack (the one place esbuild really runs), into a folder of this test's own.
    outdir = await mkdtemp(join(tmpdir(), 'capture-bundle-'));
    const stacks = synthesizeStacks(configOf(mskTopic()), {
      outdir,
      context: { 'aws:cdk:bundling-stacks': ['**'] },
    });
    template = stacks.get('capture-payments') as Template;
  });

  it.each(['Ingest', 'SealTimer', 'CompactionDispatcher', 'CompactionWorker'])(
    'bundles %s with the real esbuild into one ESM file that loads on Node with nothing beside it',
    async (name) => {
      // Prepare
      const { properties } = resourceOf(template, 'AWS::Lambda::Function', `Functions${name}`);
      const assetHash = String((properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
      const bundle = join(outdir, `asset.${assetHash}`, 'index.mjs');
      const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;

      // Act: import the bundle in a fresh Node with the function's own environment, as Lambda's init does.
      const load = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(bundle)}); console.log(typeof m.handler);`,
        ],
        {
          cwd: outdir,
          env: {
            PATH: process.env.PATH,
            CAPTURE_TOPIC_CONFIG: String(variables.CAPTURE_TOPIC_CONFIG),
            CAPTURE_BUCKET: 'example-lake',
            CAPTURE_LEDGER_TABLE: 'example-ledger',
            CAPTURE_COMPACTION_WORKER: 'capture-payments-compaction-worker',
            AWS_REGION: 'eu-west-1',
          },
          encoding: 'utf8',
        },
      );

      // Assess
      expect(existsSync(`${bundle}.map`)).toBe(true);
      expect(properties.Handler).toBe('index.handler');
      expect(await readFile(bundle, 'utf8')).toMatch(/^import \{ createRequire \} from 'node:module';/);
      expect(load.stderr).toBe('');
      expect(load.stdout.trim()).toBe('function');
    },
  );

  it.each([
    [
      'CompactionDispatcher',
      'the Lambda client but not the Parquet writer',
      /@aws-sdk\/client-lambda/,
      /hyparquet/,
    ],
    [
      'CompactionWorker',
      'the Parquet writer but not the Lambda client',
      /hyparquet/,
      /@aws-sdk\/client-lambda/,
    ],
  ])('bundles into %s %s', async (name, _what, included, excluded) => {
    // Prepare
    const { properties } = resourceOf(template, 'AWS::Lambda::Function', `Functions${name}`);
    const assetHash = String((properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');

    // Act: the source map names every module the bundle holds.
    const { sources } = JSON.parse(
      await readFile(join(outdir, `asset.${assetHash}`, 'index.mjs.map'), 'utf8'),
    ) as {
      sources: string[];
    };

    // Assess
    expect(sources.some((source) => included.test(source))).toBe(true);
    expect(sources.filter((source) => excluded.test(source))).toEqual([]);
  });
});
