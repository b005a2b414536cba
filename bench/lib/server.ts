/**
 * Starts the real xiaoan server (`node --import tsx src/server/main.ts`) as a child process on
 * 127.0.0.1 with a temporary data directory, against SQLite or a fresh database on a
 * temporary PostgreSQL server, and waits until /api/health answers.
 *
 *   const server = await startServer({ db: 'sqlite', adminPassword: 'bench-admin-pw' });
 *   … fetch(server.baseUrl + '/api/…') …
 *   await server.stop();
 *
 * Everything started here is stopped and removed by stop(), and also (synchronously, best
 * effort) when the benchmark process exits or is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type DbKind = 'sqlite' | 'postgres';

/** Repository root (two levels up from bench/lib). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What the benchmark needs from a temporary PostgreSQL (scripts/pg-test-server.ts). */
export interface PostgresHandle {
  url: string;
  version: string;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  db: DbKind;
  adminPassword: string;
  /** Reuse a running temporary PostgreSQL (a fresh database is still created); else one is started and owned. */
  postgres?: PostgresHandle;
  /** Extra environment for the server (XIAOAN_* keys must be valid configuration keys). */
  env?: Record<string, string>;
  /** Give up waiting for /api/health after this long (default 60 s). */
  startTimeoutMs?: number;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info';
  /**
   * Leave the temporary data directory (SQLite file) — and, on a shared PostgreSQL given as
   * `postgres`, the database — in place for inspection; stop() still stops the server.
   */
  keepDataDir?: boolean;
  /** Checkout whose `src/server/main.ts` is started (default: this repository), e.g. to compare a candidate change. */
  serverRoot?: string;
  /** Extra arguments for the server's `node` (before `--import tsx`), e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[];
  /** Forward the server's output to this process's stderr (default: keep only a tail for errors). */
  echoOutput?: boolean;
  /**
   * Fills the store before the server starts (e.g. 50,000 devices written directly, which the
   * HTTP API would take minutes for): called with the data directory and, on PostgreSQL, the
   * fresh database's URL.
   */
  prepare?: (store: { dataDir: string; databaseUrl?: string }) => Promise<void>;
}

export interface RunningServer {
  db: DbKind;
  baseUrl: string;
  port: number;
  pid: number;
  /** Temporary XIAOAN_DATA_DIR (holds xiaoan.db for SQLite). */
  dataDir: string;
  /** SQLite file path, or undefined for PostgreSQL. */
  sqliteFile?: string;
  /** Connection URL of the server's database (PostgreSQL only). */
  databaseUrl?: string;
  /** "SQLite 3.x.y" or "PostgreSQL 15.x". */
  dbVersion: string;
  /** The last lines the server printed. */
  outputTail(): string;
  /** Stops the server (SIGTERM, then SIGKILL), drops owned resources, removes temp dirs. Idempotent. */
  stop(): Promise<void>;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * A PostgreSQL server that is already running (e.g. `node --import tsx scripts/pg-test-server.ts`),
 * as a handle for startServer; stop() does nothing. Only loopback servers are accepted.
 */
export async function existingPostgres(url: string): Promise<PostgresHandle> {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', ''].includes(host)) throw new Error(`refusing to benchmark against PostgreSQL on ${host}; use a local server`);
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ server_version: string }>('show server_version');
    return { url, version: (r.rows[0]?.server_version ?? '?').split(' ')[0]!, stop: async () => {} };
  } finally {
    await c.end();
  }
}

