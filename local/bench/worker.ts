import { type MemoryCase, memoryCaseInWorker } from './memory.js';
import { stepsInWorker } from './stages.js';
import { type PipelineCase, pipelineInWorker, type RoundsOptions } from './throughput.js';

/**
 * The entry of every fresh process the bench starts (see spawnWorker.ts): runs one measurement task
 * and sends its result to the parent over the IPC channel.
 */
const tasks: Record<string, (input: never) => Promise<unknown>> = {
  pipeline: (input: RoundsOptions & PipelineCase) => pipelineInWorker(input),
  steps: (input: Parameters<typeof stepsInWorker>[0]) => stepsInWorker(input),
  memory: (input: MemoryCase) => memoryCaseInWorker(input),
};

const [task = '', input = 'null'] = process.argv.slice(2);
const run = tasks[task];
if (!run || !process.send) {
  console.error(`bench worker: unknown task "${task}", or not started by the bench`);
  process.exit(2);
}
const result = await run(JSON.parse(input) as never);
process.send(result, () => process.exit(0));
