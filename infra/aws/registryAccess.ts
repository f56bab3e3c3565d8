import { Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { TopicConfig } from '../../shared/config/schema.js';

/**
 * What the ingestion function needs to read its topic's writer schemas, and nothing more: Glue's
 * `GetSchemaVersion` on the topic's registry and its schemas (the only call it makes: the frame
 * names a schema version by UUID), or the Secrets Manager secret holding a Confluent registry's
 * credentials. A Confluent registry without credentials, like any topic without a registry, adds
 * nothing. The secret's key must be the account's `aws/secretsmanager` key: a customer-managed key
 * would need `kms:Decrypt`, which is not granted.
 */
export function grantRegistryRead(scope: Construct, grantee: IGrantable, topic: TopicConfig): void {
  const { registry } = topic;
  if (registry?.kind === 'glue') {
    const stack = Stack.of(scope);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['glue:GetSchemaVersion'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'registry', resourceName: registry.registryName }),
          stack.formatArn({
            service: 'glue',
            resource: 'schema',
            resourceName: `${registry.registryName}/*`,
          }),
        ],
      }),
    );
    return;
  }
  const credentials = registry?.kind === 'confluent' ? registry.credentials : undefined;
  if (credentials !== undefined && 'secretArn' in credentials) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [credentials.secretArn] }),
    );
  }
}
