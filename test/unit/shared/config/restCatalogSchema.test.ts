import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../shared/config/load.js';

const AWS = {
  msk: {
    clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/lake/abcd1234-ef56-7890-abcd-ef1234567890-1',
  },
};
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:catalog-AbCd';
const configWith = (topic: Record<string, unknown>) => ({
  topics: [{ name: 'orders', source: 'kafka', consumerGroup: 'capture-orders', ...topic }],
});
const icebergIn = (restCatalog: Record<string, unknown>) => ({
  compaction: { table: 'iceberg', restCatalog },
});

describe('Config: compaction.restCatalog', () => {
  it('accepts a catalog on Azure with app-setting credentials, with Iceberg’s default scope', () => {
    // Act
    const config = parseConfig(
      configWith(
        icebergIn({
          uri: 'https://polaris.example.com/api/catalog',
          warehouse: 'lake',
          credentials: { clientIdSetting: 'CatalogClientId', clientSecretSetting: 'CatalogClientSecret' },
        }),
      ),
      'capture.config.yaml',
    );

    // Assess
    expect(config.topics[0]?.compaction.restCatalog).toEqual({
      uri: 'https://polaris.example.com/api/catalog',
      warehouse: 'lake',
      credentials: { clientIdSetting: 'CatalogClientId', clientSecretSetting: 'CatalogClientSecret' },
      scope: 'catalog',
    });
  });

  it('accepts a catalog on AWS with a secret and its own names', () => {
    // Act
    const config = parseConfig(
      configWith({
        platform: 'aws',
        aws: AWS,
        ...icebergIn({
          uri: 'https://catalog.example.com',
          namespace: 'lake',
          table: 'orders_v2',
          credentials: { secretArn: SECRET },
        }),
      }),
      'capture.config.yaml',
    );

    // Assess
    expect(config.topics[0]?.compaction.restCatalog).toMatchObject({ namespace: 'lake', table: 'orders_v2' });
  });

  it.each([
    [
      'a Delta table',
      { compaction: { table: 'delta', restCatalog: { uri: 'https://catalog.example.com' } } },
      /field compaction.table: a REST catalog records Iceberg tables: set compaction.table: iceberg/,
    ],
    [
      'a secret inline',
      icebergIn({ uri: 'https://catalog.example.com', credential: 'writer:s3cret' }),
      /Unrecognized key: "credential"/,
    ],
    [
      'a secret on Azure',
      icebergIn({ uri: 'https://catalog.example.com', credentials: { secretArn: SECRET } }),
      /field compaction.restCatalog.credentials: on Azure the credentials are app settings/,
    ],
    [
      'app settings on AWS',
      {
        platform: 'aws',
        aws: AWS,
        ...icebergIn({
          uri: 'https://catalog.example.com',
          credentials: { clientIdSetting: 'Id', clientSecretSetting: 'Secret' },
        }),
      },
      /field compaction.restCatalog.credentials: on AWS the credentials are a Secrets Manager secret/,
    ],
    [
      'a namespace SQL readers must quote',
      icebergIn({ uri: 'https://catalog.example.com', namespace: 'Lake-1' }),
      /field compaction.restCatalog.namespace: lower-case letters, digits and _/,
    ],
    [
      'a URL that is not http',
      icebergIn({ uri: 'thrift://metastore:9083' }),
      /field compaction.restCatalog.uri: an http\(s\) URL/,
    ],
  ])('refuses %s, naming the file, the topic and the field', (_, topic, message) => {
    // Act
    const act = () => parseConfig(configWith(topic), 'capture.config.yaml');

    // Assess
    expect(act).toThrow(/^capture.config.yaml: topic "orders" \(topics\[0\]\), /);
    expect(act).toThrow(message);
  });
});
