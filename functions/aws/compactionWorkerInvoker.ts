import type { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { CompactionGroupMessage } from '../../shared/compaction/groupMessage.js';
import { CaptureError, ConfigError } from '../../shared/errors.js';
import { onceUntilSuccess } from '../../shared/onceUntilSuccess.js';

/** The compaction worker's function name, set by the stack in infra/aws on the dispatcher. */
export const COMPACTION_WORKER_VARIABLE = 'CAPTURE_COMPACTION_WORKER';

/** Hands one partition group to a compaction worker. */
export type CompactionGroupSender = (message: CompactionGroupMessage) => Promise<void>;

/** What the sender needs of a Lambda client (a `LambdaClient` has it). */
export interface LambdaInvokeClient {
  send(command: InvokeCommand): Promise<InvokeCommandOutput>;
}

/**
 * Invokes the worker named by `CAPTURE_COMPACTION_WORKER` once per group, asynchronously
 * (`InvocationType: 'Event'`, the group as its JSON event): Lambda queues the event and answers 202
 * at once, so the dispatcher ends in seconds while the groups compact in parallel, each within the
 * worker's own time limit. Any other answer fails the dispatch, which its alarm shows; the next hourly
 * dispatch sends the group again. The Lambda SDK is loaded with the first group, and only into the
 * dispatcher's bundle: no other function imports this file.
 */
export function lambdaWorkerSender(
  env: NodeJS.ProcessEnv,
  createClient: () => Promise<LambdaInvokeClient> = defaultLambdaClient,
): CompactionGroupSender {
  const functionName = env[COMPACTION_WORKER_VARIABLE];
  if (!functionName) {
    throw new ConfigError(
      `${COMPACTION_WORKER_VARIABLE} is not set: the stack in infra/aws sets it to the compaction worker's name`,
    );
  }
  const client = onceUntilSuccess(createClient);
  return async (message) => {
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    const invocation = new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify(message)),
    });
    const { StatusCode } = await (await client()).send(invocation);
    if (StatusCode !== 202) {
      throw new CaptureError(
        `compaction of ${message.topic}: Lambda answered ${StatusCode} to the asynchronous invocation of ${functionName} for partitions ${message.partitions.join(',')}, not 202 (queued)`,
        { retriable: true },
      );
    }
  };
}

async function defaultLambdaClient(): Promise<LambdaInvokeClient> {
  const { LambdaClient } = await import('@aws-sdk/client-lambda');
  return new LambdaClient({});
}
