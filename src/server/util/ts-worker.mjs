// Entry of every worker thread: TypeScript worker scripts run through tsx here, since a worker
// does not inherit the main thread's `--import tsx` loader on every Node version.
import { workerData } from 'node:worker_threads';

const { script } = workerData;
if (script.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(script);
