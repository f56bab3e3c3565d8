import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig, selectTopic } from '../../../../shared/config/load.js';
import { ConfigError } from '../../../../shared/errors.js';

async function configFile(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'capture-config-')), 'capture.config.yaml');
  await writeFile(path, text);
  return path;
}

describe('Function: loadConfigFile', () => {
  it('fills every default when a topic gives only its name and source', async () => {
    // Prepare
    const path = await configFile('topics:\n  - name: orders\n    source: eventhub\n');

    // Act
    const config = loadConfigFile(path);

    // Assess
    expect(config.topics[0]).toMatchObject({
      name: 'orders',
      consumerGroup: '$Default',
      format: 'jsonl',
      compression: 'gzip',
      timeSource: 'broker',
      layout: '{topic}/{yyyy}/{MM}/{dd}/{HH}/{mm}',
      sealDelaySeconds: 60,
      maxRecordBytes: 1024 * 1024,
      maxSegmentBytes: 8 * 1024 * 1024,
      jsonl: { envelope: false, nonJsonBodies: 'deadletter' },
      storage: { container: 'lake', ledgerTable: 'captureledger', connection: 'LakeStorage' },
    });
  });

  it('reads sizes with units and a body time field with or without "$."', async () => {
    // Prepare
    const path = await configFile(
      'topics:\n  - name: clicks\n    source: kafka\n    maxSegmentBytes: 4 MiB\n    maxRecordBytes: "512KiB"\n    timeSource: { field: "$.meta.eventTime" }\n',
    );

    // Act
    const [topic] = loadConfigFile(path).topics;

    // Assess
    expect(topic?.maxSegmentBytes).toBe(4 * 1024 * 1024);
    expect(topic?.maxRecordBytes).toBe(512 * 1024);
    expect(topic?.timeSource).toEqual({ field: 'meta.eventTime' });
  });

  it.each([
    ['an unknown compression', 'compression: brotli', 'field compression'],
    ['a misspelt field', 'compresion: gzip', 'compresion'],
    ['a size without a number', 'maxSegmentBytes: lots', 'field maxSegmentBytes'],
    ['a layout without the minute', 'layout: "{topic}/{yyyy}/{MM}/{dd}/{HH}"', 'field layout'],
    [
      'a layout that climbs out of the prefix',
      'layout: "../{topic}/{yyyy}/{MM}/{dd}/{HH}/{mm}"',
      'field layout',
    ],
    ['keep without an envelope', 'jsonl: { nonJsonBodies: keep }', 'field jsonl.nonJsonBodies'],
    ['an unknown format', 'format: parquet', 'field format'],
    ['zstd for Capture Avro', 'format: avro-capture\n    compression: zstd', 'field compression'],
    ['a Capture layout without a namespace', 'layout: capture', 'field capture'],
    ['Capture names without a Capture layout', 'capture: { namespace: contoso }', 'field capture'],
    [
      'a Capture format without {Second}',
      'layout: "{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}"\n    capture: { namespace: ns }',
      'field layout',
    ],
    [
      'a Capture format mixed with our tokens',
      'layout: "{topic}/{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}"\n    capture: { namespace: ns }',
      'field layout',
    ],
    ['a layout with a backslash', 'layout: "{topic}\\\\{yyyy}/{MM}/{dd}/{HH}/{mm}"', 'field layout'],
    ['an unknown raw delimiter', 'raw: { delimiter: tab }', 'field raw.delimiter'],
    ['an unknown field', 'retention: 7d', 'retention'],
  ])('names the file, the topic and the field for %s', async (_case, line, field) => {
    // Prepare
    const path = await configFile(`topics:\n  - name: orders\n    source: eventhub\n    ${line}\n`);

    // Act
    const act = () => loadConfigFile(path);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(path);
    expect(act).toThrow('topic "orders" (topics[0])');
    expect(act).toThrow(field);
  });

  it('rejects a topic listed twice and a name that could become a path', () => {
    // Act
    const act = () =>
      parseConfig(
        {
          topics: [
            { name: 'a', source: 'kafka' },
            { name: 'a', source: 'kafka' },
            { name: '../etc', source: 'kafka' },
          ],
        },
        'inline.yaml',
      );

    // Assess
    expect(act).toThrow(/inline\.yaml: topic "a" \(topics\[1\]\), field name: topic "a" is listed twice/);
    expect(act).toThrow(/inline\.yaml: topic "\.\.\/etc" \(topics\[2\]\), field name: use letters/);
  });

  it('says when the file is missing or is not YAML', async () => {
    // Prepare
    const broken = await configFile('topics: [\n');

    // Act & Assess
    expect(() => loadConfigFile('/nonexistent/capture.config.yaml')).toThrow(
      '/nonexistent/capture.config.yaml: cannot read the config file',
    );
    expect(() => loadConfigFile(broken)).toThrow(`${broken}: not valid YAML`);
  });
});

