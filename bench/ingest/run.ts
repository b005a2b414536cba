/**
 * Live event pipeline benchmark: MQTT QoS 1 ingest, from a separate load process, in one run.
 *
 *   npm run bench:ingest                                   # everything, SQLite and PostgreSQL (when available)
 *   node --import tsx bench/ingest/run.ts --db sqlite --phases raw,e2e,latency
 *   node --import tsx bench/ingest/run.ts --help
 *
 * Phases (--phases, default all):
 *   raw      (a) a bare aedes broker in its own process (no auth, no hooks, same aedes options as
 *            xiaoan's broker) under the same closed-loop QoS 1 load: the broker's own ceiling.
 *   e2e      (b) the real server (`node --import tsx src/server/main.ts`, XIAOAN_DEMO=0, own data
 *            directory / fresh PostgreSQL database, store prepared before the start by
 *            bench/ingest/setup.ts), same load: every PUBACK means received → validated →
 *            committed → published on the bus. An admin WebSocket on /api/live counts the pushed
 *            events meanwhile (a command-centre screen is part of the pipeline).
 *   latency  (c) on the same server after (b): a steady --steady-rate events/s; publish → arrival
 *            on the admin's WebSocket, matched by sourceEventId (both on CLOCK_MONOTONIC).
 *   rss      (d) a fresh SQLite server with --rss-devices devices, connected over MQTT in 4 steps
 *            (light client; above 20,000 spread over 127.0.0.x source addresses) and sending
 *            heartbeats every --hb-interval s; server VmRSS from /proc/<pid>/status after each
 *            step and every 15 s of --rss-minutes of heartbeats. When the open-file limit is
 *            below what the count needs (and cannot be raised), as many devices as the limit
 *            allows connect over MQTT and the rest (all registered in the ledger) send their
 *            heartbeats over HTTP (POST /api/ingest/heartbeat from bench/ingest/http-heartbeats.ts,
 *            a separate process with --http-sockets keep-alive sockets): all --rss-devices in one
 *            server, measured; the all-MQTT figure is extrapolated linearly (both are reported).
 *
 * Options (defaults in brackets):
 *   --db sqlite|postgres|both     database(s) for e2e and latency [both; postgres skipped when not installed]
 *   --devices N                   publishing devices (connections) for raw and e2e [100]
 *   --window N                    QoS 1 messages in flight per device [50]
 *   --warmup S / --measure S      saturation warm-up and measurement [5 / 20]
 *   --steady-rate N               events/s for the latency phase [1000]
 *   --steady-devices N            devices sending them [50]
 *   --steady-warmup S / --steady-seconds S   [5 / 30]
 *   --rss-devices N               devices connected for the RSS phase [50000]
 *   --rss-minutes M               minutes of heartbeats after connecting [3]
 *   --hb-interval S               heartbeat interval of each device [60]
 *   --hb-qos 0|1                  heartbeat QoS [0]
 *   --connect-concurrency N       connections opened at once [500]
 *   --no-rss-http                 memory phase under the open-file limit: no HTTP devices, only extrapolate
 *   --http-sockets N              keep-alive sockets of the HTTP heartbeat process [32]
 *   --broker-concurrency N        aedes `concurrency` of the raw broker [1000, as xiaoan's]
 *   --no-live                     no WebSocket client during the saturation phase
 *   --quiet-wait S                before each measurement wait up to S s until other processes on the
 *                                 machine use less than --quiet-cores CPU (2 s samples) [30, 0.3]
 *   --profile                     CPU-profile the server (--cpu-prof) and summarise the saturation window
 *   --no-probe                    do not load bench/ingest/server-probe.ts into the server (it times SQL
 *                                 statements, GC and event-loop use during each measurement window)
 *   --heap-probe                  memory phase: after each RSS reading also force a GC in the server and
 *                                 read its heap (bench/ingest/server-probe.ts); later readings are then lower
 *   --pg-url URL                  use this running (loopback) PostgreSQL instead of a temporary one
 *   --server-node-args='…'        node arguments for the server [those of package.json's `start` script,
 *                                 so the server runs as `npm start` runs it], e.g. '--max-semi-space-size=64'
 *   --server-root DIR             start src/server/main.ts of another checkout (to measure a candidate
 *                                 change; the store is still prepared by this checkout's code)
 *   --write-results               replace the figures block in bench/RESULTS.md
 *   --keep-data                   keep the temporary data directories
 *
 * Exit code 1 when a target is missed or the run failed. Only 127.0.0.1 is used; every process,
 * directory and database started here is removed at the end, on error and on Ctrl-C. The RSS
 * phase raises this process's open-file limit (prlimit; above the hard limit this needs
 * CAP_SYS_RESOURCE) so that the server and the load process, its children, can hold 50,000
 * connections each.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineCpuMs, machineInfo, describeMachine, ownCpuMs, processCpuMs, processTreeCpuMs } from '../lib/machine.ts';
import { upsertResultsBlock } from '../lib/results.ts';
import { existingPostgres, sqliteVersion, type DbKind, type PostgresHandle } from '../lib/server.ts';
import { markdownTable, textTable, type Align } from '../lib/stats.ts';
import { openStore } from '../../src/server/store/database.ts';
import { LiveClient } from './live-client.ts';
import { findProfile, summarizeProfile, type ProfileSummary } from './profile.ts';
import { kindOf, type BrokerReply, type LatencySummary, type LoadCommand, type LoadDevice, type LoadReply, type SaturateResult, type SteadyResult } from './protocol.ts';
import { startIngestServer, type HeapProbe, type IngestServer, type ProbeReport } from './server.ts';
import type { HttpHeartbeatCommand, HttpHeartbeatReply } from './http-heartbeats.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ADMIN_PASSWORD = 'bench-ingest-Passw0rd';
const TARGET = { e2eRate: 20_000, e2eShareOfRaw: 0.5, p99Ms: 200, rssBytes: 1024 ** 3 };
const PHASES = ['raw', 'e2e', 'latency', 'rss'] as const;
type Phase = (typeof PHASES)[number];

// ---------------------------------------------------------------- arguments

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    phases: { type: 'string', default: PHASES.join(',') },
    devices: { type: 'string', default: '100' },
    window: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '5' },
    measure: { type: 'string', default: '20' },
    'steady-rate': { type: 'string', default: '1000' },
    'steady-devices': { type: 'string', default: '50' },
    'steady-warmup': { type: 'string', default: '5' },
    'steady-seconds': { type: 'string', default: '30' },
    'rss-devices': { type: 'string', default: '50000' },
    'rss-minutes': { type: 'string', default: '3' },
    'hb-interval': { type: 'string', default: '60' },
    'hb-qos': { type: 'string', default: '0' },
    'connect-concurrency': { type: 'string', default: '500' },
    'no-rss-http': { type: 'boolean', default: false },
    'http-sockets': { type: 'string', default: '32' },
    'broker-concurrency': { type: 'string', default: '1000' },
    'no-live': { type: 'boolean', default: false },
    'quiet-wait': { type: 'string', default: '30' },
    'quiet-cores': { type: 'string', default: '0.3' },
    profile: { type: 'boolean', default: false },
    'heap-probe': { type: 'boolean', default: false },
    'no-probe': { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
    'server-node-args': { type: 'string', default: '' },
    'server-root': { type: 'string' },
    'write-results': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (args.help) {
  const text = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  console.log(/\/\*\*([\s\S]*?)\*\//.exec(text)![1].replace(/^ \* ?/gm, ''));
  process.exit(0);
}

/** The node flags of package.json's `start` script (e.g. --max-semi-space-size): the server is measured as `npm start` runs it. */
function startScriptNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(HERE, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf('--import')).filter((w) => w.startsWith('--'));
}

