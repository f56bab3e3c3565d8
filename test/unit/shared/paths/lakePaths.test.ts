import { describe, expect, it } from 'vitest';
import type { TopicConfigInput } from '../../../../shared/config/schema.js';
import type { LedgerSegment, ObjectDecision } from '../../../../shared/ledger.js';
import {
  assertTableMetadataPath,
  headerStagingPath,
  objectPathOf,
  stagingPath,
} from '../../../../shared/paths/lakePaths.js';
import { pathSegment } from '../../../../shared/paths/pathSegment.js';
import { minuteOf } from '../../../../shared/time.js';
import { topicConfig } from '../../../helpers/factories.js';

const MINUTE = minuteOf(Date.UTC(2026, 10, 21, 9, 5, 0));

function decision(overrides: Partial<ObjectDecision> & { first?: number } = {}): ObjectDecision {
  const { first = 1187, ...rest } = overrides;
  const encoding = rest.encoding ?? '.jsonl.gz';
  const segment: LedgerSegment = {
    kind: rest.kind ?? 'data',
    minute: MINUTE,
    first,
    last: first + 9,
    records: 10,
    bytes: 100,
    encoding,
    digest: '00000000000000ff',
    stagedAt: 0,
  };
  return { kind: 'data', minute: MINUTE, late: false, encoding, segments: [segment], ...rest };
}

const capture = { layout: 'capture', capture: { namespace: 'contoso-ingest' } } as const;
const avro = { format: 'avro-capture', compression: 'gzip' } as const;

describe('Function: objectPathOf', () => {
  it.each<[string, Partial<TopicConfigInput>, Partial<ObjectDecision> & { first?: number }, string]>([
    ['the default template', {}, {}, 'raw/orders/2026/11/21/09/05/3-00000000000000001187.jsonl.gz'],
    [
      'the default template, late',
      {},
      { late: true },
      'raw/orders/2026/11/21/09/05/3-00000000000000001187.late.jsonl.gz',
    ],
    [
      'a template with the partition as a folder',
      { layout: 'lake/{topic}/p{partition}/{yyyy}{MM}{dd}/{HH}{mm}' },
      {},
      'raw/lake/orders/p3/20261121/0905/3-00000000000000001187.jsonl.gz',
    ],
    [
      'hive',
      { layout: 'hive' },
      {},
      'raw/topic=orders/date=2026-11-21/hour=09/minute=05/3-00000000000000001187.jsonl.gz',
    ],
    [
      'hive, a dead-letter object',
      { layout: 'hive' },
      { kind: 'deadletter' },
      'deadletter/topic=orders/date=2026-11-21/hour=09/minute=05/3-00000000000000001187.jsonl.gz',
    ],
    [
      'kafka-connect',
      { layout: 'kafka-connect', ...avro },
      { encoding: '.deflate.avro' },
      'raw/orders/year=2026/month=11/day=21/hour=09/minute=05/orders+3+0000001187.avro',
    ],
    [
      'kafka-connect, a late object: one more start offset',
      { layout: 'kafka-connect' },
      { late: true, first: 1300 },
      'raw/orders/year=2026/month=11/day=21/hour=09/minute=05/orders+3+0000001300.jsonl.gz',
    ],
    [
      'Capture, the minute object (AvroDeflate is .avro too)',
      { ...capture, ...avro },
      { encoding: '.deflate.avro' },
      'raw/contoso-ingest/orders/3/2026/11/21/09/05/00.avro',
    ],
    [
      'Capture, a late object',
      { ...capture, ...avro },
      { encoding: '.deflate.avro', late: true, first: 1300 },
      'raw/contoso-ingest/orders/3/2026/11/21/09/05/00-00000000000000001300.late.avro',
    ],
    [
      'Capture, an object left in the codec the topic wrote before a deploy',
      { ...capture, ...avro },
      { encoding: '.avro' },
      'raw/contoso-ingest/orders/3/2026/11/21/09/05/00-00000000000000001187.avro',
    ],
    [
      'Capture, dead letters as JSON lines',
      { ...capture, ...avro },
      { kind: 'deadletter', encoding: '.jsonl.gz' },
      'deadletter/contoso-ingest/orders/3/2026/11/21/09/05/00.jsonl.gz',
    ],
    [
      'Capture, the event hub name of the source',
      { ...capture, ...avro, eventHub: { name: 'orders-hub' } },
      { encoding: '.deflate.avro' },
      'raw/contoso-ingest/orders-hub/3/2026/11/21/09/05/00.avro',
    ],
    [
      'a reordered Capture format without separators in the file name',
      {
        ...avro,
        capture: { namespace: 'ns', eventHub: 'hub' },
        layout: '{Year}/{Month}/{Day}/{Namespace}_{EventHub}_{PartitionId}_{Hour}{Minute}{Second}',
      },
      { encoding: '.deflate.avro' },
      'raw/2026/11/21/ns_hub_3_090500.avro',
    ],
  ])('names an object by %s', (_case, topic, object, expected) => {
    // Act
    const path = objectPathOf(topicConfig(topic), '3')(decision(object));

    // Assess
    expect(path).toBe(expected);
  });

  it('keeps an outside value inside its segment when a topic or partition holds path characters', () => {
    // Prepare: the config and the adapters refuse such names; the path must not depend on that
    const topic = { ...topicConfig(), name: '../../etc' };

    // Act
    const path = objectPathOf(topic, '0/../../x')(decision());

    // Assess
    expect(path).toBe('raw/%2E.%2F..%2Fetc/2026/11/21/09/05/0%2F..%2F..%2Fx-00000000000000001187.jsonl.gz');
  });
});

