import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../shared/config/load.js';

const AWS = {
  msk: {
    clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/lake/abcd1234-ef56-7890-abcd-ef1234567890-1',
  },
};
const configWith = (topic: Record<string, unknown>) => ({
  topics: [{ name: 'orders', source: 'kafka', consumerGroup: 'capture-orders', ...topic }],
});

describe('Config: registry', () => {
  it.each([
    [
      'a Confluent registry on Azure with app-setting credentials',
      {
        jsonl: { envelope: true },
        registry: {
          kind: 'confluent',
          url: 'https://sr.example.com',
          credentials: { usernameSetting: 'SrUser', passwordSetting: 'SrPassword' },
          keepRawBytes: true,
        },
      },
    ],
    [
      'a Confluent registry on AWS with a secret',
      {
        platform: 'aws',
        aws: AWS,
        registry: {
          kind: 'confluent',
          url: 'https://sr.example.com',
          credentials: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sr-AbCd' },
          keys: true,
        },
      },
    ],
    [
      'an Azure Schema Registry',
      {
        source: 'eventhub',
        registry: { kind: 'azure', fullyQualifiedNamespace: 'contoso-ingest.servicebus.windows.net' },
      },
    ],
    [
      'a Glue registry',
      { platform: 'aws', aws: AWS, registry: { kind: 'glue', registryName: 'orders-registry' } },
    ],
  ])('accepts %s', (_, topic) => {
    // Act
    const config = parseConfig(configWith(topic), 'capture.config.yaml');

    // Assess
    expect(config.topics[0]?.registry).toMatchObject({
      keys: expect.any(Boolean),
      keepRawBytes: expect.any(Boolean),
    });
  });

  it.each([
    [
      'a password inline',
      { registry: { kind: 'confluent', url: 'https://sr.example.com', password: 's3cret' } },
      /field registry: Unrecognized key: "password"/,
    ],
    [
      'credentials of the other platform',
      {
        registry: {
          kind: 'confluent',
          url: 'https://sr.example.com',
          credentials: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sr' },
        },
      },
      /field registry.credentials: on Azure the credentials are app settings/,
    ],
    ['an unknown kind', { registry: { kind: 'karapace' } }, /field registry.kind/],
    [
      'a URL that is not http',
      { registry: { kind: 'confluent', url: 'ftp://sr' } },
      /field registry.url: an http\(s\) URL/,
    ],
    [
      'a format other than JSON lines',
      { format: 'raw', registry: { kind: 'confluent', url: 'https://sr.example.com' } },
      /field format: a topic with a registry is written as JSON lines/,
    ],
    [
      'raw bytes kept without an envelope',
      { registry: { kind: 'confluent', url: 'https://sr.example.com', keepRawBytes: true } },
      /field registry.keepRawBytes: keepRawBytes needs jsonl.envelope: true/,
    ],
    [
      'Glue on Azure',
      { registry: { kind: 'glue', registryName: 'r' } },
      /field registry.kind: a Glue Schema Registry is read from platform aws/,
    ],
    [
      'Azure Schema Registry on AWS',
      {
        platform: 'aws',
        aws: AWS,
        registry: { kind: 'azure', fullyQualifiedNamespace: 'contoso-ingest.servicebus.windows.net' },
      },
      /field registry.kind: an Azure Schema Registry is read from platform azure/,
    ],
    [
      'framed keys on the Azure Kafka trigger',
      { registry: { kind: 'confluent', url: 'https://sr.example.com', keys: true } },
      /field registry.keys: the Azure Kafka trigger hands keys over as UTF-8 text/,
    ],
    [
      'Azure Schema Registry with keys',
      {
        registry: {
          kind: 'azure',
          fullyQualifiedNamespace: 'contoso-ingest.servicebus.windows.net',
          keys: true,
        },
      },
      /field registry.keys/,
    ],
  ])('refuses %s, naming the file, the topic and the field', (_, topic, message) => {
    // Act
    const act = () => parseConfig(configWith(topic), 'capture.config.yaml');

    // Assess
    expect(act).toThrow(/^capture.config.yaml: topic "orders" \(topics\[0\]\), /);
    expect(act).toThrow(message);
  });
});
