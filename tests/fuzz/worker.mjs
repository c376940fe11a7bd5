// Runs CLI invocations for the pipeline fuzzer in a worker thread, so a case that hangs or
// exhausts memory can be stopped. Loads the CLI built to `workerData.main`.
import { parentPort, workerData } from 'node:worker_threads';

const { runCli } = await import(workerData.main);
parentPort.on('message', async ({ id, argv }) => {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  parentPort.postMessage({ id, code, stdout, stderr });
});
parentPort.postMessage('ready');
