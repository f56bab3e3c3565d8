import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER_ARN, ROOT } from './stackFixtures.js';

describe('App entry: infra/aws/app.ts', () => {
  it('fails synth with the file, the topic and the field of a bad config', async () => {
    // Prepare
    const folder = await mkdtemp(join(tmpdir(), 'capture-cdk-'));
    const configPath = join(folder, 'bad.config.yaml');
    await writeFile(
      configPath,
      `topics:\n  - name: payments\n    source: kafka\n    platform: aws\n    consumerGroup: cg\n    aws:\n      msk: { clusterArn: "${CLUSTER_ARN}" }\n      batchSize: 20000\n`,
    );

    // Act
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'infra', 'aws', 'app.ts')], {
      env: { ...process.env, CAPTURE_CONFIG: configPath, CDK_OUTDIR: join(folder, 'cdk.out') },
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${configPath}: topic "payments" (topics[0]), field aws.batchSize:`);
  });
});
