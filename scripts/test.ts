/**
 * `npm test`: runs the whole suite on SQLite, then again on PostgreSQL whenever a server is
 * available, then the browser tests (test/e2e, SQLite only) when chromium is installed.
 *
 *   npm test                       everything
 *   npm test -- alarm ledger       only test files whose path contains "alarm" or "ledger"
 *
 * Environment:
 *   XIAOAN_TEST_DATABASE_URL=postgres://…  use this (superuser) server instead of a temporary one
 *   XIAOAN_TEST_POSTGRES=off               skip the PostgreSQL run
 *   XIAOAN_TEST_RUN_TIMEOUT_MIN=30         abort a run that takes longer (default 30 minutes)
 *   XIAOAN_TEST_FILE_TIMEOUT_MIN=5         fail and kill a test file that takes longer (default 5 minutes,
 *                                          10 for browser tests): a hung file never holds up the run
 *   XIAOAN_TEST_NOW=2026-12-13T22:12+08:00 run the test apps' clock from this instant (see
 *                                          test/helpers/test-clock.ts); `faketime` fakes it for everything
 *
 * Each test file runs in its own process (2 at a time) and gets XIAOAN_TEST_DB=sqlite|postgres
 * (and XIAOAN_TEST_DATABASE_URL for postgres); test/helpers/test-store.ts turns that into a
 * fresh database per call. The last line printed is always `N passed, N failed[, N skipped]`.
 */
import { setMaxListeners } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { findPostgresBinaries, startTemporaryPostgres, type TemporaryPostgres } from './pg-test-server.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(projectRoot); // test processes resolve `--import tsx` and relative paths from here

const CONCURRENCY = 2; // the CI machine has 2 cores
const E2E_CONCURRENCY = 1; // each browser test file starts a server and a chromium
const CHROMIUM = '/usr/bin/chromium';
const RUN_TIMEOUT_MS = Number(process.env.XIAOAN_TEST_RUN_TIMEOUT_MIN || 30) * 60_000;
// Per file, well below the run's: node:test kills a file's process when it runs out (a hook
// waiting forever, a handle left open), reports it as failed and goes on with the next file.
const FILE_TIMEOUT_MS = Number(process.env.XIAOAN_TEST_FILE_TIMEOUT_MIN || 5) * 60_000;
const E2E_FILE_TIMEOUT_MS = Number(process.env.XIAOAN_TEST_FILE_TIMEOUT_MIN || 10) * 60_000;

// ---------------------------------------------------------------------------------------------
// Test file discovery

