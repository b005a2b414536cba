/**
 * The real server for the ingest benchmark: `node --import tsx src/server/main.ts` as a child
 * process on 127.0.0.1 (HTTP and built-in MQTT broker on free ports), XIAOAN_DEMO=0, its own
 * temporary data directory (SQLite) or a fresh database on the given PostgreSQL, with the store
 * prepared before the start (bench/ingest/setup.ts). Like bench/lib/server.ts, but the data
 * must exist before the server starts, so it has its own launcher.
 *
 * Everything is stopped and removed by stop(), and (best effort) when this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, REPO_ROOT, sqliteVersion, type DbKind, type PostgresHandle } from '../lib/server.ts';
import { prepareStore, type PreparedStore } from './setup.ts';

export interface HeapProbe {
  rssBeforeGc: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** What bench/ingest/server-probe.ts reports for the interval since the previous report. */
export interface ProbeReport {
  intervalMs: number;
  eventLoopUtilization?: number;
  gcMs?: number;
  gcCount?: number;
  sql?: [string, { calls: number; ms: number; rows: number }][];
  heap?: HeapProbe;
}

export interface IngestServer {
  db: DbKind;
  pid: number;
  baseUrl: string;
  mqttUrl: string;
  dataDir: string;
  databaseUrl?: string;
  dbVersion: string;
  prepared: PreparedStore;
  /** CPU profile directory when started with --cpu-prof. */
  profileDir?: string;
  outputTail(): string;
  /** VmRSS and VmHWM of the server process (bytes), from /proc/<pid>/status. */
  memory(): { rss: number; hwm: number } | undefined;
  /**
   * With `probe`: asks bench/ingest/server-probe.ts in the server for its figures since the
   * previous call (and starts a new interval); undefined without probe.
   */
  probe(): Promise<ProbeReport | undefined>;
  /** Stops the server process (SIGTERM, then SIGKILL); data and profile stay until dispose(). */
  stop(): Promise<void>;
  /** Stops the server if still running and removes its data directory, database and profile. */
  dispose(): Promise<void>;
}

