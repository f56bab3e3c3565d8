import { randomBytes, randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_LEDGER, type LedgerSegment, type PartitionLedger } from '../../shared/ledger.js';
import { COMPACTED_PREFIX, RAW_PREFIX, STAGING_PREFIX } from '../../shared/paths/lakePaths.js';
import type { CaptureStore } from '../../shared/store.js';

/** Unique per call, so tests sharing one server (or one container) never see each other's objects. */
const uniqueName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

const stagedPath = (topic: string, name: string) =>
  `${STAGING_PREFIX}/${topic}/0/data/29000000/${name}.jsonl.gz`;
const visiblePath = (topic: string, name: string) =>
  `${RAW_PREFIX}/${topic}/2025/03/01/12/00/${name}.jsonl.gz`;

function segment(index: number): LedgerSegment {
  return {
    kind: 'data',
    minute: 29_000_000 + Math.floor(index / 100),
    first: index * 1000,
    last: index * 1000 + 999,
    records: 1000,
    bytes: 65_536 + index,
    encoding: '.jsonl.gz',
    digest: (index * 2654435761).toString(16).padStart(16, '0').slice(-16),
    stagedAt: 1_740_830_401_000 + index,
  };
}

/** A ledger with `openSegments` open segments and one pending object: big states stress entity limits. */
export function ledgerWith(openSegments: number): PartitionLedger {
  const open = Array.from({ length: openSegments }, (_, index) => segment(index));
  return {
    ...EMPTY_LEDGER,
    stagedThrough: openSegments * 1000 - 1,
    maxRecordTime: 1_740_830_400_000,
    open,
    pending: [
      {
        kind: 'deadletter',
        minute: 28_999_999,
        late: true,
        encoding: '.jsonl',
        segments: [segment(0)],
        path: 'deadletter/orders/2025/02/19/06/39/0-00000000000000000000.jsonl',
      },
    ],
  };
}

/**
 * The behaviour every `CaptureStore` (filesystem, Azure, S3) must show, as one vitest suite. Each test
 * calls `makeStore` and uses its own topic and paths, so stores may share a server or a directory.
 *
 * @example
 * describeStoreContract('fs', async () => createFsStore(await mkdtemp(join(tmpdir(), 'lake-'))));
 */
