import { CaptureError } from '../../errors.js';

/**
 * The actions of Delta's transaction log that this writer writes or must understand when it replays
 * a log (see delta-io/delta PROTOCOL.md, "Actions"). Field order is fixed, so the same commit is the
 * same bytes however often it is built: a rerun after a crash writes exactly what the first run would.
 */

export interface ProtocolAction {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly readerFeatures?: readonly string[];
  readonly writerFeatures?: readonly string[];
}

export interface MetadataAction {
  readonly id: string;
  readonly name?: string;
  readonly description?: string;
  readonly format: { readonly provider: string; readonly options: Readonly<Record<string, string>> };
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime?: number;
}

export interface AddAction {
  /** Relative to the table's root, URI-encoded. */
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string>>;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** Per-file statistics as JSON text (numRecords, minValues, maxValues, nullCount). */
  readonly stats?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface RemoveAction {
  readonly path: string;
  readonly deletionTimestamp?: number;
  readonly dataChange: boolean;
}

/** An application's progress, recorded atomically with its files: how a retried write is recognised. */
export interface TxnAction {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number;
}

export type CommitInfoAction = Readonly<Record<string, unknown>>;

export type Action =
  | { readonly commitInfo: CommitInfoAction }
  | { readonly protocol: ProtocolAction }
  | { readonly metaData: MetadataAction }
  | { readonly txn: TxnAction }
  | { readonly add: AddAction }
  | { readonly remove: RemoveAction };

/** A commit file: one action per line (newline-delimited JSON). */
export function commitBytes(actions: readonly Action[]): Buffer {
  return Buffer.from(actions.map((action) => `${JSON.stringify(action)}\n`).join(''));
}

/**
 * The actions of a commit file. Unknown actions (domain metadata, CDC files, …) are skipped, as the
 * protocol asks of readers; a line that is not JSON means the log is damaged, and nothing is written
 * on top of it.
 */
export function parseCommit(bytes: Buffer, path: string): Action[] {
  const actions: Action[] = [];
  for (const [index, line] of bytes.toString('utf8').split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new CaptureError(`${path} line ${index + 1} is not JSON: the Delta log is damaged`, {
        retriable: false,
        cause: error,
      });
    }
    if (typeof value === 'object' && value !== null) actions.push(value as Action);
  }
  return actions;
}
