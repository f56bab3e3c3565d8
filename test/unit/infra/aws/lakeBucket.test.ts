import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import {
  CLUSTER_ARN,
  configOf,
  exampleStacks,
  mskTopic,
  resourceOf,
  synthesizeStacks,
} from './stackFixtures.js';

describe('Class: TopicStack (lake bucket)', () => {
  const { payments, telemetry, templateOf } = exampleStacks();

  describe('lake bucket', () => {
    it('encrypts, blocks public access, is unversioned and is retained with its stack', () => {
      // Prepare
      const template = templateOf(payments);

      // Assess
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          BucketName: Match.absent(),
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          VersioningConfiguration: Match.absent(),
        }),
      });
    });

    it('denies every request that does not use TLS', () => {
      // Prepare
      const template = templateOf(payments);
      const bucket = resourceOf(template, 'AWS::S3::Bucket', 'LakeBucket');

      // Assess
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket.id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('expires staging leftovers and incomplete uploads, and raw and dead-letter objects when asked', () => {
      // Prepare
      const expected = [
        {
          Id: 'abort-incomplete-uploads',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        },
        { Id: 'expire-staging-leftovers', Prefix: '_staging/', ExpirationInDays: 7, Status: 'Enabled' },
        { Id: 'expire-raw', Prefix: 'raw/', ExpirationInDays: 90, Status: 'Enabled' },
        { Id: 'expire-deadletter', Prefix: 'deadletter/', ExpirationInDays: 90, Status: 'Enabled' },
      ];

      // Assess
      templateOf(payments).hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: expected },
      });
      // Without rawRetentionDays, raw and dead-letter objects stay; staging uses its default of 14 days.
      templateOf(telemetry).hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: [
            expected[0],
            { Id: 'expire-staging-leftovers', Prefix: '_staging/', ExpirationInDays: 14, Status: 'Enabled' },
          ],
        },
      });
    });

    it('takes its name from aws.bucketName when the config sets one', () => {
      // Prepare
      const topic = mskTopic({
        aws: { msk: { clusterArn: CLUSTER_ARN }, bucketName: 'example-payments-lake' },
      });

      // Act
      const template = synthesizeStacks(configOf(topic)).get('capture-payments') as Template;

      // Assess
      template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'example-payments-lake' });
    });
  });
});