function walk(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const e2eDir = path.join(projectRoot, 'test', 'e2e');
const isUnder = (file: string, dir: string) => file.startsWith(dir + path.sep);
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const matchesFilters = (file: string) =>
  filters.length === 0 || filters.some((f) => path.relative(projectRoot, file).includes(f) || path.resolve(f) === file);

const allFiles = [...walk(path.join(projectRoot, 'src')), ...walk(path.join(projectRoot, 'test'))].sort();
const unitFiles = allFiles.filter((f) => !isUnder(f, e2eDir) && matchesFilters(f));
const e2eFiles = allFiles.filter((f) => isUnder(f, e2eDir) && matchesFilters(f));

// ---------------------------------------------------------------------------------------------
// Running one pass of the suite

interface RunResult {
  label: string;
  passed: number;
  failed: number;
  skipped: number;
  todo: number;
  /** Set when the run itself broke (could not start, reporter error, timeout). */
  crashed?: string;
  /** Set when the run did not happen on purpose. */
  skippedReason?: string;
  seconds?: number;
}

const [nodeMajor = 0, nodeMinor = 0] = process.versions.node.split('.').map(Number);
// run({ execArgv }) exists since Node 22.10 / 23.0; older versions pass the parent's
// process.execArgv (which holds `--import tsx` under `npm test`) on to the test processes.
const runSupportsExecArgv = nodeMajor > 22 || (nodeMajor === 22 && nodeMinor >= 10);
const mentionsTsx = (arg: string) => /(^|[\s/=\\@])tsx\b/.test(arg);
// Test processes inherit the parent's execArgv and NODE_OPTIONS: add tsx only if neither has it.
const parentHasTsx = process.execArgv.some(mentionsTsx) || mentionsTsx(process.env.NODE_OPTIONS ?? '');
const extraRunOptions: Record<string, unknown> = {};
if (!parentHasTsx) {
  if (runSupportsExecArgv) extraRunOptions.execArgv = ['--import', 'tsx'];
  else process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim();
}

/** Writes to stdout without ever ending it. */
function stdoutSink(): Writable {
  return new Writable({
    write(chunk, _encoding, callback) {
      if (process.stdout.write(chunk)) callback();
      else process.stdout.once('drain', () => callback());
    },
  });
}

function banner(text: string): void {
  process.stdout.write(`\n== ${text} ==\n\n`);
}

function isSet(flag: string | boolean | undefined): boolean {
  return flag !== undefined && flag !== false;
}

async function runFiles(label: string, files: string[], concurrency: number, fileTimeoutMs: number, env: Record<string, string | undefined>): Promise<RunResult> {
  const result: RunResult = { label, passed: 0, failed: 0, skipped: 0, todo: 0 };
  const started = Date.now();
  // Test processes are spawned lazily and copy process.env at spawn time: keep it set for the whole run.
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const fileSet = new Set(files);
  // The runner reports each file as a test named after its path: it only fails on its own when
  // the file crashed (did not load, exited non-zero without a failing test) — count that once.
  const isContainer = (d: { name: string; nesting: number; details: { type?: string } }) =>
    d.details?.type === 'suite' || (d.nesting === 0 && fileSet.has(path.resolve(d.name)));

  const abort = new AbortController();
  setMaxListeners(files.length + 10, abort.signal); // each test file (and its timeout) listens to it
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, RUN_TIMEOUT_MS);
  try {
    const stream = run({ files, concurrency, timeout: fileTimeoutMs, forceExit: true, signal: abort.signal, ...extraRunOptions });
    stream.on('test:pass', (d) => {
      if (isContainer(d)) return;
      if (isSet(d.skip)) result.skipped++;
      else if (isSet(d.todo)) result.todo++;
      else result.passed++;
    });
    stream.on('test:fail', (d) => {
      if (isSet(d.todo)) {
        result.todo++;
        return;
      }
      const failureType = (d.details?.error as { failureType?: string } | undefined)?.failureType;
      if (isContainer(d) && failureType === 'subtestsFailed') return; // already counted below it
      result.failed++;
    });
    await pipeline(stream, new spec(), stdoutSink());
    if (timedOut) result.crashed = `timed out after ${RUN_TIMEOUT_MS / 60_000} min (XIAOAN_TEST_RUN_TIMEOUT_MIN)`;
  } catch (error) {
    result.crashed = timedOut ? `timed out after ${RUN_TIMEOUT_MS / 60_000} min` : `test runner crashed: ${String(error)}`;
  } finally {
    clearTimeout(timer);
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL server for the second pass

interface PostgresTarget {
  url: string;
  description: string;
  server?: TemporaryPostgres;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const res = await client.query<{ server_version: string }>('show server_version');
    return (res.rows[0]?.server_version ?? '?').split(' ')[0] ?? '?';
  } finally {
    await client.end().catch(() => {});
  }
}

type PostgresPlan = { target: PostgresTarget } | { skip: string } | { error: string };

async function preparePostgres(): Promise<PostgresPlan> {
  const toggle = (process.env.XIAOAN_TEST_POSTGRES ?? '').toLowerCase();
  if (['0', 'off', 'no', 'false', 'skip'].includes(toggle)) return { skip: `XIAOAN_TEST_POSTGRES=${process.env.XIAOAN_TEST_POSTGRES}` };

  const given = process.env.XIAOAN_TEST_DATABASE_URL;
  if (given) {
    try {
      const version = await serverVersion(given);
      return { target: { url: given, description: `PostgreSQL ${version} (XIAOAN_TEST_DATABASE_URL ${redact(given)})` } };
    } catch (error) {
      return { error: `cannot connect to XIAOAN_TEST_DATABASE_URL ${redact(given)}: ${String(error)}` };
    }
  }
  if (!findPostgresBinaries()) return { skip: 'no server binaries found (install Debian package postgresql)' };
  try {
    const server = await startTemporaryPostgres();
    return {
      target: { url: server.url, server, description: `PostgreSQL ${server.version} (temporary server at ${server.host}:${server.port}, ${server.binDir})` },
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

// ---------------------------------------------------------------------------------------------

const results: RunResult[] = [];

async function main(): Promise<void> {

  // Tests must never reach a real database through the app's own configuration.
  if (process.env.DATABASE_URL) {
    process.stdout.write('note: DATABASE_URL is ignored by the tests (unset for the test processes)\n');
  }
  const baseEnv = { DATABASE_URL: undefined };

  if (unitFiles.length === 0) {
    const reason = `no test files${filters.length ? ` matching ${filters.join(' ')}` : ''}`;
    process.stdout.write(`SQLite: skipped — ${reason}\n`);
    results.push({ label: 'SQLite', passed: 0, failed: 0, skipped: 0, todo: 0, skippedReason: reason });
  }

  // Start PostgreSQL while SQLite runs.
  const postgresPlan = unitFiles.length > 0 ? preparePostgres() : Promise.resolve<PostgresPlan>({ skip: 'no test files' });

  let server: TemporaryPostgres | undefined;
  try {
    if (unitFiles.length > 0) {
      banner(`SQLite (${unitFiles.length} test files)`);
      results.push(await runFiles('SQLite', unitFiles, CONCURRENCY, FILE_TIMEOUT_MS, { ...baseEnv, XIAOAN_TEST_DB: 'sqlite' }));
    }

    const plan = await postgresPlan;
    if ('target' in plan) {
      server = plan.target.server;
      banner(plan.target.description);
      results.push(
        await runFiles(plan.target.description.split(' (')[0] ?? 'PostgreSQL', unitFiles, CONCURRENCY, FILE_TIMEOUT_MS, {
          ...baseEnv,
          XIAOAN_TEST_DB: 'postgres',
          XIAOAN_TEST_DATABASE_URL: plan.target.url,
        }),
      );
    } else if ('skip' in plan) {
      process.stdout.write(`\nPostgreSQL: skipped — ${plan.skip}\n`);
      results.push({ label: 'PostgreSQL', passed: 0, failed: 0, skipped: 0, todo: 0, skippedReason: plan.skip });
    } else {
      process.stdout.write(`\nPostgreSQL: FAILED — ${plan.error}\n`);
      results.push({ label: 'PostgreSQL', passed: 0, failed: 0, skipped: 0, todo: 0, crashed: plan.error.split('\n')[0] });
    }
  } finally {
    await server?.stop();
  }

  const givenUrl = process.env.XIAOAN_TEST_DATABASE_URL;
  const e2eEnv = { ...baseEnv, XIAOAN_TEST_DB: 'sqlite', XIAOAN_TEST_DATABASE_URL: givenUrl };
  if (e2eFiles.length === 0) {
    const reason = filters.length ? 'no matching test files in test/e2e' : 'no test files in test/e2e';
    process.stdout.write(`\nBrowser tests: skipped — ${reason}\n`);
    results.push({ label: 'Browser (e2e)', passed: 0, failed: 0, skipped: 0, todo: 0, skippedReason: reason });
  } else if (!existsSync(CHROMIUM)) {
    const reason = `${CHROMIUM} not found (install Debian packages chromium fonts-noto-cjk)`;
    process.stdout.write(`\nBrowser tests: skipped — ${reason}\n`);
    results.push({ label: 'Browser (e2e)', passed: 0, failed: 0, skipped: 0, todo: 0, skippedReason: reason });
  } else {
    banner(`Browser tests (SQLite, ${CHROMIUM}, ${e2eFiles.length} test files)`);
    results.push(await runFiles('Browser (e2e)', e2eFiles, E2E_CONCURRENCY, E2E_FILE_TIMEOUT_MS, e2eEnv));
  }

}

/** Prints per-run counts and, as the very last line, the totals. Returns the exit code. */
function summarize(): number {
  const width = Math.max(0, ...results.map((r) => r.label.length)) + 1;
  process.stdout.write('\n== Summary ==\n');
  for (const r of results) {
    let line = `${(r.label + ':').padEnd(width + 1)} `;
    if (r.skippedReason) line += `skipped — ${r.skippedReason}`;
    else {
      line += `${r.passed} passed, ${r.failed} failed`;
      if (r.skipped) line += `, ${r.skipped} skipped`;
      if (r.todo) line += `, ${r.todo} todo`;
      if (r.seconds !== undefined) line += ` (${r.seconds.toFixed(1)} s)`;
      if (r.crashed) line += ` — RUN FAILED: ${r.crashed}`;
    }
    process.stdout.write(line + '\n');
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  // todo tests are neither passes nor failures: report them with the skipped ones.
  const skipped = results.reduce((n, r) => n + r.skipped + r.todo, 0);
  const crashed = results.some((r) => r.crashed);
  process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  return failed > 0 || crashed ? 1 : 0;
}

try {
  await main();
} catch (error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`scripts/test.ts crashed: ${message}\n`);
  results.push({ label: 'test script', passed: 0, failed: 0, skipped: 0, todo: 0, crashed: String(error) });
}
process.exit(summarize());
