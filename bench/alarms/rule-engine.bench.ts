/**
 * Alarm rule evaluation with 1,000 rules at 20,000 events/s (issue #5).
 *
 *   npm run bench:alarms                                          # both parts, SQLite
 *   node --import tsx bench/alarms/rule-engine.bench.ts --db postgres
 *   node --import tsx bench/alarms/rule-engine.bench.ts --part a --events 100000
 *   node --import tsx bench/alarms/rule-engine.bench.ts --help
 *
 * Setup (both parts, each on a fresh store): the demo generator's main campus thinned to
 * ≈ --devices devices with positions and camera geometry (bench/alarms/university.ts), its
 * default rules, and generated rules up to --rules enabled rules, each through
 * RulesService.create (validated). Events: bench/alarms/event-mix.ts.
 *
 * (a) engine throughput: --events events are first stored (the count triggers query the events
 *     table), then fed in batches of --batch through AlarmEngine.process as the alarm consumer
 *     would, one after the other; events/s, µs per event, per-batch p50/p99.
 * (b) paced end to end: --rate events/s offered for --warmup + --seconds through the real
 *     EventWriter (group commit) with the real AlarmConsumer and ActionExecutor behind it (the
 *     composition of createServices); achieved commit rate, consumer lag (commit → engine done
 *     for the batch) p50/p99/max, alarms created, CPU.
 *
 * Options (defaults in brackets):
 *   --db sqlite|postgres   [sqlite]; postgres starts a temporary server (scripts/pg-test-server.ts)
 *   --part a|b|ab          [ab]
 *   --devices N [2000]  --rules N [1000]  --seed N [7]
 *   --events N [200000]  --batch N [1000]                      (a)
 *   --rate N [20000]  --warmup S [3]  --seconds S [20]          (b)
 *   --write-results        replace this benchmark's block in bench/RESULTS.md
 *   --keep-data            keep the temporary data directory
 * SQL time by statement: BENCH_INGEST_PROBE=sql,loop node --import tsx --import ./bench/ingest/server-probe.ts bench/alarms/rule-engine.bench.ts …
 *   (the probe prints `XIAOAN_BENCH_PROBE {json}` at the end of each measured part).
 * Profile with: node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/alarms/rule-engine.bench.ts …
 * Exit code 1 when (b) does not keep up with the offered rate (achieved < 95 % or lag p99 > 1 s).
 */
import { ownTables } from '../../src/server/store/tables.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/server/config.ts';
import { systemClock } from '../../src/server/clock.ts';
import { createServices, type Services } from '../../src/server/http/app.ts';
import { AlarmEngine, inScope } from '../../src/server/modules/alarms/alarm-engine.ts';
import { DevicePlaces } from '../../src/server/modules/alarms/device-places.ts';
import { EventsRepository } from '../../src/server/modules/events/events.repository.ts';
import { openStore, type Store } from '../../src/server/store/database.ts';
import { migrateToLatest } from '../../src/server/store/migrations/index.ts';
import { uuid7 } from '../../src/server/util/uuid7.ts';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { describeMachine, machineInfo, processTreeCpuMs } from '../lib/machine.ts';
import { upsertResultsBlock } from '../lib/results.ts';
import { sqliteVersion } from '../lib/server.ts';
import { fmtMs, markdownTable, summarize, textTable, type Summary } from '../lib/stats.ts';
import { EventMix, isAlarmKind, MIX } from './event-mix.ts';
import { createBenchUniversity, type BenchUniversity } from './university.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    part: { type: 'string', default: 'ab' },
    devices: { type: 'string', default: '2000' },
    rules: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '7' },
    events: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '20' },
    'write-results': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (args.help) {
  console.log(/\/\*\*([\s\S]*?)\*\//.exec(readFileSync(fileURLToPath(import.meta.url), 'utf8'))![1]!.replace(/^ \* ?/gm, ''));
  process.exit(0);
}
const int = (name: keyof typeof args, min: number, max: number) => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < min || v > max) {
    console.error(`--${name} must be an integer in ${min}..${max}`);
    process.exit(2);
  }
  return v;
};
const opt = {
  db: args.db as 'sqlite' | 'postgres',
  parts: String(args.part),
  devices: int('devices', 100, 10_000),
  rules: int('rules', 20, 10_000),
  seed: int('seed', 0, 2 ** 31),
  events: int('events', 1000, 5_000_000),
  batch: int('batch', 1, 10_000),
  rate: int('rate', 1, 200_000),
  warmupS: int('warmup', 0, 600),
  seconds: int('seconds', 1, 3600),
};
if (!['sqlite', 'postgres'].includes(opt.db)) {
  console.error('--db must be sqlite or postgres');
  process.exit(2);
}

