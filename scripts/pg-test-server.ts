/**
 * Throw-away PostgreSQL server for tests and benchmarks.
 *
 *   const pgServer = await startTemporaryPostgres();
 *   // pgServer.url is a superuser URL (trust auth) such as postgres://postgres@127.0.0.1:54321/postgres
 *   await pgServer.stop();
 *
 * The server runs from the installed binaries (initdb/pg_ctl from PATH, else the highest
 * /usr/lib/postgresql/<version>/bin), in a fresh temporary directory, listening only on
 * 127.0.0.1 on a free port, with its unix socket inside that directory. fsync stays on so
 * that tests and benchmarks see real durability costs. When running as root (CI), initdb
 * and pg_ctl refuse to run, so they are run as the `postgres` OS user instead.
 *
 * The server is stopped and its directory removed by stop(), and also when the process
 * exits or is killed by SIGINT/SIGTERM/SIGHUP before stop() was called.
 *
 * Run directly (`node --import tsx scripts/pg-test-server.ts`) it starts a server, prints its
 * URL and keeps it running until Ctrl-C.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { accessSync, appendFileSync, chownSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export interface TemporaryPostgres {
  /** Superuser connection URL (no password, trust auth), database `postgres`. */
  url: string;
  /** Server version, e.g. "15.14". */
  version: string;
  /** Directory holding the PostgreSQL binaries used. */
  binDir: string;
  /** Temporary directory (data dir, socket, log) — removed by stop(). */
  baseDir: string;
  host: string;
  port: number;
  /** Stops the server (pg_ctl stop -m fast) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
  binDir: string;
}

export class PostgresNotInstalledError extends Error {
  constructor() {
    super('no PostgreSQL server binaries (initdb, pg_ctl) found in PATH or /usr/lib/postgresql/*/bin');
    this.name = 'PostgresNotInstalledError';
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function binariesIn(dir: string): PostgresBinaries | undefined {
  const initdb = path.join(dir, 'initdb');
  const pgCtl = path.join(dir, 'pg_ctl');
  if (!isExecutable(initdb) || !isExecutable(pgCtl)) return undefined;
  // Resolve symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb) so that
  // pg_ctl finds the matching `postgres` binary next to itself.
  const realInitdb = realpathSync(initdb);
  const realPgCtl = realpathSync(pgCtl);
  return { initdb: realInitdb, pgCtl: realPgCtl, binDir: path.dirname(realPgCtl) };
}

/** Finds initdb and pg_ctl: PATH first, then the highest /usr/lib/postgresql/<version>/bin. */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const found = binariesIn(dir);
    if (found) return found;
  }
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root);
  } catch {
    return undefined;
  }
  versions.sort((a, b) => parseFloat(b) - parseFloat(a) || b.localeCompare(a));
  for (const v of versions) {
    const found = binariesIn(path.join(root, v, 'bin'));
    if (found) return found;
  }
  return undefined;
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not obtain a free port'))));
    });
  });
}

interface RunAs {
  uid: number;
  gid: number;
  runuser?: string;
}

/** initdb/pg_ctl refuse to run as root: then run them as the `postgres` OS user. */
function resolveRunAs(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    throw new Error(
      'running as root, but there is no `postgres` OS user to run the temporary PostgreSQL server as ' +
        '(install the Debian package postgresql, create the user, or set XIAOAN_TEST_DATABASE_URL)',
    );
  }
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser', '/bin/runuser'].find(isExecutable);
  return { uid, gid, runuser };
}

function commandFor(runAs: RunAs | undefined, file: string, args: string[]): { file: string; args: string[]; uid?: number; gid?: number } {
  if (!runAs) return { file, args };
  if (runAs.runuser) return { file: runAs.runuser, args: ['-u', 'postgres', '--', file, ...args] };
  // No runuser: let Node switch user for the child.
  return { file, args, uid: runAs.uid, gid: runAs.gid };
}