/** Version of the SQLite library the server uses (better-sqlite3 bundles its own). */
export async function sqliteVersion(): Promise<string> {
  const { default: SQLite } = await import('better-sqlite3');
  const db = new SQLite(':memory:');
  try {
    return (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

/** Environment for the child: the parent's, minus anything that would configure the server differently. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('XIAOAN_') || ['DATABASE_URL', 'MQTT_URL', 'PORT', 'HOST', 'NODE_OPTIONS'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Configuration keys the server under test knows (its config schema evolves; unknown XIAOAN_* keys are fatal). */
async function serverConfigKeys(root: string): Promise<Set<string>> {
  const mod = (await import(pathToFileURL(path.join(root, 'src', 'server', 'config.ts')).href)) as { ConfigSchema: { properties: Record<string, unknown> } };
  return new Set(Object.keys(mod.ConfigSchema.properties));
}

// Synchronous last-resort cleanup of everything still running when the process goes away.
const liveCleanups = new Set<() => void>();
let exitHooksInstalled = false;
function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const c of [...liveCleanups]) c();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping benchmark servers`);
      // process.exit runs the 'exit' hooks above (and those of scripts/pg-test-server.ts).
      process.exit(128 + (os.constants.signals[signal] ?? 1));
    });
  }
}

async function waitForHealth(baseUrl: string, child: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${tail()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.ok && body.includes('"ok"')) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`server not healthy within ${timeoutMs} ms:\n${tail()}`);
}

function killAndWait(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  installExitHooks();
  const cleanups: (() => Promise<void>)[] = [];
  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (e) {
        console.error('cleanup failed:', e instanceof Error ? e.message : e);
      }
    }
  };

  try {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'xiaoan-bench-'));
    const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
    if (!opts.keepDataDir) {
      liveCleanups.add(removeDir);
      cleanups.push(async () => {
        removeDir();
        liveCleanups.delete(removeDir);
      });
    }

    let databaseUrl: string | undefined;
    let dbVersion: string;
    if (opts.db === 'postgres') {
      let pgServer = opts.postgres;
      if (!pgServer) {
        const { startTemporaryPostgres } = await import('../../scripts/pg-test-server.ts');
        const owned = await startTemporaryPostgres();
        pgServer = owned;
        cleanups.push(() => owned.stop());
      }
      const { default: pg } = await import('pg');
      const dbName = `xiaoan_bench_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
      const admin = new pg.Client({ connectionString: pgServer.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${dbName}`);
      } finally {
        await admin.end();
      }
      const url = new URL(pgServer.url);
      url.pathname = `/${dbName}`;
      databaseUrl = url.toString();
      if (opts.postgres && !opts.keepDataDir) {
        // Shared server: drop the database again; an owned server is removed as a whole.
        const shared = pgServer;
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
      dbVersion = `PostgreSQL ${pgServer.version}`;
    } else {
      dbVersion = `SQLite ${await sqliteVersion()}`;
    }

    await opts.prepare?.({ dataDir, databaseUrl });

    const lines: string[] = [];
    const keep = (chunk: Buffer) => {
      if (opts.echoOutput) process.stderr.write(chunk);
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (lines.length > 200) lines.splice(0, lines.length - 200);
    };
    const tail = () => lines.slice(-40).join('\n');

    const serverRoot = path.resolve(opts.serverRoot ?? REPO_ROOT);
    const knownKeys = await serverConfigKeys(serverRoot);
    // Other listeners of the server (the built-in MQTT broker) get a free port too, so that
    // a benchmark never collides with a server already running on the default ports.
    // Every listener the server under test knows of binds a free port (older commits lack some).
    const freeListeners: Record<string, string> = Object.fromEntries(['XIAOAN_MQTT_PORT', 'XIAOAN_SIP_PORT'].filter((k) => knownKeys.has(k)).map((k) => [k, '0']));

    // The chosen port may be taken before the server binds it: retry a few times.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const env = childEnv({
        XIAOAN_DATA_DIR: dataDir,
        XIAOAN_DEMO: '0',
        XIAOAN_ADMIN_PASSWORD: opts.adminPassword,
        XIAOAN_LOG_LEVEL: opts.logLevel ?? 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        ...freeListeners,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...opts.env,
      });
      const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'src/server/main.ts'], { cwd: serverRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      const killSync = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      };
      liveCleanups.add(killSync);
      const stopChild = async () => {
        await killAndWait(child, 10_000);
        liveCleanups.delete(killSync);
      };
      try {
        await waitForHealth(baseUrl, child, opts.startTimeoutMs ?? 60_000, tail);
      } catch (e) {
        await stopChild();
        if (attempt < 3 && /EADDRINUSE/.test(tail())) continue;
        throw e;
      }
      cleanups.push(stopChild);
      return {
        db: opts.db,
        baseUrl,
        port,
        pid: child.pid!,
        dataDir,
        sqliteFile: opts.db === 'sqlite' ? path.join(dataDir, 'xiaoan.db') : undefined,
        databaseUrl,
        dbVersion,
        outputTail: tail,
        stop: stopAll,
      };
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
}