function num(name: keyof typeof args, min: number, max: number): number {
  const n = Number(args[name]);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number in ${min}..${max} (got ${args[name]})`);
    process.exit(2);
  }
  return n;
}

const opt = {
  dbs: (args.db === 'both' ? ['sqlite', 'postgres'] : [args.db]) as DbKind[],
  phases: new Set(String(args.phases).split(',').map((s) => s.trim()) as Phase[]),
  devices: num('devices', 1, 5000),
  window: num('window', 1, 5000),
  warmupS: num('warmup', 0, 600),
  measureS: num('measure', 1, 600),
  steadyRate: num('steady-rate', 1, 100_000),
  steadyDevices: num('steady-devices', 1, 5000),
  steadyWarmupS: num('steady-warmup', 0, 600),
  steadyS: num('steady-seconds', 1, 600),
  rssDevices: num('rss-devices', 1, 200_000),
  rssMinutes: num('rss-minutes', 0, 30),
  hbIntervalS: num('hb-interval', 5, 3600),
  hbQos: num('hb-qos', 0, 1) as 0 | 1,
  connectConcurrency: num('connect-concurrency', 1, 10_000),
  rssHttp: !args['no-rss-http'],
  httpSockets: num('http-sockets', 1, 1000),
  brokerConcurrency: num('broker-concurrency', 1, 100_000),
  live: !args['no-live'],
  quietWaitS: num('quiet-wait', 0, 3600),
  quietCores: num('quiet-cores', 0, 64),
  profile: args.profile,
  heapProbe: args['heap-probe'],
  probe: !args['no-probe'],
  serverNodeArgs: args['server-node-args'] ? String(args['server-node-args']).split(/\s+/).filter(Boolean) : startScriptNodeArgs(),
};
if (!opt.dbs.every((d) => d === 'sqlite' || d === 'postgres')) {
  console.error(`--db must be sqlite, postgres or both (got ${args.db})`);
  process.exit(2);
}
for (const p of opt.phases) {
  if (!PHASES.includes(p)) {
    console.error(`--phases: unknown phase ${p} (${PHASES.join(', ')})`);
    process.exit(2);
  }
}

const t0 = Date.now();
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)} +${Math.round((Date.now() - t0) / 1000)}s] ${msg}`);
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const fmtMs = (n: number) => (!Number.isFinite(n) ? '–' : n < 10 ? n.toFixed(1) : n.toFixed(0));
const mib = (b: number) => `${fmt(b / 1024 ** 2)} MiB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

process.once('SIGINT', () => {
  console.error('\ninterrupted: stopping everything');
  process.exit(130);
});
process.once('SIGTERM', () => process.exit(143));

// ---------------------------------------------------------------- child processes

/** The load process (load.ts), driven over IPC. */
class LoadProcess {
  private readonly child: ChildProcess;
  private waiting: { type: LoadReply['type']; resolve(m: LoadReply): void; reject(e: Error): void } | null = null;
  private exited: Error | null = null;
  private readonly readyPromise: Promise<void>;
  onMark: (what: 'window-start' | 'window-end', at: number) => void = () => {};

  constructor(execArgv: string[] = []) {
    this.child = fork(path.join(HERE, 'load.ts'), [], { execArgv: [...execArgv, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // Waited for from the start: 'ready' may arrive before anyone asks for it.
    this.readyPromise = this.wait('ready').then(() => undefined);
    this.readyPromise.catch(() => {});
    this.child.on('message', (m: LoadReply) => this.onMessage(m));
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`load process exited (${code ?? signal})`);
      this.waiting?.reject(this.exited);
      this.waiting = null;
    });
  }

  get pid() {
    return this.child.pid!;
  }

  private onMessage(m: LoadReply) {
    if (m.type === 'progress') return log(`  load: ${m.text}`);
    if (m.type === 'mark') return this.onMark(m.what, m.at);
    if (m.type === 'error') {
      this.waiting?.reject(new Error(`load process: ${m.message}`));
      this.waiting = null;
      return;
    }
    if (this.waiting && this.waiting.type === m.type) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve(m);
    }
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  private wait<T extends LoadReply['type']>(type: T): Promise<Extract<LoadReply, { type: T }>> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting = { type, resolve: resolve as (m: LoadReply) => void, reject };
    });
  }

  request<T extends LoadReply['type']>(cmd: LoadCommand, reply: T): Promise<Extract<LoadReply, { type: T }>> {
    if (this.waiting) return Promise.reject(new Error(`load process busy (waiting for ${this.waiting.type})`));
    const p = this.wait(reply);
    this.child.send(cmd);
    return p;
  }

  async close() {
    if (this.exited) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    try {
      await Promise.race([this.request({ type: 'close' }, 'closed'), sleep(60_000)]);
    } catch {
      // exited meanwhile
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

async function startRawBroker(): Promise<{ pid: number; url: string; stop(): Promise<void> }> {
  const child = fork(path.join(HERE, 'raw-broker.ts'), ['--concurrency', String(opt.brokerConcurrency)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', kill);
  const msg = await new Promise<BrokerReply>((resolve, reject) => {
    child.once('message', (m: BrokerReply) => resolve(m));
    child.once('exit', (c) => reject(new Error(`raw broker exited (${c})`)));
  });
  return {
    pid: msg.pid,
    url: `mqtt://127.0.0.1:${msg.port}`,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 5000);
      await exited;
      clearTimeout(timer);
      process.off('exit', kill);
    },
  };
}

// ---------------------------------------------------------------- CPU accounting

interface CpuSnapshot {
  at: number;
  target?: number;
  pg?: number;
  load?: number;
  own: number;
  machineBusy?: number;
}
interface CpuUse {
  windowMs: number;
  /** Cores in use on average during the window. */
  target?: number;
  pg?: number;
  load?: number;
  own: number;
  other?: number;
}

function cpuSnapshot(pids: { target: number; pg?: number; load: number }): CpuSnapshot {
  return {
    at: performance.now(),
    target: processCpuMs(pids.target),
    pg: pids.pg !== undefined ? processTreeCpuMs(pids.pg) : undefined,
    load: processCpuMs(pids.load),
    own: ownCpuMs(),
    machineBusy: machineCpuMs()?.busy,
  };
}