describe('Function: parseConfig with formats and layouts', () => {
  it('reads each format and named layout, and Capture names with the event hub defaulting to the source', () => {
    // Act
    const config = parseConfig(
      {
        topics: [
          {
            name: 'a',
            source: 'eventhub',
            format: 'avro-capture',
            compression: 'none',
            layout: 'capture',
            capture: { namespace: 'contoso' },
            eventHub: { name: 'hub-a' },
          },
          {
            name: 'b',
            source: 'kafka',
            format: 'raw',
            raw: { delimiter: 'length-prefixed' },
            layout: 'hive',
          },
          { name: 'c', source: 'kafka', format: 'raw', layout: 'kafka-connect' },
          {
            name: 'd',
            source: 'eventhub',
            layout: '{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}/{Namespace}-{EventHub}-{PartitionId}',
            capture: { namespace: 'contoso', eventHub: 'hub-d' },
          },
        ],
      },
      'inline.yaml',
    );

    // Assess
    expect(config.topics.map((topic) => [topic.format, topic.layout, topic.raw.delimiter])).toEqual([
      ['avro-capture', 'capture', 'newline'],
      ['raw', 'hive', 'length-prefixed'],
      ['raw', 'kafka-connect', 'newline'],
      [
        'jsonl',
        '{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}/{Namespace}-{EventHub}-{PartitionId}',
        'newline',
      ],
    ]);
  });

  it('refuses two topics that would write under the same Capture names', () => {
    // Act
    const act = () =>
      parseConfig(
        {
          topics: [
            {
              name: 'a',
              source: 'eventhub',
              layout: 'capture',
              capture: { namespace: 'ns', eventHub: 'hub' },
            },
            {
              name: 'b',
              source: 'eventhub',
              layout: 'capture',
              capture: { namespace: 'ns', eventHub: 'hub' },
            },
          ],
        },
        'inline.yaml',
      );

    // Assess
    expect(act).toThrow(
      /topic "b" \(topics\[1\]\), field capture: namespace "ns" and event hub "hub" are topic "a"'s/,
    );
  });
});

describe('Function: selectTopic', () => {
  it('lists the topics the file has when the wanted one is not there', () => {
    // Prepare
    const config = parseConfig({ topics: [{ name: 'orders', source: 'eventhub' }] }, 'capture.config.yaml');

    // Act & Assess
    expect(() => selectTopic(config, 'payments', 'capture.config.yaml')).toThrow(
      'capture.config.yaml: no topic named "payments" (the file lists: orders)',
    );
  });
});

describe('File: capture.config.yaml', () => {
  it('is valid as shipped', () => {
    // Act
    const config = loadConfigFile('capture.config.yaml');

    // Assess
    expect(config.topics.map((topic) => topic.name)).toEqual([
      'orders',
      'clickstream',
      'payments',
      'telemetry',
    ]);
  });
});