function run(runAs: RunAs | undefined, file: string, args: string[], timeoutMs = 120_000): Promise<string> {
  const cmd = commandFor(runAs, file, args);
  return new Promise((resolve, reject) => {
    execFile(
      cmd.file,
      cmd.args,
      // cwd: the postgres user may not be able to read the caller's working directory.
      { encoding: 'utf8', timeout: timeoutMs, uid: cmd.uid, gid: cmd.gid, cwd: '/', env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error) {
          const out = `${stdout}${stderr}`.trim();
          reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${error.message}${out ? `\n${out}` : ''}`));
        } else {
          resolve(`${stdout}${stderr}`);
        }
      },
    );
  });
}

function runSync(runAs: RunAs | undefined, file: string, args: string[], timeoutMs = 30_000): boolean {
  const cmd = commandFor(runAs, file, args);
  const result = spawnSync(cmd.file, cmd.args, { stdio: 'ignore', timeout: timeoutMs, uid: cmd.uid, gid: cmd.gid, cwd: '/' });
  return result.status === 0;
}

function readLogTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function waitForConnections(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('select 1');
      const res = await client.query<{ server_version: string }>('show server_version');
      return (res.rows[0]?.server_version ?? '').split(' ')[0] ?? '';
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw new Error(`temporary PostgreSQL did not accept connections within ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * Starts a temporary PostgreSQL server. Throws PostgresNotInstalledError when no server
 * binaries are installed, or an Error with the server log tail when it cannot start.
 */
export async function startTemporaryPostgres(options: { maxConnections?: number } = {}): Promise<TemporaryPostgres> {
  const bins = findPostgresBinaries();
  if (!bins) throw new PostgresNotInstalledError();
  const runAs = resolveRunAs();
  const host = '127.0.0.1';
  const maxConnections = options.maxConnections ?? 200;

  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'xiaoan-pg-'));
  const dataDir = path.join(baseDir, 'data');
  const socketDir = path.join(baseDir, 'socket');
  const logFile = path.join(baseDir, 'server.log');
  mkdirSync(socketDir);
  if (runAs) {
    chownSync(baseDir, runAs.uid, runAs.gid);
    chownSync(socketDir, runAs.uid, runAs.gid);
  }

  let started = false;
  let stopped = false;
  const removeDir = () => {
    try {
      rmSync(baseDir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  };
  const killFromPidFile = () => {
    try {
      const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // not running
    }
  };
  // Synchronous variant for 'exit' and signal handlers.
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    removeHandlers();
    if (started && !runSync(runAs, bins.pgCtl, ['-D', dataDir, 'stop', '-m', 'immediate', '-w', '-t', '20'])) killFromPidFile();
    removeDir();
  };
  const onExit = () => stopSync();
  const onSignal = (signal: NodeJS.Signals) => {
    stopSync();
    // Re-raise with default behaviour unless someone else handles the signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const removeHandlers = () => {
    process.removeListener('exit', onExit);
    for (const s of signals) process.removeListener(s, onSignal);
  };
  process.on('exit', onExit);
  for (const s of signals) process.once(s, onSignal);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    removeHandlers();
    if (started) {
      try {
        await run(runAs, bins.pgCtl, ['-D', dataDir, 'stop', '-m', 'fast', '-w', '-t', '60'], 90_000);
      } catch {
        killFromPidFile();
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    removeDir();
  };

  try {
    await run(runAs, bins.initdb, ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale']);
    appendFileSync(
      path.join(dataDir, 'postgresql.conf'),
      [
        '',
        '# xiaoan temporary test server',
        `listen_addresses = '${host}'`,
        `unix_socket_directories = '${socketDir.replace(/'/g, "''")}'`,
        'fsync = on',
        'synchronous_commit = on',
        'full_page_writes = on',
        `max_connections = ${maxConnections}`,
        "timezone = 'UTC'",
        '',
      ].join('\n'),
    );

    // The port is free when chosen but may be taken before the server binds it: retry.
    let port = 0;
    let lastError: unknown;
    for (let attempt = 0; attempt < 5 && !started; attempt++) {
      port = await findFreePort(host);
      try {
        await run(runAs, bins.pgCtl, ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port}`, 'start'], 90_000);
        started = true;
      } catch (error) {
        lastError = error;
        if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
          started = true; // pg_ctl gave up waiting but a server may be running: make stop() stop it
          break;
        }
        if (!/could not bind|address already in use/i.test(readLogTail(logFile, 10))) break;
      }
    }
    if (!started) throw lastError;

    const url = `postgres://postgres@${host}:${port}/postgres`;
    const version = await waitForConnections(url, 30_000);
    return { url, version, binDir: bins.binDir, baseDir, host, port, stop };
  } catch (error) {
    const tail = readLogTail(logFile);
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`could not start temporary PostgreSQL (${bins.binDir}): ${message}${tail ? `\nserver log:\n${tail}` : ''}`);
  }
}

// `node --import tsx scripts/pg-test-server.ts`: start one and keep it until Ctrl-C.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = await startTemporaryPostgres();
  console.log(`PostgreSQL ${server.version} running at ${server.url} (data in ${server.baseDir}); Ctrl-C to stop`);
  console.log(`  XIAOAN_TEST_DATABASE_URL=${server.url} npm test`);
  await new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => {}, 1 << 30); // signal listeners alone do not keep Node running
    const done = () => {
      clearInterval(keepAlive);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.stop();
}