function cpuUse(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const w = b.at - a.at;
  const d = (x?: number, y?: number) => (x !== undefined && y !== undefined ? (y - x) / w : undefined);
  const use: CpuUse = { windowMs: w, target: d(a.target, b.target), pg: d(a.pg, b.pg), load: d(a.load, b.load), own: (b.own - a.own) / w };
  const busy = d(a.machineBusy, b.machineBusy);
  if (busy !== undefined) use.other = Math.max(0, busy - (use.target ?? 0) - (use.pg ?? 0) - (use.load ?? 0) - use.own);
  return use;
}

const cores = (x?: number) => (x === undefined ? '–' : x.toFixed(2));
function loadPerMessage(u: CpuUse | undefined, messages: number): string {
  return u?.load !== undefined && messages ? `; load process CPU per message ${fmt((u.load * u.windowMs * 1000) / messages, 1)} µs` : '';
}
function describePerEvent(p: ReturnType<typeof cpuPerEvent>, name: string): string {
  if (!p) return '';
  return `; ${name} CPU per event ${fmt(p.us, 1)} µs${p.pgUs !== undefined ? ` (+ PostgreSQL ${fmt(p.pgUs, 1)} µs)` : ''} ⇒ ≈ ${fmt(p.perCore)} events/s per whole ${name} core`;
}
function describeCpu(u: CpuUse, targetName: string): string {
  return `CPU (cores) ${targetName} ${cores(u.target)}${u.pg !== undefined ? `, PostgreSQL ${cores(u.pg)}` : ''}, load process ${cores(u.load)}, orchestrator+WebSocket ${cores(u.own)}, other processes ${cores(u.other)}`;
}

/** Server (or broker) CPU per event in µs, and events per second that one whole core would give. */
function cpuPerEvent(u: CpuUse | undefined, events: number): { us: number; pgUs?: number; perCore: number } | undefined {
  if (!u || u.target === undefined || !events) return undefined;
  const us = (u.target * u.windowMs * 1000) / events;
  return { us, pgUs: u.pg !== undefined ? (u.pg * u.windowMs * 1000) / events : undefined, perCore: 1e6 / us };
}

/**
 * The machine is shared: waits (up to --quiet-wait s) until processes other than the benchmark's
 * use less than --quiet-cores CPU, measured over 2 s. Returns the last level seen.
 */
async function waitForQuiet(pids: { target: number; pg?: number; load: number }): Promise<number | undefined> {
  if (!opt.quietWaitS) return undefined;
  const deadline = performance.now() + opt.quietWaitS * 1000;
  let other: number | undefined;
  for (let i = 0; ; i++) {
    const a = cpuSnapshot(pids);
    await sleep(2000);
    other = cpuUse(a, cpuSnapshot(pids)).other;
    if (other === undefined || other < opt.quietCores) return other;
    if (i === 0) log(`  other processes use ${cores(other)} cores: waiting up to ${opt.quietWaitS} s for < ${opt.quietCores} …`);
    if (performance.now() > deadline) {
      log(`  still ${cores(other)} cores busy elsewhere: measuring anyway`);
      return other;
    }
  }
}

/** Snapshots CPU when the load process marks its measurement window. */
function windowCpu(load: LoadProcess, pids: { target: number; pg?: number }, server?: IngestServer) {
  let start: CpuSnapshot | undefined;
  let end: CpuSnapshot | undefined;
  const marks = { start: 0, end: 0 };
  let report: Promise<ProbeReport | undefined> = Promise.resolve(undefined);
  load.onMark = (what, at) => {
    const s = cpuSnapshot({ ...pids, load: load.pid });
    // The server probe's interval starts with the window; its report covers exactly the window.
    if (server) {
      const p = server.probe();
      if (what === 'window-end') report = p;
    }
    if (what === 'window-start') {
      start = s;
      marks.start = at;
    } else {
      end = s;
      marks.end = at;
    }
  };
  return {
    marks,
    use: () => (start && end ? cpuUse(start, end) : undefined),
    probe: () => report,
  };
}

// ---------------------------------------------------------------- phases

interface RawFigures {
  result: SaturateResult;
  cpu?: CpuUse;
}

interface E2eFigures {
  db: DbKind;
  dbVersion: string;
  result: SaturateResult;
  cpu?: CpuUse;
  live?: { events: number; missed: number; frames: number };
  stored?: number;
  expectedStored: number;
  steady?: { result: SteadyResult; wsMs: LatencySummary; unmatched: number; cpu?: CpuUse; probe?: ProbeReport };
  profile?: ProfileSummary;
  /** Server probe over the saturation window: event-loop utilisation, GC, time per SQL statement. */
  probe?: ProbeReport;
  setupMs: number;
}

interface RssFigures {
  /** Devices measured, and the count asked for (more than the open-file limit allows: extrapolated). */
  devices: number;
  wanted: number;
  fileLimit: string;
  connected: number;
  connectMs: number;
  baseline: number;
  steps: { connected: number; rss: number; probe?: HeapProbe }[];
  afterConnect: number;
  /** Server RSS per connection (bytes), least-squares over the connect steps. */
  slopePerConnection: number;
  /** baseline + (final − baseline) / connected × wanted, when fewer than wanted were measured. */
  estimateAtWanted?: number;
  /** The same from the reading right after connecting (before V8 returned the connect phase's garbage). */
  estimateAfterConnectAtWanted?: number;
  samples: { minute: number; rss: number }[];
  final: number;
  hwm: number;
  heartbeats: number;
  heartbeatErrors: number;
  disconnects: number;
  online?: number;
  loadRss: number;
  setupMs: number;
  connectFailures: number;
  lastError: string | null;
  finalProbe?: HeapProbe;
  /** Devices beyond the MQTT connections, heartbeating over HTTP (all registered in the ledger). */
  http?: { devices: number; sockets: number; sent: number; ok: number; errors: number; lastError: string | null; p50Ms: number; p99Ms: number; rounds: number; loadRss: number };
}

function fakeDevices(n: number): LoadDevice[] {
  return Array.from({ length: n }, (_, i) => ({ id: `raw-${String(i).padStart(6, '0')}-device`, secret: 'not-checked', universityId: 'raw', kind: kindOf(i) }));
}

