import type { TopicConfig } from '../config/schema.js';
import { encodingOf } from '../encode/encodings.js';
import { CaptureError } from '../errors.js';
import { usesCaptureNames } from '../layouts.js';
import { objectPathOf } from '../naming.js';
import type { ObjectStore } from '../store.js';
import { minutesOfHour } from './hours.js';

/** A visible raw data object of the hour, with the partition its path names. */
export interface RawObject {
  readonly path: string;
  readonly partition: string;
}

/**
 * A position no object starts at, with as many digits as any padded position: naming an object at it
 * and at 0 shows which part of a file name comes before the position.
 */
const WIDEST_POSITION = 10 ** 19;

/**
 * Every visible raw data object of the hour for the given partitions, late ones included, sorted by
 * path. The names come from the topic's layout (see `objectPathOf`): each (partition, minute) has a
 * folder, and its objects' names start with the same text before their first position. The listing
 * is one call per distinct hour folder, not one per minute.
 */
export async function listRawObjectsOfHour(
  objects: ObjectStore,
  topic: TopicConfig,
  hour: number,
  partitions: readonly string[],
): Promise<RawObject[]> {
  if (usesCaptureNames(topic.layout)) {
    throw new CaptureError(
      `compaction of topic ${topic.name}: Capture layouts are not supported yet (their file names carry no position)`,
      { retriable: false },
    );
  }
  const owners = new Map<string, { partition: string; namePrefix: string }[]>();
  const prefixes = new Set<string>();
  for (const partition of partitions) {
    const pathOf = objectPathOf(topic, partition);
    const folders = minutesOfHour(hour).map((minute) => {
      const atZero = splitPath(pathOf(probe(minute, 0)));
      const atWidest = splitPath(pathOf(probe(minute, WIDEST_POSITION)));
      const namePrefix = commonPrefix(atZero.name, atWidest.name);
      const owned = owners.get(atZero.folder) ?? [];
      owned.push({ partition, namePrefix });
      owners.set(atZero.folder, owned);
      return atZero.folder;
    });
    prefixes.add(commonFolder(folders));
  }
  const found: RawObject[] = [];
  for (const prefix of prefixes) {
    for (const path of await objects.list(prefix)) {
      const { folder, name } = splitPath(path);
      const owner = owners.get(folder)?.find((candidate) => name.startsWith(candidate.namePrefix));
      if (owner) found.push({ path, partition: owner.partition });
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  function probe(minute: number, first: number) {
    const encoding = encodingOf(topic);
    return {
      kind: 'data' as const,
      minute,
      late: false,
      encoding,
      segments: [
        {
          kind: 'data' as const,
          minute,
          first,
          last: first,
          records: 1,
          bytes: 1,
          encoding,
          digest: '',
          stagedAt: 0,
        },
      ],
    };
  }
}

function splitPath(path: string): { folder: string; name: string } {
  const slash = path.lastIndexOf('/');
  return { folder: path.slice(0, slash), name: path.slice(slash + 1) };
}

function commonPrefix(a: string, b: string): string {
  let length = 0;
  while (length < a.length && a[length] === b[length]) length++;
  return a.slice(0, length);
}

/** The deepest folder holding every given folder, with a trailing slash so it lists only inside it. */
function commonFolder(folders: readonly string[]): string {
  const split = folders.map((folder) => folder.split('/'));
  const [first = []] = split;
  let depth = 0;
  while (depth < first.length && split.every((parts) => parts[depth] === first[depth])) depth++;
  return `${first.slice(0, depth).join('/')}/`;
}
