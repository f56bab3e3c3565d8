import { usesCaptureNames } from '../config/layoutRules.js';
import type { TopicConfig } from '../config/schema.js';
import type { ObjectKind } from '../coordinates.js';
import { encodingOfKind, fileExtensionOf } from '../encode/encodings.js';
import { objectPathOf } from '../paths/lakePaths.js';
import type { ObjectReader } from '../store.js';
import { minutesOfHour } from './hours.js';

/** A visible raw data object of the hour, with the partition its path names. */
export interface RawObject {
  readonly path: string;
  readonly partition: string;
}

/** A raw object as a listing finds it: with the minute its path names too. */
export interface ListedRawObject extends RawObject {
  readonly minute: number;
}

/**
 * A position no object starts at, with as many digits as any padded position: naming an object at it
 * and at 0 shows which part of a file name comes before the position.
 */
const WIDEST_POSITION = 10 ** 19;

/**
 * After a Capture name: the extension, or `-[g<generation>-]<first position>[.late]` and then the
 * extension.
 */
const AFTER_CAPTURE_NAME = /^(-(g\d+-)?\d{20}(\.late)?)?(\.[A-Za-z0-9]+)+$/;

/**
 * Every visible raw data object of the hour for the given partitions, late ones included, sorted by
 * path. The names come from the topic's layout (see `objectPathOf`): with our layouts each
 * (partition, minute) has a folder, and its objects' names start with the same text before their
 * first position; Capture layouts are matched by name (see `listCaptureObjects`). The listing is one
 * call per distinct hour folder, not one per minute.
 */
export async function listRawObjectsOfHour(
  objects: ObjectReader,
  topic: TopicConfig,
  hour: number,
  partitions: readonly string[],
  kind: ObjectKind = 'data',
): Promise<ListedRawObject[]> {
  if (usesCaptureNames(topic.layout)) return listCaptureObjects(objects, topic, hour, partitions, kind);
  const owners = new Map<string, { partition: string; minute: number; namePrefix: string }[]>();
  const prefixes = new Set<string>();
  for (const partition of partitions) {
    const pathOf = objectPathOf(topic, partition);
    const folders = minutesOfHour(hour).map((minute) => {
      const atZero = splitPath(pathOf(probeObject(topic, kind, minute, 0)));
      const atWidest = splitPath(pathOf(probeObject(topic, kind, minute, WIDEST_POSITION)));
      const namePrefix = commonPrefix(atZero.name, atWidest.name);
      const owned = owners.get(atZero.folder) ?? [];
      owned.push({ partition, minute, namePrefix });
      owners.set(atZero.folder, owned);
      return atZero.folder;
    });
    prefixes.add(commonFolder(folders));
  }
  const found: ListedRawObject[] = [];
  for (const prefix of prefixes) {
    for (const path of await objects.list(prefix)) {
      const { folder, name } = splitPath(path);
      const owner = owners.get(folder)?.find((candidate) => name.startsWith(candidate.namePrefix));
      if (owner) found.push({ path, partition: owner.partition, minute: owner.minute });
    }
  }
  return byPath(found);
}

/**
 * A Capture layout names the minute's object after the minute alone (`…/05/00.avro`) and any other
 * object of the minute (late, or in an encoding the topic no longer writes) `<that name>-<first
 * position>[.late]<extension>` (see `layoutPath`), so an object is the partition's whose minute name
 * its path starts with, followed by an extension or a position. The name is found by trying each
 * `.` or `-` of the path as its end; the config's `captureListingProblem` makes sure that at most one
 * (partition, minute) of any hour names a given path, so nothing is attributed twice or wrongly.
 */
async function listCaptureObjects(
  objects: ObjectReader,
  topic: TopicConfig,
  hour: number,
  partitions: readonly string[],
  kind: ObjectKind,
): Promise<ListedRawObject[]> {
  const extension = fileExtensionOf(encodingOfKind(topic, kind));
  const owners = new Map<string, { partition: string; minute: number }>();
  const prefixes = new Set<string>();
  for (const partition of partitions) {
    const pathOf = objectPathOf(topic, partition);
    const folders = minutesOfHour(hour).map((minute) => {
      const name = pathOf(probeObject(topic, kind, minute, 0)).slice(0, -extension.length);
      owners.set(name, { partition, minute });
      return splitPath(name).folder;
    });
    prefixes.add(commonFolder(folders));
  }
  const found: ListedRawObject[] = [];
  for (const prefix of prefixes) {
    for (const path of await objects.list(prefix)) {
      const owner = captureOwner(path, owners);
      if (owner !== undefined) found.push({ path, ...owner });
    }
  }
  return byPath(found);
}

function captureOwner<T>(path: string, owners: ReadonlyMap<string, T>): T | undefined {
  for (let end = path.lastIndexOf('/') + 1; end < path.length; end++) {
    if (path[end] !== '.' && path[end] !== '-') continue;
    const owner = owners.get(path.slice(0, end));
    if (owner !== undefined && AFTER_CAPTURE_NAME.test(path.slice(end))) return owner;
  }
  return undefined;
}

/** The main object of a minute: what the layout names once a minute is sealed, at position `first`. */
export function probeObject(topic: TopicConfig, kind: ObjectKind, minute: number, first: number) {
  const encoding = encodingOfKind(topic, kind);
  return {
    kind,
    minute,
    late: false,
    encoding,
    segments: [
      {
        kind,
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

function byPath<T extends RawObject>(objects: T[]): T[] {
  return objects.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