async function runRaw(): Promise<RawFigures> {
  log(`(a) raw broker: bare aedes (concurrency ${opt.brokerConcurrency}) in its own process; ${opt.devices} devices × window ${opt.window}`);
  const broker = await startRawBroker();
  const load = new LoadProcess();
  try {
    await load.ready();
    const c = await load.request({ type: 'connect', url: broker.url, devices: fakeDevices(opt.devices), concurrency: opt.connectConcurrency, keepaliveS: 60, localAddresses: [], subscribeCommands: true }, 'connected');
    if (c.failed) throw new Error(`${c.failed} devices could not connect to the raw broker: ${c.lastError}`);
    await waitForQuiet({ target: broker.pid, load: load.pid });
    const cpu = windowCpu(load, { target: broker.pid });
    const result = await load.request({ type: 'saturate', warmupS: opt.warmupS, measureS: opt.measureS, window: opt.window, tag: `R${Date.now().toString(36)}` }, 'saturated');
    const use = cpu.use();
    log(`  raw: ${fmt(result.rate)} PUBACKs/s; publish→PUBACK p50 ${fmtMs(result.pubackMs.p50)} ms p99 ${fmtMs(result.pubackMs.p99)} ms; errors ${result.errors}`);
    if (use) log(`  ${describeCpu(use, 'broker')}${describePerEvent(cpuPerEvent(use, result.acked), 'broker')}`);
    return { result, cpu: use };
  } finally {
    await load.close();
    await broker.stop();
  }
}

let postgres: (PostgresHandle & { pid?: () => number | undefined }) | undefined;
async function ensurePostgres(): Promise<PostgresHandle | undefined> {
  if (postgres) return postgres;
  if (args['pg-url']) {
    postgres = await existingPostgres(args['pg-url']);
    return postgres;
  }
  const { startTemporaryPostgres, PostgresNotInstalledError } = await import('../../scripts/pg-test-server.ts');
  try {
    const pg = await startTemporaryPostgres();
    const pidFile = path.join(pg.baseDir, 'data', 'postmaster.pid');
    postgres = {
      url: pg.url,
      version: pg.version,
      stop: () => pg.stop(),
      pid: () => {
        try {
          return Number(readFileSync(pidFile, 'utf8').split('\n')[0]) || undefined;
        } catch {
          return undefined;
        }
      },
    };
    return postgres;
  } catch (e) {
    if (e instanceof PostgresNotInstalledError) return undefined;
    throw e;
  }
}

async function countStored(server: IngestServer): Promise<number> {
  const store = openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl });
  try {
    const r = await store.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source', '=', 'mqtt')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await store.close();
  }
}

async function runE2e(db: DbKind, withSaturation: boolean, withLatency: boolean): Promise<E2eFigures | null> {
  let pgHandle: PostgresHandle | undefined;
  if (db === 'postgres') {
    pgHandle = await ensurePostgres();
    if (!pgHandle) {
      log('(b) PostgreSQL: not installed (no initdb/pg_ctl) and no --pg-url: skipped');
      return null;
    }
  }
  const need = Math.max(withSaturation ? opt.devices : 0, withLatency ? opt.steadyDevices : 0);
  log(`(b) end-to-end, ${db}: real server, ${need} devices`);
  const server = await startIngestServer({
    db,
    postgres: pgHandle,
    devices: need,
    adminPassword: ADMIN_PASSWORD,
    nodeArgs: opt.serverNodeArgs,
    serverRoot: args['server-root'],
    profile: opt.profile,
    probe: opt.probe ? ['sql', 'loop'] : [],
    keepData: args['keep-data'],
    log,
  });
  let live: LiveClient | undefined;
  const load = new LoadProcess();
  const pgPid = db === 'postgres' ? postgres?.pid?.() : undefined;
  const figures: E2eFigures = { db, dbVersion: server.dbVersion, result: undefined as unknown as SaturateResult, expectedStored: 0, setupMs: server.prepared.ms };
  let satMarks: { start: number; end: number } | undefined;
  try {
    log(`  server pid ${server.pid} (${server.dbVersion}) HTTP ${server.baseUrl} MQTT ${server.mqttUrl}`);
    await load.ready();
    if (opt.live) live = await LiveClient.open(server.baseUrl, 'admin', ADMIN_PASSWORD);
    const c = await load.request({ type: 'connect', url: server.mqttUrl, devices: server.prepared.devices, concurrency: opt.connectConcurrency, keepaliveS: 60, localAddresses: [], subscribeCommands: true }, 'connected');
    if (c.failed) throw new Error(`${c.failed} devices could not connect: ${c.lastError}\n${server.outputTail()}`);
    log(`  ${c.connected} devices connected in ${fmt(c.ms)} ms`);

    if (withSaturation) {
      const liveAtStart = live?.events ?? 0;
      await waitForQuiet({ target: server.pid, pg: pgPid, load: load.pid });
      const cpu = windowCpu(load, { target: server.pid, pg: pgPid }, server);
      const result = await load.request({ type: 'saturate', warmupS: opt.warmupS, measureS: opt.measureS, window: opt.window, tag: `E${Date.now().toString(36)}` }, 'saturated');
      figures.result = result;
      figures.cpu = cpu.use();
      figures.probe = await cpu.probe();
      satMarks = { ...cpu.marks };
      figures.expectedStored += result.totalAcked;
      log(`  end-to-end ${db}: ${fmt(result.rate)} events/s acknowledged (= committed); publish→PUBACK p50 ${fmtMs(result.pubackMs.p50)} ms p99 ${fmtMs(result.pubackMs.p99)} ms; errors ${result.errors}, unacked ${result.unacked}`);
      if (figures.cpu) log(`  ${describeCpu(figures.cpu, 'server')}${describePerEvent(cpuPerEvent(figures.cpu, result.acked), 'server')}`);
      if (live) {
        // The last group commit's push may still be on its way.
        for (let i = 0; i < 100 && live.events - liveAtStart + live.missed < result.totalAcked; i++) await sleep(100);
        figures.live = { events: live.events - liveAtStart, missed: live.missed, frames: live.frames };
        log(`  WebSocket /api/live (admin): ${fmt(figures.live.events)} events pushed in ${fmt(live.frames)} frames, ${fmt(live.missed)} reported missed (acknowledged: ${fmt(result.totalAcked)})`);
      }
      await sleep(2000); // let the alarm consumer and the health flush catch up before the next phase
    }

    if (withLatency) {
      live ??= await LiveClient.open(server.baseUrl, 'admin', ADMIN_PASSWORD);
      const tag = `L${Date.now().toString(36)}`;
      live.mode = 'match';
      live.prefix = tag;
      await waitForQuiet({ target: server.pid, pg: pgPid, load: load.pid });
      log(`(c) latency ${db}: ${fmt(opt.steadyRate)} events/s for ${opt.steadyWarmupS} + ${opt.steadyS} s from ${Math.min(opt.steadyDevices, c.connected)} devices`);
      const cpu = windowCpu(load, { target: server.pid, pg: pgPid }, server);
      const result = await load.request({ type: 'steady', rate: opt.steadyRate, warmupS: opt.steadyWarmupS, measureS: opt.steadyS, tag, devices: opt.steadyDevices }, 'steadied');
      figures.expectedStored += result.acked;
      for (let last = -1, i = 0; i < 20 && live.arrived.size !== last; i++) {
        last = live.arrived.size;
        await sleep(250);
      }
      const lat: number[] = [];
      let unmatched = 0;
      for (const [id, at] of result.published) {
        const got = live.arrived.get(id);
        if (got === undefined) unmatched++;
        else lat.push(got - at);
      }
      const wsMs = summarizeLatency(lat);
      const use = cpu.use();
      figures.steady = { result, wsMs, unmatched, cpu: use, probe: await cpu.probe() };
      log(`  publish → WebSocket: p50 ${fmtMs(wsMs.p50)} ms, p90 ${fmtMs(wsMs.p90)} ms, p99 ${fmtMs(wsMs.p99)} ms, max ${fmtMs(wsMs.max)} ms over ${fmt(wsMs.count)} events (${unmatched} not delivered); publish→PUBACK p99 ${fmtMs(result.pubackMs.p99)} ms; sent ${fmt(result.sent)} in ${result.seconds} s (+warm-up), max send gap ${fmtMs(result.maxSendGapMs)} ms`);
      if (use) log(`  ${describeCpu(use, 'server')}`);
    }
  } finally {
    await load.close();
    await live?.close();
    await server.stop();
  }
  try {
    figures.stored = await countStored(server);
    log(`  stored MQTT events: ${fmt(figures.stored)} (acknowledged: ${fmt(figures.expectedStored)})`);
    if (opt.profile && server.profileDir) {
      const file = findProfile(server.profileDir);
      if (file) figures.profile = summarizeProfile(file, satMarks ? { fromMs: satMarks.start, toMs: satMarks.end } : undefined);
      else log('  no CPU profile was written');
    }
  } finally {
    await server.dispose();
  }
  return figures;
}

