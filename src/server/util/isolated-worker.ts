import { Worker } from 'node:worker_threads';

/** What the worker script answers for each job. */
export type WorkerReply<O> = { id: number; ok: true; output: O } | { id: number; ok: false; error: string };

export class WorkerJobFailed extends Error {}

/** The entry of every worker thread (runs a TypeScript worker script through tsx). */
export const TS_WORKER_ENTRY = new URL('./ts-worker.mjs', import.meta.url);

interface Job<I, O> {
  id: number;
  input: I;
  resolve(output: O): void;
  reject(error: Error): void;
}

/**
 * Runs CPU-heavy or risky work (PDF rendering, file parsing) in one worker thread, one job at a
 * time, so it neither stalls the event loop that acknowledges devices nor ends the process when it
 * throws where no catch reaches or runs out of memory: then only the worker dies, the job fails,
 * and the next job starts a fresh worker. Jobs past `timeoutMs` fail the same way.
 */
export class IsolatedWorker<I, O> {
  private worker: Worker | null = null;
  private readonly queue: Job<I, O>[] = [];
  private current: Job<I, O> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly script: URL,
    private readonly opts: { name: string; timeoutMs: number; maxOldGenerationSizeMb: number; maxQueue?: number },
  ) {}

  run(input: I): Promise<O> {
    if (this.closed) return Promise.reject(new WorkerJobFailed(`${this.opts.name}: shutting down`));
    if (this.queue.length >= (this.opts.maxQueue ?? 20)) return Promise.reject(new WorkerJobFailed(`${this.opts.name}: too many jobs waiting; try again shortly`));
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new WorkerJobFailed(`${this.opts.name}: shutting down`));
    await this.worker?.terminate();
    this.worker = null;
  }

  private pump() {
    if (this.current || !this.queue.length) return;
    const job = this.queue.shift()!;
    this.current = job;
    const worker = this.ensureWorker();
    worker.ref(); // a job in progress keeps the process alive; an idle worker does not
    this.timer = setTimeout(() => this.fail(new WorkerJobFailed(`${this.opts.name}: took longer than ${this.opts.timeoutMs / 1000} s`), true), this.opts.timeoutMs);
    worker.postMessage({ id: job.id, input: job.input });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(TS_WORKER_ENTRY, { workerData: { script: this.script.href }, resourceLimits: { maxOldGenerationSizeMb: this.opts.maxOldGenerationSizeMb } });
    worker.unref();
    worker.on('message', (reply: WorkerReply<O>) => {
      const job = this.current;
      if (!job || reply.id !== job.id) return;
      this.finish();
      if (reply.ok) job.resolve(reply.output);
      else job.reject(new WorkerJobFailed(`${this.opts.name}: ${reply.error}`));
      this.pump();
    });
    worker.on('error', (error) => this.fail(new WorkerJobFailed(`${this.opts.name} failed: ${error.message}`), false, worker));
    worker.on('exit', (code) => {
      // A worker already replaced (after an error or a timeout) has no job of its own any more.
      if (this.worker !== worker) return;
      this.worker = null;
      if (this.current) this.fail(new WorkerJobFailed(`${this.opts.name} stopped (exit ${code})`), false, null);
    });
    this.worker = worker;
    return worker;
  }

  private finish() {
    this.worker?.unref();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
  }

  /** The current job fails; the worker is replaced (terminated first when it may still be busy). */
  private fail(error: Error, terminate: boolean, worker: Worker | null = this.worker) {
    const job = this.current;
    if (worker && this.worker === worker) this.worker = null;
    if (terminate && worker) void worker.terminate();
    if (!job) return;
    this.finish();
    job.reject(error);
    this.pump();
  }
}
