/**
 * A closed-loop load generator: `concurrency` workers each run one operation at a time until
 * `total` operations have started or the time budget is spent. Latency is measured per
 * operation with the monotonic clock and grouped by the operation's label.
 *
 * Closed loop means the offered load adapts to the server: req/s is what the server sustained
 * at that concurrency, not a fixed arrival rate.
 */
import { performance } from 'node:perf_hooks';

export interface Operation {
  /** Group for the statistics (one row per label). */
  label: string;
  /** The work to time; must throw on failure (e.g. a non-2xx response). */
  run(): Promise<unknown>;
}

export interface LoadOptions {
  concurrency: number;
  /** Operations to start in total. */
  total: number;
  /** Stop starting operations after this long (operations in flight are awaited). */
  maxDurationMs: number;
  /** Operation number i (0-based) → what to run. Called when the operation starts. */
  next(i: number): Operation;
  /** Stop at the first error instead of counting it (default false). */
  failFast?: boolean;
  /** Called every `progressEvery` completed operations. */
  onProgress?(done: number, total: number): void;
  progressEvery?: number;
}

export interface LoadError {
  label: string;
  message: string;
}

export interface LoadResult {
  /** Latencies (ms) of successful operations by label, in completion order. */
  byLabel: Map<string, number[]>;
  /** All successful latencies (ms). */
  all: number[];
  errors: LoadError[];
  /** Operations that finished (successfully or not). */
  completed: number;
  /** Wall time from the first start to the last completion (ms). */
  elapsedMs: number;
  /** True when the time budget ran out before `total` operations were started. */
  timedOut: boolean;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (!(opts.concurrency >= 1)) throw new Error('concurrency must be at least 1');
  const byLabel = new Map<string, number[]>();
  const all: number[] = [];
  const errors: LoadError[] = [];
  let started = 0;
  let completed = 0;
  let timedOut = false;
  let abort: Error | undefined;
  const t0 = performance.now();
  const deadline = t0 + opts.maxDurationMs;
  const progressEvery = opts.progressEvery ?? Math.max(1, Math.floor(opts.total / 10));

  const worker = async () => {
    while (!abort && started < opts.total) {
      if (performance.now() > deadline) {
        timedOut = true;
        return;
      }
      const op = opts.next(started++);
      const s = performance.now();
      try {
        await op.run();
        const ms = performance.now() - s;
        let list = byLabel.get(op.label);
        if (!list) byLabel.set(op.label, (list = []));
        list.push(ms);
        all.push(ms);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        errors.push({ label: op.label, message });
        if (opts.failFast) abort = new Error(`${op.label}: ${message}`);
      }
      completed++;
      if (opts.onProgress && completed % progressEvery === 0) opts.onProgress(completed, opts.total);
    }
  };

  await Promise.all(Array.from({ length: Math.min(opts.concurrency, Math.max(1, opts.total)) }, worker));
  if (abort) throw abort;
  return { byLabel, all, errors, completed, elapsedMs: performance.now() - t0, timedOut };
}

/** Weighted choice among labelled generators, driven by a seeded random source. */
export function weightedPicker<T extends { weight: number }>(items: readonly T[], random: () => number): () => T {
  const total = items.reduce((s, x) => s + x.weight, 0);
  if (!(total > 0)) throw new Error('weights must add up to more than 0');
  return () => {
    let r = random() * total;
    for (const item of items) {
      r -= item.weight;
      if (r < 0) return item;
    }
    return items[items.length - 1]!;
  };
}

/** Small fast seeded PRNG (mulberry32) so that data and query mixes are repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
