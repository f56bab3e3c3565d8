import type { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaWorkerSender } from '../../../../functions/aws/compactionWorkerInvoker.js';
import { ConfigError } from '../../../../shared/errors.js';

/** A Lambda client that records each Invoke and answers with the given status. */
function recordingClient(statusCode: number) {
  const sent: InvokeCommand['input'][] = [];
  return {
    sent,
    create: async () => ({
      async send(command: InvokeCommand): Promise<InvokeCommandOutput> {
        sent.push(command.input);
        return { StatusCode: statusCode, $metadata: {} };
      },
    }),
  };
}

const GROUP = { topic: 'payments', partitions: ['8', '9', '10', '11'] };

describe('Function: lambdaWorkerSender', () => {
  it('invokes the worker named by CAPTURE_COMPACTION_WORKER asynchronously, with the group as its JSON event', async () => {
    // Prepare
    const client = recordingClient(202);
    const send = lambdaWorkerSender({ CAPTURE_COMPACTION_WORKER: 'capture-payments-worker' }, client.create);

    // Act
    await send(GROUP);
    await send({ ...GROUP, partitions: ['0', '1', '2', '3'] });

    // Assess
    expect(client.sent).toHaveLength(2);
    const [first] = client.sent;
    expect(first).toMatchObject({ FunctionName: 'capture-payments-worker', InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(first?.Payload as Uint8Array).toString('utf8'))).toEqual(GROUP);
  });

  it('fails the dispatch when Lambda did not queue the event', async () => {
    // Prepare
    const send = lambdaWorkerSender(
      { CAPTURE_COMPACTION_WORKER: 'capture-payments-worker' },
      recordingClient(200).create,
    );

    // Act & Assess
    await expect(send(GROUP)).rejects.toThrow(
      'Lambda answered 200 to the asynchronous invocation of capture-payments-worker for partitions 8,9,10,11, not 202',
    );
  });

  it('refuses to start without the worker to invoke, saying who sets it', () => {
    // Act
    const create = () => lambdaWorkerSender({}, recordingClient(202).create);

    // Assess
    expect(create).toThrow(ConfigError);
    expect(create).toThrow('CAPTURE_COMPACTION_WORKER is not set: the stack in infra/aws sets it');
  });
});