const liveCleanups = new Set<() => void>();
process.on('exit', () => {
  for (const c of [...liveCleanups]) c();
});

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('XIAOAN_') || ['DATABASE_URL', 'MQTT_URL', 'PORT', 'HOST', 'NODE_OPTIONS'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export function processMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

function killAndWait(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startIngestServer(opts: {
  db: DbKind;
  postgres?: PostgresHandle;
  devices: number;
  adminPassword: string;
  nodeArgs?: string[];
  profile?: boolean;
  /** Checkout whose src/server/main.ts is started (default: this repository), to measure a candidate change. */
  serverRoot?: string;
  /** Load bench/ingest/server-probe.ts into the server (with --expose-gc) with these hooks. */
  probe?: ('heap' | 'sql' | 'loop')[];
  keepData?: boolean;
  log: (msg: string) => void;
}): Promise<IngestServer> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        console.error('cleanup failed:', (e as Error).message);
      }
    }
  };
  try {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'xiaoan-bench-ingest-'));
    if (!opts.keepData) {
      const remove = () => rmSync(dataDir, { recursive: true, force: true });
      liveCleanups.add(remove);
      cleanups.push(() => {
        remove();
        liveCleanups.delete(remove);
      });
    }
    let databaseUrl: string | undefined;
    let dbVersion: string;
    if (opts.db === 'postgres') {
      if (!opts.postgres) throw new Error('PostgreSQL run without a PostgreSQL server');
      const { default: pg } = await import('pg');
      const dbName = `xiaoan_ingest_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
      const admin = new pg.Client({ connectionString: opts.postgres.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${dbName}`);
      } finally {
        await admin.end();
      }
      const u = new URL(opts.postgres.url);
      u.pathname = `/${dbName}`;
      databaseUrl = u.toString();
      if (!opts.keepData) {
        const shared = opts.postgres;
        cleanups.push(async () => {
          const c = new pg.Client({ connectionString: shared.url });
          await c.connect();
          try {
            await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
          } finally {
            await c.end();
          }
        });
      }
      dbVersion = `PostgreSQL ${opts.postgres.version}`;
    } else {
      dbVersion = `SQLite ${await sqliteVersion()}`;
    }

    opts.log(`preparing the store (${opts.db}): 1 university, ${opts.devices.toLocaleString('en-US')} devices with credentials …`);
    const prepared = await prepareStore({ dataDir, databaseUrl, devices: opts.devices });
    opts.log(`  store ready in ${(prepared.ms / 1000).toFixed(1)} s`);

    const profileDir = opts.profile ? mkdtempSync(path.join(os.tmpdir(), 'xiaoan-bench-ingest-prof-')) : undefined;
    if (profileDir) {
      const remove = () => rmSync(profileDir, { recursive: true, force: true });
      liveCleanups.add(remove);
      cleanups.unshift(() => {
        remove();
        liveCleanups.delete(remove);
      }); // removed last, after the server wrote it and the caller read it
    }

    const lines: string[] = [];
    let onProbe: ((p: ProbeReport) => void) | null = null;
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        if (line.startsWith('XIAOAN_BENCH_PROBE ')) {
          onProbe?.(JSON.parse(line.slice(19)) as ProbeReport);
          onProbe = null;
          continue;
        }
        lines.push(line);
      }
      if (lines.length > 200) lines.splice(0, lines.length - 200);
    };
    const tail = () => lines.slice(-30).join('\n');

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const mqttPort = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const env = childEnv({
        XIAOAN_DATA_DIR: dataDir,
        XIAOAN_DEMO: '0',
        XIAOAN_ADMIN_PASSWORD: opts.adminPassword,
        XIAOAN_LOG_LEVEL: 'error',
        XIAOAN_LOGIN_MAX_ATTEMPTS: '1000',
        PORT: String(port),
        XIAOAN_MQTT_PORT: String(mqttPort),
        XIAOAN_SIP_PORT: '0',
        HOST: '127.0.0.1',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...(opts.probe?.length ? { BENCH_INGEST_PROBE: opts.probe.join(',') } : {}),
      });
      const nodeArgs = [...(opts.nodeArgs ?? []), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
      const probe = opts.probe?.length ? ['--expose-gc', '--import', 'tsx', '--import', path.join(REPO_ROOT, 'bench', 'ingest', 'server-probe.ts')] : [];
      const child = spawn(process.execPath, [...nodeArgs, ...probe, '--import', 'tsx', 'src/server/main.ts'], { cwd: path.resolve(opts.serverRoot ?? REPO_ROOT), env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      const killSync = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      };
      liveCleanups.add(killSync);
      const stopChild = async () => {
        // Generous: with --cpu-prof the profile is written at exit.
        await killAndWait(child, 60_000);
        liveCleanups.delete(killSync);
      };
      try {
        const deadline = Date.now() + 90_000;
        for (;;) {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${tail()}`);
          if (Date.now() > deadline) throw new Error(`server not healthy within 90 s:\n${tail()}`);
          try {
            const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2000) });
            if (res.ok) break;
          } catch {
            // not yet
          }
          await new Promise((r) => setTimeout(r, 150));
        }
      } catch (e) {
        await stopChild();
        if (attempt < 3 && /EADDRINUSE/.test(tail())) continue;
        throw e;
      }
      cleanups.push(stopChild);
      const pid = child.pid!;
      return {
        db: opts.db,
        pid,
        baseUrl,
        mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
        dataDir,
        databaseUrl,
        dbVersion,
        prepared,
        profileDir,
        outputTail: tail,
        memory: () => processMemory(pid),
        probe: () =>
          opts.probe?.length
            ? new Promise<ProbeReport | undefined>((resolve) => {
                const timer = setTimeout(() => resolve(undefined), 30_000);
                onProbe = (p) => {
                  clearTimeout(timer);
                  resolve(p);
                };
                child.kill('SIGUSR2');
              })
            : Promise.resolve(undefined),
        stop: async () => {
          const i = cleanups.indexOf(stopChild);
          if (i >= 0) cleanups.splice(i, 1);
          await stopChild();
        },
        dispose: stopAll,
      };
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
}
