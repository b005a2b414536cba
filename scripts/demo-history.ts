/**
 * Gives a demo database its past (issue 18), as the first start of a fresh demo does:
 *
 *   npm run demo:history -- --days 90 [--seed 20260101] [--end 2026-12-06T21:00+08:00] [--force]
 *
 * The store is the server's (DATABASE_URL / XIAOAN_DATA_DIR, as in src/server/config.ts); stop
 * the server first. An empty store is migrated and seeded with the demo university first. A store
 * that has its history already is left alone unless --force. Progress is printed every ten days.
 *
 * Options: --days N [XIAOAN_DEMO_HISTORY_DAYS, 90], --seed S [XIAOAN_DEMO_HISTORY_SEED],
 * --end ISO (end of the history) [now], --force.
 */
import { parseArgs } from 'node:util';
import type { FastifyBaseLogger } from 'fastify';
import { loadConfig } from '../src/server/config.ts';
import { createServices } from '../src/server/http/app.ts';
import { SYSTEM_ACTOR } from '../src/server/http/policy.ts';
import { seedDemoIfEmpty } from '../src/server/simulator/demo-seed.ts';
import { generateDemoHistory } from '../src/server/simulator/history/demo-history.ts';
import { openStore } from '../src/server/store/database.ts';
import { migrateToLatest } from '../src/server/store/migrations/index.ts';

const { values: args } = parseArgs({
  options: {
    days: { type: 'string' },
    seed: { type: 'string' },
    end: { type: 'string' },
    force: { type: 'boolean', default: false },
  },
});

const config = loadConfig();
const days = args.days !== undefined ? Number(args.days) : config.XIAOAN_DEMO_HISTORY_DAYS;
const seed = args.seed !== undefined ? Number(args.seed) : config.XIAOAN_DEMO_HISTORY_SEED;
const endMs = args.end ? Date.parse(args.end) : Date.now();
if (!Number.isInteger(days) || days < 1 || days > 365) throw new Error('--days must be a whole number from 1 to 365');
if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a whole number');
if (!Number.isFinite(endMs)) throw new Error('--end must be a date and time, e.g. 2026-12-06T21:00+08:00');

const started = performance.now();
const store = openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.XIAOAN_DATA_DIR });
try {
  await migrateToLatest(store.db, store.dialect);
  const services = createServices(config, store);
  await services.org.ensureCommission(SYSTEM_ACTOR);
  const print = (...a: unknown[]) => console.log(a.filter((x) => typeof x === 'string').join(' '));
  const log = { info: print, warn: print, error: print, debug: () => {}, trace: () => {}, fatal: print, child: () => log, level: 'info', silent: () => {} } as unknown as FastifyBaseLogger;
  await seedDemoIfEmpty({ services, store, log });
  console.log(`demo history: ${days} days up to ${new Date(endMs).toISOString()}, seed ${seed}, store ${store.describe}`);
  const result = await generateDemoHistory({ config, store, days, seed, endMs, force: args.force, progress: (line) => console.log(line) });
  if (result.status === 'skipped') console.log(`demo history skipped: ${result.reason}`);
  else if (result.report.problems.length) console.log(`problems:\n  ${result.report.problems.join('\n  ')}`);
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await store.close();
}
