import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { usesCaptureNames } from '../../../../shared/config/layoutRules.js';
import type { TopicConfig, TopicConfigInput } from '../../../../shared/config/schema.js';
import { encodingOfKind } from '../../../../shared/encode/encodings.js';
import type { ObjectDecision } from '../../../../shared/ledger.js';
import { headerStagingPath, objectPathOf, stagingPath } from '../../../../shared/paths/lakePaths.js';
import { topicConfig } from '../../../helpers/factories.js';

/** Any text a producer, a platform or a config could carry: control characters, `/`, `..`, emoji. */
const anyName = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc.constantFrom('.', '..', '/', '\\', '%2F', '%', 'a/../b', '_x', ' ', '\u0000', 'orders'),
);

const LAYOUTS: [string, Partial<TopicConfigInput>][] = [
  ['the default template', {}],
  ['a template with the partition as a folder', { layout: '{topic}/{partition}/{yyyy}{MM}{dd}/{HH}{mm}' }],
  ['hive', { layout: 'hive' }],
  ['kafka-connect', { layout: 'kafka-connect' }],
  ['capture', { layout: 'capture', capture: { namespace: 'ns' }, format: 'avro-capture' }],
  [
    'a Capture format with the partition last',
    {
      layout: '{Namespace}/{EventHub}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}/{PartitionId}',
      capture: { namespace: 'ns' },
      format: 'avro-capture',
    },
  ],
];

/** An object the ledger could decide: coordinates drawn from small ranges, so that they often meet. */
const objectArbitrary = fc.record({
  topic: anyName,
  namespace: anyName,
  partition: anyName,
  kind: fc.constantFrom('data' as const, 'deadletter' as const),
  minute: fc.integer({ min: 29_000_000, max: 29_000_003 }),
  first: fc.integer({ min: 0, max: 12 }),
  late: fc.boolean(),
});
type Coordinates = typeof objectArbitrary extends fc.Arbitrary<infer T> ? T : never;

/**
 * What a ledger decides never breaks two rules: the objects of a (topic, kind, partition) start at
 * different positions, and a minute has one object that is not late. Drawn objects that would break
 * them are dropped.
 */
function decidable(objects: readonly Coordinates[], layout: string | undefined): Coordinates[] {
  const starts = new Set<string>();
  const mains = new Set<string>();
  // A topic is its name, and, in a Capture layout, its namespace too.
  const namespaced = layout !== undefined && usesCaptureNames(layout);
  return objects.filter((object) => {
    const topic = namespaced ? [object.topic, object.namespace] : [object.topic];
    const owner = JSON.stringify([...topic, object.kind, object.partition]);
    const start = `${owner}|${object.first}`;
    const main = `${owner}|${object.minute}`;
    if (starts.has(start) || (!object.late && mains.has(main))) return false;
    starts.add(start);
    if (!object.late) mains.add(main);
    return true;
  });
}

function pathOf(layout: Partial<TopicConfigInput>, object: Coordinates): string {
  const configured = topicConfig(layout);
  // Straight past the config's validation: the path must be safe whatever reaches it.
  const topic: TopicConfig = {
    ...configured,
    name: object.topic,
    capture: configured.capture && { namespace: object.namespace },
  };
  const encoding = encodingOfKind(topic, object.kind);
  const decision: ObjectDecision = {
    kind: object.kind,
    minute: object.minute,
    late: object.late,
    encoding,
    segments: [
      {
        kind: object.kind,
        minute: object.minute,
        first: object.first,
        last: object.first,
        records: 1,
        bytes: 1,
        encoding,
        digest: 'ff',
        stagedAt: 0,
      },
    ],
  };
  return objectPathOf(topic, object.partition)(decision);
}

/** Inside the prefix: no segment that climbs or is empty, nothing a store or file system reads as structure. */
function assertInside(path: string, prefixes: readonly string[]): void {
  const segments = path.split('/');
  expect(prefixes).toContain(segments[0]);
  for (const segment of segments) {
    expect(segment).not.toMatch(/^(|\.|\.\.)$/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not appear
    expect(segment).not.toMatch(/[\\\u0000-\u001f\u007f]/);
  }
}

describe.each(LAYOUTS)('Property: object paths in %s', (_name, layout) => {
  it('stays inside the raw or dead-letter prefix whatever the topic, partition and namespace', () => {
    fc.assert(
      fc.property(objectArbitrary, (object) => {
        assertInside(pathOf(layout, object), ['raw', 'deadletter']);
      }),
      { numRuns: 500 },
    );
  });

  it('never gives two objects a ledger can decide the same path', () => {
    fc.assert(
      fc.property(fc.array(objectArbitrary, { minLength: 2, maxLength: 40 }), (drawn) => {
        const objects = decidable(drawn, layout.layout);
        const paths = new Map<string, Coordinates>();
        for (const object of objects) {
          const path = pathOf(layout, object);
          const other = paths.get(path);
          if (other) throw new Error(`${JSON.stringify(other)} and ${JSON.stringify(object)} share ${path}`);
          paths.set(path, object);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('Property: staging paths', () => {
  it('stay inside _staging/ and are distinct for distinct topics, partitions and positions', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(anyName, anyName, fc.integer({ min: 0, max: 5 })), {
          minLength: 2,
          maxLength: 20,
          selector: ([topic, partition, first]) => JSON.stringify([topic, partition, first]),
        }),
        (segments) => {
          const paths = segments.flatMap(([topic, partition, first]) => {
            const coordinates = { kind: 'data' as const, minute: 29_000_000, encoding: '.avro' };
            const segment = { ...coordinates, first, last: first, digest: 'ff' };
            const object = {
              ...coordinates,
              late: false,
              segments: [{ ...segment, records: 1, bytes: 1, stagedAt: 0 }],
            };
            return [stagingPath(topic, partition, segment), headerStagingPath(topic, partition, object)];
          });
          for (const path of paths) assertInside(path, ['_staging']);
          expect(new Set(paths).size).toBe(paths.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