export function describeStoreContract(name: string, makeStore: () => Promise<CaptureStore>): void {
  describe(`Store: ${name}`, () => {
    let store: CaptureStore;
    let topic: string;

    beforeEach(async () => {
      store = await makeStore();
      topic = uniqueName('topic');
    });

    /** Stages each body under its own unique staging path and returns the paths by label. */
    async function stageAll<Label extends string>(
      bodies: Record<Label, Buffer>,
    ): Promise<Record<Label, string>> {
      const paths = {} as Record<Label, string>;
      for (const label of Object.keys(bodies) as Label[]) {
        paths[label] = stagedPath(topic, uniqueName(label));
        await store.objects.stage(paths[label], bodies[label]);
      }
      return paths;
    }

    describe('objects', () => {
      it('keeps staged segments out of the lake prefixes when they are not published', async () => {
        // Prepare
        await stageAll({ a: Buffer.from('{"a":1}\n') });

        // Act
        const visible = await store.objects.list(`${RAW_PREFIX}/${topic}/`);

        // Assess
        expect(visible).toEqual([]);
      });

      it('refuses to stage or delete outside _staging/ so a visible object cannot be replaced', async () => {
        // Prepare
        const visible = visiblePath(topic, 'guarded');

        // Act
        const staging = store.objects.stage(visible, Buffer.from('x'));
        const deleting = store.objects.deleteStaged([visible]);

        // Assess
        await expect(staging).rejects.toThrow('_staging/');
        await expect(deleting).rejects.toThrow('_staging/');
      });

      it('publishes the staged segments concatenated in the order given when the object is absent', async () => {
        // Prepare: the order given is not the order of the names, and the bytes are binary
        const bodies = { c: randomBytes(300_000), a: randomBytes(17), b: Buffer.from('{"b":2}\n') };
        const paths = await stageAll(bodies);
        const target = visiblePath(topic, 'ordered');

        // Act
        const outcome = await store.objects.publish(target, [paths.c, paths.a, paths.b]);

        // Assess
        expect(outcome).toBe('created');
        expect(await store.objects.read(target)).toEqual(Buffer.concat([bodies.c, bodies.a, bodies.b]));
        expect(await store.objects.list(`${RAW_PREFIX}/${topic}/`)).toEqual([target]);
      });

      it('returns exists and keeps the bytes when the same object is published twice', async () => {
        // Prepare
        const paths = await stageAll({ a: Buffer.from('one\n'), b: Buffer.from('two\n') });
        const target = visiblePath(topic, 'twice');
        const staged = [paths.a, paths.b];
        await store.objects.publish(target, staged);

        // Act
        const outcome = await store.objects.publish(target, staged);

        // Assess
        expect(outcome).toBe('exists');
        expect((await store.objects.read(target)).toString()).toBe('one\ntwo\n');
      });

      it('never overwrites a visible object when it is published again from other content', async () => {
        // Prepare
        const first = await stageAll({ a: Buffer.from('first\n') });
        const second = await stageAll({ b: Buffer.from('second, longer content\n') });
        const target = visiblePath(topic, 'immutable');
        await store.objects.publish(target, [first.a]);

        // Act
        const outcome = await store.objects.publish(target, [second.b]);

        // Assess
        expect(outcome).toBe('exists');
        expect((await store.objects.read(target)).toString()).toBe('first\n');
      });

      it('creates the object exactly once when several sealers publish it concurrently', async () => {
        // Prepare
        const bodies = { a: randomBytes(200_000), b: randomBytes(100_000), c: randomBytes(50_000) };
        const paths = await stageAll(bodies);
        const target = visiblePath(topic, 'raced');
        const staged = [paths.a, paths.b, paths.c];

        // Act
        const outcomes = await Promise.all(
          Array.from({ length: 6 }, () => store.objects.publish(target, staged)),
        );

        // Assess
        expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome === 'exists')).toHaveLength(5);
        expect(await store.objects.read(target)).toEqual(Buffer.concat([bodies.a, bodies.b, bodies.c]));
      });

      it('lists by a prefix that ends inside a name, as Delta lists ten log versions at once', async () => {
        // Prepare
        const folder = `${COMPACTED_PREFIX}/${topic}/_delta_log/`;
        const names = ['00000000000000000009.json', '00000000000000000010.json', '00000000000000000011.json'];
        for (const name of names) {
          const staged = await stageAll({ log: Buffer.from('{}\n') });
          await store.objects.publish(`${folder}${name}`, [staged.log]);
        }

        // Act
        const decade = await store.objects.list(`${folder}0000000000000000001`);
        const exact = await store.objects.list(`${folder}00000000000000000009.json`);

        // Assess
        expect(decade).toEqual([`${folder}${names[1]}`, `${folder}${names[2]}`]);
        expect(exact).toEqual([`${folder}${names[0]}`]);
      });

      it('replaces a control object of the compacted lake whole, and refuses to replace anything else', async () => {
        // Prepare
        const control = `${COMPACTED_PREFIX}/${topic}/_delta_log/_last_checkpoint`;
        await store.objects.replace(control, Buffer.from('{"version":10}'));

        // Act
        await store.objects.replace(control, Buffer.from('{"version":20,"size":3}'));
        const data = `${COMPACTED_PREFIX}/${topic}/date=2025-03-01/part-0.parquet`;

        // Assess
        expect((await store.objects.read(control)).toString()).toBe('{"version":20,"size":3}');
        await expect(store.objects.replace(data, Buffer.from('x'))).rejects.toThrow('control object');
        await expect(store.objects.replace(visiblePath(topic, 'replaced'), Buffer.from('x'))).rejects.toThrow(
          'control object',
        );
        expect(await store.objects.list(`${COMPACTED_PREFIX}/${topic}/`)).toEqual([control]);
      });

      it('deletes staged segments and ignores paths that are already gone', async () => {
        // Prepare
        const paths = await stageAll({ a: Buffer.from('a\n') });
        const staged = [paths.a, stagedPath(topic, 'never-staged')];

        // Act
        await store.objects.deleteStaged(staged);
        await store.objects.deleteStaged(staged);

        // Assess: the segment is really gone, so publishing from it is a lost segment
        await expect(store.objects.publish(visiblePath(topic, 'lost'), [paths.a])).rejects.toThrow();
        expect(await store.objects.list(`${RAW_PREFIX}/${topic}/`)).toEqual([]);
      });

      it('returns exists when the staged segments are gone because the object was already published', async () => {
        // Prepare
        const paths = await stageAll({ a: Buffer.from('a\n') });
        const target = visiblePath(topic, 'done');
        await store.objects.publish(target, [paths.a]);
        await store.objects.deleteStaged([paths.a]);

        // Act
        const outcome = await store.objects.publish(target, [paths.a]);

        // Assess
        expect(outcome).toBe('exists');
        expect((await store.objects.read(target)).toString()).toBe('a\n');
      });

      it('lists every visible object under the prefix, sorted, and nothing outside it', async () => {
        // Prepare
        const paths = await stageAll({ a: Buffer.from('a\n') });
        const names = ['m', 'z', 'a'].map((leaf) => visiblePath(topic, leaf));
        for (const target of names) await store.objects.publish(target, [paths.a]);
        await store.objects.publish(visiblePath(`${topic}x`, 'other'), [paths.a]);

        // Act
        const visible = await store.objects.list(`${RAW_PREFIX}/${topic}/`);

        // Assess
        expect(visible).toEqual([...names].sort());
      });
    });

    describe('ledger', () => {
      it('reads an empty ledger without a version when the partition has none', async () => {
        // Act
        const ledger = await store.ledger.read(topic, '0');

        // Assess
        expect(ledger).toEqual({ state: EMPTY_LEDGER, version: null });
      });

      it('creates the ledger when written with a null expected version', async () => {
        // Prepare
        const state = ledgerWith(3);

        // Act
        const written = await store.ledger.write(topic, '0', state, null);

        // Assess
        const stored = await store.ledger.read(topic, '0');
        expect(stored.state).toEqual(state);
        expect(stored.version).not.toBeNull();
        expect(written).toBe(stored.version);
      });

      it('refuses a second create when the ledger already exists', async () => {
        // Prepare
        await store.ledger.write(topic, '0', ledgerWith(1), null);

        // Act
        const written = await store.ledger.write(topic, '0', ledgerWith(2), null);

        // Assess
        expect(written).toBeNull();
        expect((await store.ledger.read(topic, '0')).state).toEqual(ledgerWith(1));
      });

      it('replaces the state and changes the version when written with the current version', async () => {
        // Prepare
        await store.ledger.write(topic, '0', ledgerWith(1), null);
        const current = await store.ledger.read(topic, '0');

        // Act
        const written = await store.ledger.write(topic, '0', ledgerWith(2), current.version);

        // Assess
        const stored = await store.ledger.read(topic, '0');
        expect(stored.state).toEqual(ledgerWith(2));
        expect(stored.version).not.toBe(current.version);
        expect(written).toBe(stored.version);
      });

      it('returns a version that a next write can expect, without reading the ledger back', async () => {
        // Prepare
        const created = await store.ledger.write(topic, '0', ledgerWith(1), null);

        // Act
        const replaced = await store.ledger.write(topic, '0', ledgerWith(2), created);
        const stale = await store.ledger.write(topic, '0', ledgerWith(3), created);

        // Assess
        expect(replaced).not.toBeNull();
        expect(stale).toBeNull();
        expect(await store.ledger.read(topic, '0')).toEqual({ state: ledgerWith(2), version: replaced });
      });

      it('refuses a write and keeps the state when the expected version is stale', async () => {
        // Prepare
        await store.ledger.write(topic, '0', ledgerWith(1), null);
        const stale = await store.ledger.read(topic, '0');
        await store.ledger.write(topic, '0', ledgerWith(2), stale.version);

        // Act
        const written = await store.ledger.write(topic, '0', ledgerWith(3), stale.version);

        // Assess
        expect(written).toBeNull();
        expect((await store.ledger.read(topic, '0')).state).toEqual(ledgerWith(2));
      });

      it('lets exactly one of several concurrent writers win when they expect the same version', async () => {
        // Prepare
        await store.ledger.write(topic, '0', ledgerWith(1), null);
        const { version } = await store.ledger.read(topic, '0');
        const candidates = [2, 3, 4, 5, 6].map((open) => ledgerWith(open));

        // Act
        const results = await Promise.all(
          candidates.map((state) => store.ledger.write(topic, '0', state, version)),
        );

        // Assess
        const won = results.filter((result) => result !== null);
        expect(won).toHaveLength(1);
        const winner = candidates[results.findIndex((result) => result !== null)];
        expect(await store.ledger.read(topic, '0')).toEqual({ state: winner, version: won[0] });
      });

      it('lets exactly one of several concurrent creators win when no ledger exists', async () => {
        // Act
        const results = await Promise.all(
          [1, 2, 3, 4].map((open) => store.ledger.write(topic, '7', ledgerWith(open), null)),
        );

        // Assess
        expect(results.filter((result) => result !== null)).toHaveLength(1);
        expect((await store.ledger.read(topic, '7')).state).toEqual(
          ledgerWith(results.findIndex((result) => result !== null) + 1),
        );
      });

      it('lists the partitions of a topic that have a ledger, and only those', async () => {
        // Prepare
        for (const partition of ['3', '0', '12'])
          await store.ledger.write(topic, partition, ledgerWith(1), null);
        await store.ledger.write(`${topic}x`, '5', ledgerWith(1), null);

        // Act
        const partitions = await store.ledger.partitions(topic);

        // Assess
        expect([...partitions].sort()).toEqual(['0', '12', '3']);
        expect(await store.ledger.partitions(uniqueName('empty'))).toEqual([]);
      });

      it('round-trips a large ledger when 2000 segments are open', async () => {
        // Prepare
        const state = ledgerWith(2000);

        // Act
        await store.ledger.write(topic, '0', state, null);
        const first = await store.ledger.read(topic, '0');
        const replaced = await store.ledger.write(topic, '0', ledgerWith(1999), first.version);

        // Assess
        expect(first.state).toEqual(state);
        expect(replaced).not.toBeNull();
        expect((await store.ledger.read(topic, '0')).state).toEqual(ledgerWith(1999));
      });
    });
  });
}