describe('Function: stagingPath and headerStagingPath', () => {
  it("puts an object's header beside its segments under a name of its own", () => {
    // Prepare
    const object = decision({ encoding: '.avro', first: 42 });
    const [segment] = object.segments;

    // Act
    const header = headerStagingPath('orders', '3', object);
    const staged = segment ? stagingPath('orders', '3', { ...segment, digest: 'ab' }) : '';

    // Assess
    expect(header).toBe(`_staging/orders/3/data/${MINUTE}/00000000000000000042-header.avro`);
    expect(staged).toBe(`_staging/orders/3/data/${MINUTE}/00000000000000000042-00000000000000000051-ab.avro`);
  });
});

describe('Function: pathSegment', () => {
  it.each([
    ['a valid topic name, unchanged', 'orders.v2_eu-1', 'orders.v2_eu-1'],
    ['a partition id, unchanged', '17', '17'],
    ['a slash and a backslash', 'a/b\\c', 'a%2Fb%5Cc'],
    ['a parent folder', '..', '%2E.'],
    ['a hidden name', '_tmp', '%5Ftmp'],
    ['a control character and a space', 'a\nb c', 'a%0Ab%20c'],
    ['a percent sign, so escapes stay unambiguous', '100%', '100%25'],
    ['text beyond ASCII as UTF-8', 'Zürich', 'Z%C3%BCrich'],
  ])('encodes %s', (_case, value, expected) => {
    // Act & Assess
    expect(pathSegment(value)).toBe(expected);
  });

  it.each([
    ['an empty value', ''],
    ['a lone surrogate', 'a\uD800'],
  ])('refuses %s, which names nothing', (_case, value) => {
    // Act & Assess
    expect(() => pathSegment(value)).toThrow('cannot name a path');
  });
});

describe('Function: assertTableMetadataPath', () => {
  it.each([
    ['a manifest list', 'compacted/orders/metadata/snap-1-0190a1b2-0000-7000-8000-000000000000.avro'],
    ['a metadata file', 'compacted/orders/metadata/00003-0190a1b2-0000-7000-8000-000000000000.metadata.json'],
  ])('lets maintenance delete %s', (_case, path) => {
    // Act & Assess
    expect(() => assertTableMetadataPath(path)).not.toThrow();
  });

  it.each([
    ['a data file', 'compacted/orders/date=2026-12-05/hour=10/part-0.parquet'],
    ['a Delta log entry', 'compacted/orders/_delta_log/00000000000000000001.json'],
    ['a captured object', 'orders/0/2026/12/05/10/00.avro'],
    ['the version hint', 'compacted/orders/metadata/version-hint.text'],
    ['a file below a hidden folder', 'compacted/_orders/metadata/a.avro'],
    ['a file deeper than metadata', 'compacted/orders/metadata/x/a.avro'],
  ])('refuses %s, which is never deleted', (_case, path) => {
    // Act & Assess
    expect(() => assertTableMetadataPath(path)).toThrow('refusing to delete');
  });
});