function summarizeLatency(samples: number[]): LatencySummary {
  const s = samples.slice().sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] : NaN);
  return { count: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.length ? s[s.length - 1] : NaN };
}

/** Soft and hard RLIMIT_NOFILE of this process, from /proc/self/limits. */
function fileLimit(): { soft: number; hard: number } {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line ?? '').replace('Max open files', '').trim().split(/\s+/);
  const n = (x: string | undefined) => (x === 'unlimited' ? Infinity : Number(x));
  return { soft: n(soft), hard: n(hard) };
}

/** Raises this process's open-file limit (children inherit it); needs CAP_SYS_RESOURCE to go above the hard limit. */
function raiseFileLimit(n: number): string | null {
  const { hard } = fileLimit();
  const target = Math.min(n, 1_048_576);
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${target}:${Math.max(target, hard === Infinity ? target : hard)}`], { stdio: 'pipe' });
    return null;
  } catch (e) {
    const msg = ((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim().split('\n')[0];
    // Without CAP_SYS_RESOURCE at least the soft limit can go up to the hard one.
    try {
      if (hard !== Infinity) execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${hard}:${hard}`], { stdio: 'pipe' });
    } catch {
      // keep what we have
    }
    return msg;
  }
}

/** Least-squares line through (x, y) points: y ≈ a + b·x. */
function linearFit(points: [number, number][]): { a: number; b: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  const b = sxx ? points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / sxx : 0;
  return { a: my - b * mx, b };
}

