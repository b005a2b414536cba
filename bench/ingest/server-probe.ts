/**
 * Measurement hooks loaded into the server under test — never part of the server itself:
 *
 *   node --expose-gc --import tsx --import ./bench/ingest/server-probe.ts src/server/main.ts
 *   with BENCH_INGEST_PROBE=heap,sql,loop (any subset)
 *
 * On SIGUSR2 it prints one line `XIAOAN_BENCH_PROBE {json}` on stderr and starts a new interval:
 * - heap: a full GC, then process.memoryUsage() (splits RSS into live JS heap, heap slack and the rest);
 * - sql:  time spent in each SQL statement since the previous signal, by statement shape, on the
 *         event loop: better-sqlite3 prepare and run/all/get (synchronous, so this is exactly the
 *         time the server's only thread spent in SQLite), or pg Client.query (wall time until the
 *         answer, not event-loop time);
 * - loop: event-loop utilisation and time in GC pauses since the previous signal.
 * bench/ingest/run.ts sends the signal at the start and end of a measurement window.
 */
import { createRequire } from 'node:module';
import { PerformanceObserver, performance, type EventLoopUtilization } from 'node:perf_hooks';

const wanted = new Set((process.env.BENCH_INGEST_PROBE ?? 'heap,sql,loop').split(',').map((s) => s.trim()));
const require = createRequire(import.meta.url);

interface SqlStat {
  calls: number;
  ms: number;
  rows: number;
}
let sql = new Map<string, SqlStat>();

/** A statement's shape: its text with parameter lists collapsed, cut to 90 characters (cached: texts repeat). */
const shapes = new Map<string, string>();
function shape(text: string): string {
  let s = shapes.get(text);
  if (s === undefined) {
    if (shapes.size > 10_000) shapes.clear();
    shapes.set(text, (s = computeShape(text)));
  }
  return s;
}

function computeShape(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\((?:\s*\?\s*,?)+\)(?:\s*,\s*\((?:\s*\?\s*,?)+\))+/g, '(?…),…')
    .replace(/\$\d+/g, '$n')
    .replace(/\((?:\$n,? ?)+\)(?:, \((?:\$n,? ?)+\))+/g, '($n…),…')
    .slice(0, 90);
}

function note(key: string, ms: number, rows = 0) {
  const s = sql.get(key);
  if (s) {
    s.calls++;
    s.ms += ms;
    s.rows += rows;
  } else sql.set(key, { calls: 1, ms, rows });
}

if (wanted.has('sql')) {
  try {
    const Database = require('better-sqlite3') as { prototype: { prepare(this: unknown, s: string): object } };
    const prepare = Database.prototype.prepare;
    let patched = false;
    Database.prototype.prepare = function (this: unknown, text: string) {
      const t = performance.now();
      const stmt = prepare.call(this, text) as Record<string, unknown>;
      const key = shape(text);
      note(`prepare: ${key}`, performance.now() - t);
      if (!patched) {
        patched = true;
        const proto = Object.getPrototypeOf(stmt) as Record<string, (...a: unknown[]) => unknown>;
        for (const m of ['run', 'all', 'get'] as const) {
          const orig = proto[m];
          proto[m] = function (this: { source: string }, ...a: unknown[]) {
            const t0 = performance.now();
            const r = orig.apply(this, a);
            note(shape(this.source), performance.now() - t0, Array.isArray(r) ? r.length : 0);
            return r;
          };
        }
      }
      return stmt;
    };
  } catch {
    // better-sqlite3 not used
  }
  try {
    const pg = require('pg') as { Client: { prototype: { query(...a: unknown[]): unknown } } };
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: unknown, ...a: unknown[]) {
      const first = a[0] as string | { text?: string } | undefined;
      const text = typeof first === 'string' ? first : (first?.text ?? '');
      const t = performance.now();
      const r = query.apply(this, a);
      if (text && r && typeof (r as Promise<unknown>).then === 'function') {
        (r as Promise<{ rowCount?: number }>).then(
          (res) => note(`pg: ${shape(text)}`, performance.now() - t, res?.rowCount ?? 0),
          () => note(`pg (failed): ${shape(text)}`, performance.now() - t),
        );
      }
      return r;
    };
  } catch {
    // pg not used
  }
}

let elu: EventLoopUtilization = performance.eventLoopUtilization();
let gcMs = 0;
let gcCount = 0;
if (wanted.has('loop')) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcCount++;
    }
  }).observe({ entryTypes: ['gc'] });
}
let since = performance.now();

process.on('SIGUSR2', () => {
  const out: Record<string, unknown> = { intervalMs: performance.now() - since };
  if (wanted.has('loop')) {
    const now = performance.eventLoopUtilization();
    out.eventLoopUtilization = performance.eventLoopUtilization(now, elu).utilization;
    out.gcMs = gcMs;
    out.gcCount = gcCount;
    elu = now;
    gcMs = 0;
    gcCount = 0;
  }
  if (wanted.has('sql')) {
    out.sql = [...sql].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
    sql = new Map();
  }
  if (wanted.has('heap')) {
    const before = process.memoryUsage().rss;
    (globalThis as { gc?: () => void }).gc?.();
    const u = process.memoryUsage();
    out.heap = { rssBeforeGc: before, rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external, arrayBuffers: u.arrayBuffers };
  }
  since = performance.now();
  process.stderr.write(`XIAOAN_BENCH_PROBE ${JSON.stringify(out)}\n`);
});
