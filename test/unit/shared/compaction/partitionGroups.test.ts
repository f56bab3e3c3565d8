import { describe, expect, it } from 'vitest';
import { parseCompactionGroupMessage } from '../../../../shared/compaction/groupMessage.js';
import { isPartitionGroup, partitionGroupsOf } from '../../../../shared/compaction/partitionGroups.js';
import { parseConfig } from '../../../../shared/config/load.js';
import { ConfigError } from '../../../../shared/errors.js';
import { topicConfig } from '../../../helpers/factories.js';

const numbers = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => String(from + index));

describe('Function: partitionGroupsOf', () => {
  it.each([
    ['a small topic, one group', numbers(0, 3), 8, [numbers(0, 7)]],
    ['a topic of exactly one group', numbers(0, 7), 8, [numbers(0, 7)]],
    ['a bigger topic, a range each', numbers(0, 9), 4, [numbers(0, 3), numbers(4, 7), numbers(8, 11)]],
    ['partitions out of order and repeated', ['9', '1', '9', '0'], 8, [numbers(0, 7), numbers(8, 15)]],
    ['one partition per group', ['2', '0'], 1, [['0'], ['2']]],
    ['only ranges that hold a known partition', ['1', '40'], 8, [numbers(0, 7), numbers(40, 47)]],
    ['no partition yet', [], 8, []],
  ])('forms %s', (_case, partitions, size, expected) => {
    // Act
    const groups = partitionGroupsOf(partitions, size);

    // Assess
    expect(groups).toEqual(expected);
  });

  it('keeps every group, and so its name, when partitions are added later', () => {
    // Prepare
    const before = partitionGroupsOf(numbers(0, 5), 4);

    // Act
    const after = partitionGroupsOf(numbers(0, 11), 4);

    // Assess
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toEqual([numbers(0, 3), numbers(4, 7), numbers(8, 11)]);
  });

  it('covers every known partition exactly once, in disjoint groups', () => {
    // Prepare
    const partitions = ['0', '3', '7', '12', '31', '32', '1000'];

    // Act
    const groups = partitionGroupsOf(partitions, 8);

    // Assess
    const covered = groups.flat();
    expect(new Set(covered).size).toBe(covered.length);
    for (const partition of partitions) expect(covered.filter((p) => p === partition)).toHaveLength(1);
  });

  it('gives a partition id that is not a number a group of its own, after the numbered ones', () => {
    // Act
    const groups = partitionGroupsOf(['b', '01', '3', 'a'], 4);

    // Assess
    expect(groups).toEqual([numbers(0, 3), ['01'], ['a'], ['b']]);
  });
});

describe('Function: isPartitionGroup', () => {
  it.each([
    [numbers(0, 7), 8, true],
    [numbers(8, 15), 8, true],
    [['b'], 4, true],
    [numbers(0, 7), 4, false],
    [numbers(0, 3), 8, false],
    [numbers(1, 8), 8, false],
    [[], 8, false],
  ])('says whether %j is one group of %i', (partitions, size, expected) => {
    expect(isPartitionGroup(partitions, size)).toBe(expected);
  });
});

describe('Function: parseCompactionGroupMessage', () => {
  const topic = topicConfig({ name: 'orders', compaction: { partitionsPerGroup: 4 } });

  it.each([
    ['an object', { topic: 'orders', partitions: numbers(4, 7) }],
    ['its JSON text', JSON.stringify({ topic: 'orders', partitions: numbers(4, 7) })],
    ['its JSON bytes', Buffer.from(JSON.stringify({ topic: 'orders', partitions: numbers(4, 7) }))],
  ])('takes a group as %s', (_case, value) => {
    expect(parseCompactionGroupMessage(value, topic)).toEqual({ topic: 'orders', partitions: numbers(4, 7) });
  });

  it.each([
    ['an event without partitions', {}, 'partitions: Invalid input'],
    ['an empty group', { topic: 'orders', partitions: [] }, 'partitions: Too small'],
    ['the scheduled event of a dispatcher', { source: 'aws.events' }, 'not a partition group'],
    ['text that is not JSON', 'compact!', 'the message is not JSON'],
    ['another topic', { topic: 'refunds', partitions: numbers(0, 3) }, 'for topic refunds'],
    ['a group of another size', { topic: 'orders', partitions: numbers(0, 7) }, 'partitionsPerGroup 4'],
  ])('refuses %s, permanently, saying what a worker takes', (_case, value, problem) => {
    // Act
    const act = () => parseCompactionGroupMessage(value, topic);

    // Assess
    expect(act).toThrow(problem);
    expect(act).toThrow('{"topic":"orders","partitions":["0","1",…]}');
    expect(act).toThrow(expect.objectContaining({ retriable: false }));
  });
});

describe('Config: compaction.partitionsPerGroup', () => {
  it('defaults to eight, so a small topic compacts in one invocation', () => {
    expect(topicConfig().compaction.partitionsPerGroup).toBe(8);
  });

  it.each([0, 1.5, 1025, 'eight'])('refuses %j, naming the file, the topic and the field', (value) => {
    // Act
    const act = () =>
      parseConfig(
        { topics: [{ name: 'orders', source: 'eventhub', compaction: { partitionsPerGroup: value } }] },
        'capture.config.yaml',
      );

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      'capture.config.yaml: topic "orders" (topics[0]), field compaction.partitionsPerGroup',
    );
  });

  it('refuses an unknown compaction field', () => {
    expect(() =>
      parseConfig(
        { topics: [{ name: 'orders', source: 'eventhub', compaction: { partitionPerGroup: 4 } }] },
        'capture.config.yaml',
      ),
    ).toThrow('partitionPerGroup');
  });
});