async function runRss(): Promise<RssFigures> {
  const wanted = opt.rssDevices;
  // The server and the load process each hold one descriptor per connection, plus their own.
  const margin = 1000;
  const raiseError = raiseFileLimit(Math.max((wanted + margin) * 2, 131_072));
  const limit = fileLimit();
  const n = Math.min(wanted, Math.floor((limit.soft - margin) / 1000) * 1000);
  if (raiseError) log(`  could not raise the open-file limit to ${fmt((wanted + margin) * 2)}: ${raiseError}`);
  log(`  open-file limit of this process and its children: ${limit.soft}:${limit.hard}`);
  if (n < wanted) {
    log(`  ${fmt(wanted)} connections need ≥ ${fmt(wanted + margin)} open files per process (server and load process): measuring ${fmt(n)} and extrapolating linearly. Run as root with CAP_SYS_RESOURCE, or \`ulimit -n ${(wanted + margin) * 2}\` first, to measure ${fmt(wanted)} directly.`);
  }
  if (n < 1000) throw new Error(`open-file limit ${limit.soft} is too low for the memory phase`);
  // The devices that do not fit as connections still exist: registered in the ledger and
  // heartbeating over HTTP through a bounded keep-alive pool (a few sockets for all of them).
  const httpN = opt.rssHttp && n < wanted ? wanted - n : 0;
  // One source address has ~28,000 ephemeral ports towards one destination: above 20,000
  // connections spread them over 127.0.0.2… (each address carries at most 20,000).
  const localAddresses = n > 20_000 ? Array.from({ length: Math.ceil(n / 20_000) }, (_, i) => `127.0.0.${i + 2}`) : [];
  log(`(d) memory: ${fmt(n)} devices over MQTT in 4 steps${httpN ? ` (+ ${fmt(httpN)} over HTTP, ${opt.httpSockets} keep-alive sockets)` : ''}, then heartbeats every ${opt.hbIntervalS} s (QoS ${opt.hbQos}) for ${opt.rssMinutes} min`);
  const server = await startIngestServer({ db: 'sqlite', devices: n + httpN, adminPassword: ADMIN_PASSWORD, nodeArgs: opt.serverNodeArgs, probe: opt.heapProbe ? ['heap'] : [], serverRoot: args['server-root'], keepData: args['keep-data'], log });
  const probe = async (): Promise<HeapProbe | undefined> => {
    const p = (await server.probe())?.heap;
    if (p) log(`    after a forced GC: VmRSS ${mib(p.rss)}, JS heap used ${mib(p.heapUsed)} of ${mib(p.heapTotal)}, external ${mib(p.external)}; outside the JS heap ${mib(p.rss - p.heapTotal)}`);
    return p;
  };
  const load = new LoadProcess(['--max-old-space-size=8192']);
  let httpLoad: ChildProcess | null = null;
  try {
    await sleep(2000);
    const baseline = server.memory()?.rss ?? NaN;
    log(`  server pid ${server.pid}: VmRSS ${mib(baseline)} before any device connected`);
    await load.ready();
    const steps: RssFigures['steps'] = [{ connected: 0, rss: baseline, probe: await probe() }];
    let connected = 0;
    let connectMs = 0;
    let failed = 0;
    let lastError: string | null = null;
    for (let step = 1; step <= 4; step++) {
      const slice = server.prepared.devices.slice(Math.round(((step - 1) * n) / 4), Math.round((step * n) / 4));
      const c = await load.request(
        { type: 'connect', url: server.mqttUrl, devices: slice, concurrency: opt.connectConcurrency, keepaliveS: Math.max(60, opt.hbIntervalS * 2), localAddresses, subscribeCommands: true },
        'connected',
      );
      connected = c.connected;
      connectMs += c.ms;
      failed += c.failed;
      lastError = c.lastError ?? lastError;
      await sleep(2000);
      const rss = server.memory()?.rss ?? NaN;
      log(`  ${fmt(connected)} connected (${fmt(slice.length)} in ${fmt(c.ms / 1000, 1)} s${c.failed ? `, ${c.failed} failed: ${c.lastError}` : ''}): server VmRSS ${mib(rss)}; load process RSS ${mib(c.rssBytes)}`);
      steps.push({ connected, rss, probe: await probe() });
    }
    const afterConnect = steps[steps.length - 1].rss;
    const httpReply = (type: HttpHeartbeatReply['type']) =>
      new Promise<HttpHeartbeatReply>((resolve, reject) => {
        const onMessage = (m: HttpHeartbeatReply) => m.type === type && (httpLoad!.off('message', onMessage), resolve(m));
        httpLoad!.on('message', onMessage);
        httpLoad!.once('exit', (code) => reject(new Error(`HTTP heartbeat process exited (${code})`)));
      });
    if (httpN) {
      httpLoad = fork(path.join(HERE, 'http-heartbeats.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const started = httpReply('started');
      const cmd: HttpHeartbeatCommand = { type: 'start', baseUrl: server.baseUrl, devices: server.prepared.devices.slice(n).map((d) => ({ id: d.id, secret: d.secret })), intervalS: opt.hbIntervalS, sockets: opt.httpSockets };
      httpLoad.send(cmd);
      await started;
    }
    await load.request({ type: 'heartbeats', intervalS: opt.hbIntervalS, qos: opt.hbQos }, 'heartbeats-started');
    const samples: { minute: number; rss: number }[] = [];
    const started = performance.now();
    const until = started + opt.rssMinutes * 60_000;
    while (performance.now() < until) {
      await sleep(Math.min(15_000, until - performance.now()));
      const m = server.memory();
      if (!m) throw new Error(`server exited:\n${server.outputTail()}`);
      samples.push({ minute: (performance.now() - started) / 60_000, rss: m.rss });
      log(`  heartbeats t=${fmt((performance.now() - started) / 1000)} s: server VmRSS ${mib(m.rss)} (peak ${mib(m.hwm)})`);
    }
    const hb = await load.request({ type: 'stop-heartbeats' }, 'heartbeats-stopped');
    let http: RssFigures['http'];
    if (httpLoad) {
      const stopped = httpReply('stopped');
      httpLoad.send({ type: 'stop' } satisfies HttpHeartbeatCommand);
      const h = (await stopped) as Extract<HttpHeartbeatReply, { type: 'stopped' }>;
      http = { devices: httpN, sockets: opt.httpSockets, sent: h.sent, ok: h.ok, errors: h.errors, lastError: h.lastError, p50Ms: h.p50Ms, p99Ms: h.p99Ms, rounds: h.rounds, loadRss: h.rssBytes };
      log(`  HTTP heartbeats: ${fmt(h.sent)} sent, ${fmt(h.ok)} answered 204, ${h.errors} errors${h.lastError ? ` (${h.lastError})` : ''}; p50 ${fmtMs(h.p50Ms)} p99 ${fmtMs(h.p99Ms)} ms; ${h.rounds} full rounds`);
    }
    const mem = server.memory()!;
    const finalProbe = await probe();
    let online: number | undefined;
    try {
      const res = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
      const cookie = res.headers
        .getSetCookie()
        .map((x) => x.split(';', 1)[0])
        .find((x) => x.startsWith('xiaoan_session='))!;
      const health = (await (await fetch(`${server.baseUrl}/api/device-health`, { headers: { cookie } })).json()) as Record<string, { online: boolean }>;
      online = Object.values(health).filter((h) => h.online).length;
    } catch (e) {
      log(`  could not read /api/device-health: ${(e as Error).message}`);
    }
    log(`  heartbeats sent ${fmt(hb.sent)} (errors ${hb.errors}); still connected ${fmt(hb.connected)}, reconnects ${hb.disconnects}; online per /api/device-health: ${online === undefined ? '–' : fmt(online)}`);
    const fit = linearFit(steps.map((p) => [p.connected, p.rss]));
    // Everything that grew per device, connections and heartbeat state alike, scaled to the wanted count.
    const perDeviceAll = (mem.rss - baseline) / Math.max(1, hb.connected);
    return {
      devices: n,
      wanted,
      fileLimit: `${limit.soft}:${limit.hard}`,
      connected: hb.connected,
      connectMs,
      baseline,
      steps,
      afterConnect,
      samples,
      final: mem.rss,
      hwm: mem.hwm,
      slopePerConnection: fit.b,
      estimateAtWanted: n < wanted ? baseline + perDeviceAll * wanted : undefined,
      estimateAfterConnectAtWanted: n < wanted ? baseline + ((afterConnect - baseline) / Math.max(1, connected)) * wanted : undefined,
      heartbeats: hb.sent,
      heartbeatErrors: hb.errors,
      disconnects: hb.disconnects,
      online,
      loadRss: hb.rssBytes,
      setupMs: server.prepared.ms,
      connectFailures: failed,
      lastError: lastError ?? hb.lastError,
      finalProbe,
      http,
    };
  } finally {
    log('  closing the connections …');
    if (httpLoad && httpLoad.exitCode === null) httpLoad.kill();
    await load.close();
    await server.stop();
    await server.dispose();
  }
}

// ---------------------------------------------------------------- report

function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

async function main() {
  const machine = machineInfo();
  const sqlite = await sqliteVersion();
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  log(`machine: ${describeMachine(machine)}; SQLite ${sqlite}; load average ${loadAtStart}`);

  let raw: RawFigures | undefined;
  const e2e: E2eFigures[] = [];
  let rss: RssFigures | undefined;
  const failures: string[] = [];
  const tryPhase = async <T>(name: string, f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
      log(`${name} FAILED: ${(e as Error).stack ?? e}`);
      return undefined;
    }
  };

  try {
    if (opt.phases.has('raw')) raw = await tryPhase('raw', runRaw);
    if (opt.phases.has('e2e') || opt.phases.has('latency')) {
      for (const db of opt.dbs) {
        const f = await tryPhase(`e2e ${db}`, () => runE2e(db, opt.phases.has('e2e'), opt.phases.has('latency')));
        if (f) e2e.push(f);
      }
    }
    if (opt.phases.has('rss')) rss = await tryPhase('rss', runRss);
  } finally {
    await postgres?.stop();
  }
  const pgVersion = e2e.find((f) => f.db === 'postgres')?.dbVersion;

  // ---- the table
  type Row = [string, string, string, string];
  const rows: Row[] = [];
  const verdicts: boolean[] = [];
  const verdict = (ok: boolean) => {
    verdicts.push(ok);
    return ok ? 'met' : 'MISSED';
  };
  if (raw) rows.push(['(a) raw broker QoS 1 rate (bare aedes, no auth, no processing)', `${fmt(raw.result.rate)} msg/s`, '—', '']);
  for (const f of e2e) {
    const name = f.db === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    if (f.result) {
      const share = raw ? f.result.rate / raw.result.rate : NaN;
      const ok = f.db === 'sqlite' ? f.result.rate >= TARGET.e2eRate && (!raw || share >= TARGET.e2eShareOfRaw) : undefined;
      rows.push([
        `(b) end-to-end rate, ${name} (received → validated → committed → on the bus)`,
        `${fmt(f.result.rate)} events/s${raw ? ` = ${fmt(share * 100)} % of raw` : ''}`,
        f.db === 'sqlite' ? `≥ ${fmt(TARGET.e2eRate)}/s and ≥ 50 % of raw` : '(informative)',
        ok === undefined ? '' : verdict(ok),
      ]);
    }
    if (f.steady) {
      rows.push([
        `(c) publish → WebSocket at ${fmt(f.steady.result.rate)} events/s, ${name}: p50 / p99`,
        `${fmtMs(f.steady.wsMs.p50)} / ${fmtMs(f.steady.wsMs.p99)} ms${f.steady.unmatched ? ` (${f.steady.unmatched} not delivered)` : ''}`,
        `p99 < ${TARGET.p99Ms} ms`,
        verdict(f.steady.wsMs.p99 < TARGET.p99Ms && f.steady.unmatched === 0),
      ]);
    }
  }
  if (rss) {
    const worst = Math.max(rss.afterConnect, rss.final, ...rss.samples.map((s) => s.rss));
    rows.push([
      rss.http
        ? `(d) server RSS, ${fmt(rss.connected + rss.http.devices)} devices: ${fmt(rss.connected)} MQTT connections + ${fmt(rss.http.devices)} heartbeating over HTTP (${rss.http.sockets} keep-alive sockets), every ${opt.hbIntervalS} s: MQTT connected / after ${opt.rssMinutes} min of heartbeats`
        : `(d) server RSS, ${fmt(rss.connected)} devices connected, heartbeats every ${opt.hbIntervalS} s: after connect / after ${opt.rssMinutes} min`,
      `${mib(rss.afterConnect)} / ${mib(rss.final)} (peak VmHWM ${mib(rss.hwm)})`,
      '< 1 GiB',
      rss.http
        ? verdict(Math.max(worst, rss.hwm) < TARGET.rssBytes && rss.connected === rss.devices && rss.http.errors === 0) + ` (measured, ${fmt(rss.connected + rss.http.devices)} devices)`
        : rss.estimateAtWanted === undefined ? verdict(worst < TARGET.rssBytes && rss.connected === rss.devices) : worst < TARGET.rssBytes ? `met at ${fmt(rss.devices)}` : 'MISSED',
    ]);
    if (rss.http) verdicts.push(Math.max(worst, rss.hwm) < TARGET.rssBytes && rss.http.errors === 0);
    if (rss.estimateAtWanted !== undefined && rss.estimateAfterConnectAtWanted !== undefined) {
      const worstEstimate = Math.max(rss.estimateAtWanted, rss.estimateAfterConnectAtWanted);
      rows.push([
        `(d') ${fmt(rss.wanted)} devices all over MQTT, extrapolated linearly from the ${fmt(rss.devices)} connections (open-file limit ${rss.fileLimit}): after connect / after ${opt.rssMinutes} min`,
        `≈ ${mib(rss.estimateAfterConnectAtWanted)} / ${mib(rss.estimateAtWanted)} (${fmt((rss.afterConnect - rss.baseline) / Math.max(1, rss.connected) / 1024, 1)} / ${fmt((rss.final - rss.baseline) / Math.max(1, rss.connected) / 1024, 1)} KiB per device)`,
        '< 1 GiB',
        worstEstimate < TARGET.rssBytes ? 'met (estimate)' : rss.estimateAtWanted < TARGET.rssBytes ? 'MISSED after connect (estimate)' : 'MISSED (estimate)',
      ]);
      if (!rss.http) verdicts.push(worstEstimate < TARGET.rssBytes);
    }
  }
  const headers = ['measure', 'figure', 'target', 'result'];
  const align: Align[] = ['left', 'right', 'left', 'left'];
  console.log('\n' + textTable(headers, rows, align) + '\n');

  // ---- details
  const details: string[] = [];
  const knobs =
    `${opt.devices} MQTT connections (devices) × window ${opt.window} QoS 1 messages in flight each (closed loop), ${opt.warmupS} s warm-up + ${opt.measureS} s measured; ` +
    `raw broker aedes concurrency ${opt.brokerConcurrency}; latency: ${fmt(opt.steadyRate)} events/s paced over ${opt.steadyDevices} devices, ${opt.steadyWarmupS} s warm-up + ${opt.steadyS} s; ` +
    `memory: ${fmt(opt.rssDevices)} devices, connect concurrency ${opt.connectConcurrency}, heartbeats every ${opt.hbIntervalS} s QoS ${opt.hbQos} for ${opt.rssMinutes} min` +
    (opt.live ? '; an admin WebSocket on /api/live during the saturation' : '; no WebSocket during the saturation');
  details.push(`Knobs: ${knobs}.`);
  if (raw) {
    details.push(
      `(a) raw: ${fmt(raw.result.acked)} PUBACKs in ${raw.result.seconds} s, per second min ${fmt(Math.min(...raw.result.perSecond))} max ${fmt(Math.max(...raw.result.perSecond))}; ` +
        `publish→PUBACK p50 ${fmtMs(raw.result.pubackMs.p50)} ms p99 ${fmtMs(raw.result.pubackMs.p99)} ms; errors ${raw.result.errors}.` +
        (raw.cpu ? ` ${describeCpu(raw.cpu, 'broker')}${describePerEvent(cpuPerEvent(raw.cpu, raw.result.acked), 'broker')}${loadPerMessage(raw.cpu, raw.result.acked)}.` : ''),
    );
  }
  for (const f of e2e) {
    const name = f.db === 'sqlite' ? 'SQLite' : f.dbVersion;
    if (f.result) {
      details.push(
        `(b) ${name}: ${fmt(f.result.acked)} PUBACKs in ${f.result.seconds} s, per second min ${fmt(Math.min(...f.result.perSecond))} max ${fmt(Math.max(...f.result.perSecond))}; ` +
          `publish→PUBACK p50 ${fmtMs(f.result.pubackMs.p50)} ms p99 ${fmtMs(f.result.pubackMs.p99)} ms; errors ${f.result.errors}, unacknowledged at the end ${f.result.unacked}.` +
          (f.cpu ? ` ${describeCpu(f.cpu, 'server')}${describePerEvent(cpuPerEvent(f.cpu, f.result.acked), 'server')}${loadPerMessage(f.cpu, f.result.acked)}.` : '') +
          (f.live ? ` WebSocket: ${fmt(f.live.events)} events pushed, ${fmt(f.live.missed)} reported missed.` : '') +
          (f.stored !== undefined ? ` Stored MQTT events after the run: ${fmt(f.stored)} (acknowledged ${fmt(f.expectedStored)}${f.stored === f.expectedStored ? ', equal' : ', DIFFERENT'}).` : ''),
      );
    }
    if (f.steady) {
      const s = f.steady;
      details.push(
        `(c) ${name}: ${fmt(s.wsMs.count)} events matched on the WebSocket, p50 ${fmtMs(s.wsMs.p50)} p90 ${fmtMs(s.wsMs.p90)} p99 ${fmtMs(s.wsMs.p99)} max ${fmtMs(s.wsMs.max)} ms; ` +
          `publish→PUBACK p50 ${fmtMs(s.result.pubackMs.p50)} p99 ${fmtMs(s.result.pubackMs.p99)} ms; max gap between sends ${fmtMs(s.result.maxSendGapMs)} ms.` +
          (s.cpu ? ` ${describeCpu(s.cpu, 'server')}.` : ''),
      );
    }
  }
  if (rss) {
    details.push(
      `(d) ${fmt(rss.connected)}/${fmt(rss.devices)} connected in ${fmt(rss.connectMs / 1000, 1)} s (4 steps); server VmRSS ${rss.steps.map((p) => `${mib(p.rss)} at ${fmt(p.connected)}`).join(', ')} ` +
        `(least-squares ${fmt(rss.slopePerConnection / 1024, 1)} KiB per connection), during heartbeats ${rss.samples.map((s) => mib(s.rss)).join(', ')}; peak ${mib(rss.hwm)}. ` +
        `${fmt(rss.heartbeats)} MQTT heartbeats, ${rss.heartbeatErrors} errors, ${rss.disconnects} reconnects; ` +
        (rss.http
          ? `HTTP: ${fmt(rss.http.devices)} devices, ${fmt(rss.http.sent)} heartbeats (${fmt(rss.http.ok)} × 204, ${rss.http.errors} errors), p50 ${fmtMs(rss.http.p50Ms)} p99 ${fmtMs(rss.http.p99Ms)} ms, ${rss.http.rounds} full rounds, HTTP load process RSS ${mib(rss.http.loadRss)}; ` +
            `server RSS from the MQTT-connected reading to the end ${fmt((rss.final - rss.afterConnect) / 1048576)} MiB (HTTP devices add no connection state; V8 gives back connect-phase garbage meanwhile); `
          : '') +
        `online per /api/device-health: ${rss.online === undefined ? '–' : fmt(rss.online)}. MQTT load process RSS ${mib(rss.loadRss)}.` +
        (rss.finalProbe
          ? ` At the end, after a forced GC: VmRSS ${mib(rss.finalProbe.rss)}, JS heap used ${mib(rss.finalProbe.heapUsed)} of ${mib(rss.finalProbe.heapTotal)} (${fmt((rss.finalProbe.heapUsed - (rss.steps[0].probe?.heapUsed ?? 0)) / rss.connected / 1024, 1)} KiB live heap per device), outside the JS heap ${mib(rss.finalProbe.rss - rss.finalProbe.heapTotal)}.`
          : ''),
    );
  }
  for (const line of details) console.log(line);
  for (const f of e2e) if (f.probe) console.log('\n' + describeProbe(f.probe, `Server during the saturation, ${f.dbVersion}`, f.result?.acked ?? 0));
  for (const f of e2e) if (f.profile) printProfile(f);
  if (failures.length) console.log(`\nFailures:\n${failures.map((x) => `  ${x}`).join('\n')}`);

  if (args['write-results']) {
    const md: string[] = [];
    md.push(`Run ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${describeMachine(machine)}; SQLite ${sqlite}${pgVersion ? `, ${pgVersion}` : ''}; load average ${loadAtStart} when the run started.`);
    md.push(`Command: \`node --import tsx bench/ingest/run.ts ${process.argv.slice(2).join(' ')}\``.replace(/ `$/, '`'));
    md.push('');
    md.push(markdownTable(headers, rows, align));
    md.push('');
    for (const line of details) md.push(`- ${line}`);
    if (failures.length) md.push(`- Failures: ${failures.join('; ')}`);
    const file = upsertResultsBlock('ingest', md.join('\n'), { after: '### Ingest figures' });
    log(`figures written to ${file}`);
  }
  const ok = !failures.length && verdicts.every(Boolean);
  log(ok ? 'all measured targets met' : 'a target was missed or a phase failed');
  process.exitCode = ok ? 0 : 1;
}

/** Event-loop use, GC and SQL time of the server over a window, per event. */
function describeProbe(p: ProbeReport, title: string, events: number): string {
  const w = p.intervalMs;
  const lines = [
    `${title}: window ${fmt(w / 1000, 1)} s, event loop busy ${p.eventLoopUtilization !== undefined ? fmt(p.eventLoopUtilization * 100) : '–'} %, ` +
      `GC pauses ${fmt(p.gcMs ?? NaN)} ms (${fmt(((p.gcMs ?? NaN) / w) * 100, 1)} %, ${fmt(p.gcCount ?? NaN)} pauses)` +
      (events ? `; per event: GC ${fmt(((p.gcMs ?? NaN) * 1000) / events, 1)} µs` : ''),
  ];
  if (p.sql?.length) {
    const total = p.sql.reduce((s, [k, v]) => s + (k.startsWith('pg') ? 0 : v.ms), 0);
    lines.push(
      textTable(
        ['statement (time on the event loop; pg: wall time until the answer)', 'calls', 'ms', 'ms/call', '% of window', events ? 'µs/event' : ''],
        p.sql.slice(0, 12).map(([k, v]) => [k, fmt(v.calls), fmt(v.ms), fmt(v.ms / v.calls, 2), fmt((v.ms / w) * 100, 1), events ? fmt((v.ms * 1000) / events, 1) : '']),
        ['left', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
    if (total) lines.push(`SQLite statements in total: ${fmt(total)} ms = ${fmt((total / w) * 100, 1)} % of the window${events ? `, ${fmt((total * 1000) / events, 1)} µs per event` : ''}`);
  }
  return lines.join('\n');
}

function printProfile(f: E2eFigures) {
  const p = f.profile!;
  console.log(`\nCPU profile of the server, ${f.db}, ${p.wholeProfile ? 'whole run (no sample in the saturation window)' : 'saturation window'} ${fmt(p.windowMs / 1000, 1)} s, busy ${fmt(p.busyShare * 100)} %:`);
  const t = (title: string, rows: { name: string; ms: number; share: number }[]) =>
    console.log(`\n${title}\n` + textTable(['', 'ms', '% of window'], rows.map((r) => [r.name.slice(0, 110), fmt(r.ms), fmt(r.share * 100, 1)]), ['left', 'right', 'right']));
  t('self time by function', p.selfByFunction);
  t('self time by module', p.selfByModule);
  t('inclusive time by module (on the stack)', p.inclusiveByFile);
}

let finished = false;
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  console.error('internal error: nothing left to wait for before the benchmark finished (a reply that never came)');
  process.exitCode = 1;
});
main().then(
  () => {
    finished = true;
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