/** Event times: Thursday 2026-11-26 21:00 Beijing time (after hours: some schedules armed, some not). */
const BASE_MS = Date.parse('2026-11-26T13:00:00.000Z');
const t0 = Date.now();
const log = (m: string) => console.log(`[+${Math.round((Date.now() - t0) / 1000)}s] ${m}`);
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** With bench/ingest/server-probe.ts loaded (--probe), marks a measurement window: the probe prints its figures since the last mark. */
const probeMark = () => {
  if (process.env.BENCH_INGEST_PROBE) process.kill(process.pid, 'SIGUSR2');
};
const loadAvg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

// ------------------------------------------------------------------ store

interface Env {
  store: Store;
  services: Services;
  uni: BenchUniversity;
  dbVersion: string;
  pgPid?: number;
  dispose(): Promise<void>;
}

let pgServer: Awaited<ReturnType<typeof import('../../scripts/pg-test-server.ts').startTemporaryPostgres>> | undefined;

async function freshEnv(label: string): Promise<Env> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `xiaoan-bench-alarms-${label}-`));
  let databaseUrl: string | undefined;
  let dbVersion: string;
  let pgPid: number | undefined;
  if (opt.db === 'postgres') {
    if (!pgServer) {
      const { startTemporaryPostgres } = await import('../../scripts/pg-test-server.ts');
      pgServer = await startTemporaryPostgres();
      process.on('exit', () => void pgServer?.stop());
    }
    const { default: pg } = await import('pg');
    const name = `xiaoan_bench_alarms_${label}_${Date.now().toString(36)}`;
    const c = new pg.Client({ connectionString: pgServer.url });
    await c.connect();
    try {
      await c.query(`create database ${name}`);
      const r = await c.query<{ pid: string }>('select pg_backend_pid() as pid');
      void r;
    } finally {
      await c.end();
    }
    const u = new URL(pgServer.url);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dbVersion = `PostgreSQL ${pgServer.version}`;
    pgPid = postmasterPid(pgServer.baseDir);
  } else {
    dbVersion = `SQLite ${await sqliteVersion()}`;
  }
  const store = openStore({ dataDir, databaseUrl });
  await migrateToLatest(store.db, store.dialect);
  const services = createServices(loadConfig({}, { XIAOAN_DATA_DIR: dataDir }), store, systemClock);
  log(`${label}: ${store.describe}; creating the university and ${opt.rules} rules …`);
  const uni = await createBenchUniversity(store, services, { devices: opt.devices, rules: opt.rules, seed: opt.seed });
  log(
    `${label}: ${uni.devices.length} devices in ${uni.buildings.length} buildings, ${uni.keySites} key sites (${fmt(uni.setupMs.university)} ms); ` +
      `${uni.enabledRules} enabled rules (${fmt(uni.setupMs.rules)} ms through RulesService.create)`,
  );
  return {
    store,
    services,
    uni,
    dbVersion,
    pgPid,
    dispose: async () => {
      services.live.close();
      await services.writer.close();
      await store.close();
      if (!args['keep-data']) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function postmasterPid(baseDir: string): number | undefined {
  try {
    return Number(readFileSync(path.join(baseDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

async function countRows(store: Store, table: 'alarms' | 'rule_runs' | 'pending_actions' | 'events'): Promise<number> {
  const r = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

// ------------------------------------------------------------------ (a)

interface PartA {
  events: number;
  batches: number;
  totalMs: number;
  perBatch: Summary;
  perEvent: { candidates: number; inScope: number; count: number; event: number; absence: number };
  alarms: number;
  ruleRuns: number;
  pending: number;
  cpuCores: number;
  storeMs: number;
}

async function partA(): Promise<PartA> {
  const env = await freshEnv('a');
  try {
    const { store, services, uni } = env;
    const mix = new EventMix(uni.universityId, uni.devices, opt.seed, 'a');
    const repo = new EventsRepository();
    const events: DeviceEvent[] = [];
    const ts = performance.now();
    for (let i = 0; i < opt.events; i += 5000) {
      const chunk: DeviceEvent[] = [];
      for (let j = i; j < Math.min(opt.events, i + 5000); j++) {
        const at = new Date(BASE_MS + (j * 1000) / opt.rate).toISOString();
        const e = mix.next(at);
        e.id = uuid7();
        chunk.push(e);
      }
      await store.db.transaction().execute((trx) => repo.append(ownTables<'events'>(trx), chunk));
      events.push(...chunk);
    }
    const storeMs = performance.now() - ts;
    log(`(a) ${fmt(events.length)} events stored in ${fmt(storeMs)} ms (at ${fmt(opt.rate)}/s of event time: ${fmt(events.length / opt.rate, 1)} s)`);

    // The engine as createServices builds it (its own caches), without the consumer.
    const places = new DevicePlaces(services.devices, services.org, services.bus);
    const engine = new AlarmEngine(ownTables<'alarms'>(store.db), services.rules, places, services.alarmProcedures, systemClock, services.calendar, services.events);

    // What the rules ask per event (computed outside the timing): candidates by kind, in scope, by trigger type.
    const rules = await services.rules.rulesFor(uni.universityId);
    const byKind = new Map<string, typeof rules>();
    for (const r of rules) for (const k of r.definition.trigger.type === 'absence' ? ['rule.absence'] : r.definition.trigger.kinds) byKind.set(k, [...(byKind.get(k) ?? []), r]);
    const per = { candidates: 0, inScope: 0, count: 0, event: 0, absence: 0 };
    for (const e of events) {
      const cands = byKind.get(e.kind) ?? [];
      per.candidates += cands.length;
      if (!cands.length) continue;
      const place = await places.device(e.orgId, e.deviceId);
      for (const r of cands) {
        if (!inScope(r.definition.trigger, place)) continue;
        per.inScope++;
        per[r.definition.trigger.type]++;
      }
    }

    // Warm-up: load rules, places and calendar caches on a batch that is not timed (and not counted).
    await engine.process(events.slice(0, Math.min(opt.batch, 100)), 'bench-warmup');
    const times: number[] = [];
    probeMark();
    await sleep(50); // the signal is handled on the event loop
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < events.length; i += opt.batch) {
      const batch = events.slice(i, i + opt.batch);
      const b0 = performance.now();
      await engine.process(batch, 'bench');
      times.push(performance.now() - b0);
    }
    const totalMs = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    probeMark();
    await sleep(50);
    const n = events.length;
    return {
      events: n,
      batches: times.length,
      totalMs,
      perBatch: summarize(times),
      perEvent: { candidates: per.candidates / n, inScope: per.inScope / n, count: per.count / n, event: per.event / n, absence: per.absence / n },
      alarms: await countRows(store, 'alarms'),
      ruleRuns: await countRows(store, 'rule_runs'),
      pending: await countRows(store, 'pending_actions'),
      cpuCores: (cpu.user + cpu.system) / 1000 / totalMs,
      storeMs,
    };
  } finally {
    await env.dispose();
  }
}

// ------------------------------------------------------------------ (b)

interface PartB {
  offered: number;
  seconds: number;
  generated: number;
  committed: number;
  achieved: number;
  lag: Summary;
  lagEventWeighted: { p50: number; p99: number };
  batches: number;
  meanBatch: number;
  maxQueue: number;
  drainMs: number;
  alarms: number;
  ruleRuns: number;
  pending: number;
  cpuCores: number;
  pgCores?: number;
  elu: number;
  kinds: Map<string, number>;
  alarmEvents: number;
  backlogAtEnd: number;
}

async function partB(): Promise<PartB> {
  const env = await freshEnv('b');
  try {
    const { store, services, uni } = env;
    await services.alarmConsumer.start();
    const mix = new EventMix(uni.universityId, uni.devices, opt.seed, 'b');
    const engine = (services.alarmConsumer as unknown as { engine: AlarmEngine }).engine;
    const queue = (services.alarmConsumer as unknown as { queue: unknown[] }).queue;

    // Commit time per batch (the bus publishes right after the group commit), engine-done time per batch.
    const commits = new Map<string, { at: number; size: number }>();
    const lags: { lag: number; size: number; at: number }[] = [];
    let windowStart = Infinity;
    let windowEnd = Infinity;
    let committedInWindow = 0;
    let maxQueue = 0;
    services.bus.subscribe('events.committed', (events) => {
      const at = performance.now();
      commits.set(events[events.length - 1]!.id, { at, size: events.length });
      if (at >= windowStart && at < windowEnd) committedInWindow += events.length;
      maxQueue = Math.max(maxQueue, queue.length);
    });
    const process_ = engine.process.bind(engine);
    engine.process = async (events, consumer) => {
      const r = await process_(events, consumer);
      const c = commits.get(events[events.length - 1]!.id);
      if (c) {
        commits.delete(events[events.length - 1]!.id);
        if (c.at >= windowStart && c.at < windowEnd) lags.push({ lag: performance.now() - c.at, size: c.size, at: c.at });
      }
      return r;
    };
    // Caches (rules, device places) are loaded by the first batches, inside the warm-up.

    const tStart = performance.now();
    windowStart = tStart + opt.warmupS * 1000;
    windowEnd = windowStart + opt.seconds * 1000;
    let generated = 0;
    let failures = 0;
    let cpu0: NodeJS.CpuUsage | undefined;
    let elu0: ReturnType<typeof performance.eventLoopUtilization> | undefined;
    let pg0: number | undefined;
    let cpu: NodeJS.CpuUsage | undefined;
    let elu = 0;
    let pgMs: number | undefined;
    let generatedInWindow = 0;
    // After a stall (a commit, an engine batch) the whole deficit is offered at once, as devices with
    // messages queued would send them; at most one second's worth per tick.
    const perRateCap = opt.rate;
    log(`(b) offering ${fmt(opt.rate)} events/s for ${opt.warmupS} s warm-up + ${opt.seconds} s; load average ${loadAvg()}`);
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        if (!cpu0 && now >= windowStart) {
          probeMark();
          cpu0 = process.cpuUsage();
          elu0 = performance.eventLoopUtilization();
          pg0 = env.pgPid ? processTreeCpuMs(env.pgPid) : undefined;
        }
        if (now >= windowEnd) {
          cpu = process.cpuUsage(cpu0);
          probeMark();
          elu = performance.eventLoopUtilization(elu0).utilization;
          const pg1 = env.pgPid ? processTreeCpuMs(env.pgPid) : undefined;
          pgMs = pg0 !== undefined && pg1 !== undefined ? pg1 - pg0 : undefined;
          return resolve();
        }
        const due = Math.min(Math.floor(((now - tStart) / 1000) * opt.rate) - generated, perRateCap);
        const inWindow = now >= windowStart;
        for (let i = 0; i < due; i++) {
          const e = mix.next(new Date(BASE_MS + (now - tStart)).toISOString());
          generated++;
          if (inWindow) generatedInWindow++;
          services.writer.append(e).catch(() => failures++);
        }
        setTimeout(tick, 1);
      };
      tick();
    });
    const backlogAtEnd = queue.reduce<number>((s, b) => s + (b as unknown[]).length, 0);
    const d0 = performance.now();
    await Promise.race([(async () => {
      await services.writer.close();
      await services.alarmConsumer.settled();
    })(), sleep(300_000)]);
    const drainMs = performance.now() - d0;
    await sleep(500); // pending actions started by the last batches
    if (failures) log(`(b) ${failures} appends failed`);
    const lagSamples = lags.map((l) => l.lag);
    // Event-weighted: the lag each event saw (its batch's lag), percentiles over events.
    const sorted = [...lags].sort((a, b) => a.lag - b.lag);
    const total = sorted.reduce((s, l) => s + l.size, 0);
    const at = (p: number) => {
      let acc = 0;
      for (const l of sorted) if ((acc += l.size) >= p * total) return l.lag;
      return NaN;
    };
    return {
      offered: opt.rate,
      seconds: opt.seconds,
      generated: generatedInWindow,
      committed: committedInWindow,
      achieved: committedInWindow / opt.seconds,
      lag: summarize(lagSamples),
      lagEventWeighted: { p50: at(0.5), p99: at(0.99) },
      batches: lags.length,
      meanBatch: total / Math.max(1, lags.length),
      maxQueue,
      drainMs,
      alarms: await countRows(store, 'alarms'),
      ruleRuns: await countRows(store, 'rule_runs'),
      pending: await countRows(store, 'pending_actions'),
      cpuCores: cpu ? (cpu.user + cpu.system) / 1000 / (opt.seconds * 1000) : NaN,
      pgCores: pgMs !== undefined ? pgMs / (opt.seconds * 1000) : undefined,
      elu,
      kinds: mix.counts,
      alarmEvents: [...mix.counts].filter(([k]) => isAlarmKind(k)).reduce((s, [, c]) => s + c, 0),
      backlogAtEnd,
    };
  } finally {
    await env.dispose();
  }
}

// ------------------------------------------------------------------ main

async function main() {
  const machine = machineInfo();
  const loadBefore = loadAvg();
  log(`machine: ${describeMachine(machine)}; load average ${loadBefore}`);
  let a: PartA | undefined;
  let b: PartB | undefined;
  let dbVersion = opt.db === 'sqlite' ? `SQLite ${await sqliteVersion()}` : 'PostgreSQL';
  let uniInfo = '';
  try {
    if (opt.parts.includes('a')) {
      a = await partA();
      const per = a.perEvent;
      log(
        `(a) ${fmt(a.events)} events in ${fmt(a.totalMs)} ms = ${fmt(a.events / (a.totalMs / 1000))} events/s, ${fmt((a.totalMs * 1000) / a.events, 1)} µs/event; ` +
          `batch of ${opt.batch}: p50 ${fmtMs(a.perBatch.p50)} ms p99 ${fmtMs(a.perBatch.p99)} ms max ${fmtMs(a.perBatch.max)} ms; alarms ${fmt(a.alarms)}, rule runs ${fmt(a.ruleRuns)}; ` +
          `rules per event: ${per.candidates.toFixed(2)} by kind, ${per.inScope.toFixed(3)} in scope (${per.count.toFixed(3)} count = SQL counts)`,
      );
    }
    if (opt.parts.includes('b')) {
      b = await partB();
      log(
        `(b) offered ${fmt(b.offered)}/s, committed ${fmt(b.achieved)}/s; consumer lag p50 ${fmtMs(b.lag.p50)} ms p99 ${fmtMs(b.lag.p99)} ms max ${fmtMs(b.lag.max)} ms over ${b.batches} batches (mean ${fmt(b.meanBatch)} events); ` +
          `backlog at end ${fmt(b.backlogAtEnd)} events, drained in ${fmt(b.drainMs)} ms; alarms ${fmt(b.alarms)}; CPU ${b.cpuCores.toFixed(2)} cores, event loop ${(b.elu * 100).toFixed(0)} %`,
      );
    }
  } finally {
    await pgServer?.stop();
  }
  if (pgServer) dbVersion = `PostgreSQL ${pgServer.version}`;
  const loadAfter = loadAvg();
  void uniInfo;

  const rows: (string | number)[][] = [];
  if (a) {
    rows.push(['(a) engine throughput, stored events, batches of ' + fmt(opt.batch), `${fmt(a.events / (a.totalMs / 1000))} events/s = ${fmt((a.totalMs * 1000) / a.events, 1)} µs/event`]);
    rows.push(['(a) per batch p50 / p99 / max', `${fmtMs(a.perBatch.p50)} / ${fmtMs(a.perBatch.p99)} / ${fmtMs(a.perBatch.max)} ms`]);
  }
  if (b) {
    rows.push([`(b) offered ${fmt(b.offered)} events/s for ${b.seconds} s: committed`, `${fmt(b.achieved)} events/s (${((b.achieved / b.offered) * 100).toFixed(1)} %)`]);
    rows.push(['(b) consumer lag commit → engine done, p50 / p99 / max (per batch)', `${fmtMs(b.lag.p50)} / ${fmtMs(b.lag.p99)} / ${fmtMs(b.lag.max)} ms`]);
    rows.push(['(b) alarms created / rule runs / pending actions', `${fmt(b.alarms)} / ${fmt(b.ruleRuns)} / ${fmt(b.pending)}`]);
    rows.push(['(b) CPU (benchmark process = writer + engine + consumers)', `${b.cpuCores.toFixed(2)} cores${b.pgCores !== undefined ? ` + PostgreSQL ${b.pgCores.toFixed(2)} cores` : ''}, event loop busy ${(b.elu * 100).toFixed(0)} %`]);
  }
  console.log('\n' + textTable(['measure', 'figure'], rows, ['left', 'right']));
  const ok = !b || (b.achieved >= 0.95 * b.offered && b.lag.p99 < 1000);

  if (args['write-results']) {
    const lines: string[] = [];
    lines.push(`#### ${dbVersion}`, '');
    lines.push(
      `Run 2026-11-26 ${new Date().toISOString().slice(11, 16)} UTC on ${describeMachine(machine)}; load average (1/5/15 min) ${loadBefore} before, ${loadAfter} after.`,
    );
    lines.push(`Command: \`node --import tsx bench/alarms/rule-engine.bench.ts ${process.argv.slice(2).filter((x) => x !== '--write-results').join(' ')}\`` + ' (`npm run bench:alarms`)', '');
    lines.push(markdownTable(['measure', 'figure'], rows, ['left', 'right']), '');
    if (a) {
      const p = a.perEvent;
      lines.push(
        `- (a) ${fmt(a.events)} stored events (${fmt(a.events / opt.rate, 0)} s of event time at ${fmt(opt.rate)}/s), ${a.batches} batches; one core (${a.cpuCores.toFixed(2)} cores of CPU). ` +
          `Per event the kind index yields ${p.candidates.toFixed(2)} candidate rules, ${p.inScope.toFixed(3)} in scope: ${p.count.toFixed(3)} count triggers (one windowed SQL count each), ${p.event.toFixed(3)} event triggers, ${p.absence.toFixed(3)} absence. ` +
          `Result: ${fmt(a.alarms)} alarms, ${fmt(a.ruleRuns)} rule runs, ${fmt(a.pending)} pending actions.`,
      );
    }
    if (b) {
      const kinds = [...b.kinds].sort((x, y) => y[1] - x[1]).map(([k, c]) => `${k} ${fmt(c)}`).join(', ');
      lines.push(
        `- (b) ${fmt(b.generated)} events generated in the ${b.seconds} s window, ${fmt(b.committed)} committed in ${b.batches} group commits (mean ${fmt(b.meanBatch)} events). ` +
          `Lag weighted by events: p50 ${fmtMs(b.lagEventWeighted.p50)} ms, p99 ${fmtMs(b.lagEventWeighted.p99)} ms. Largest consumer queue ${b.maxQueue} batches; backlog when the offer stopped ${fmt(b.backlogAtEnd)} events, drained in ${fmt(b.drainMs)} ms. ` +
          `Alarm-kind events ${fmt(b.alarmEvents)} of ${fmt([...b.kinds.values()].reduce((s, c) => s + c, 0))} generated (warm-up included): ${kinds}.`,
      );
    }
    upsertResultsBlock(`alarms:rule-engine:${opt.db}`, lines.join('\n'), { after: '### Alarm rule engine figures' });
    log('bench/RESULTS.md updated');
  }
  if (!ok) process.exitCode = 1;
}

await main();
void MIX;
