/**
 * The demo history's handovers (交接班): with the roster seeded for the history's month, every
 * change of shift of the first command seat in the history has a handover, signed by the
 * operator going off and accepted by the one rostered next, the open alarms moved along; the
 * same seed gives the same handovers, ids included.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { createTestStoreOptions, type TestStoreOptions } from '../../../../test/helpers/test-store.ts';
import { loadConfig } from '../../config.ts';
import { createServices } from '../../http/app.ts';
import { SYSTEM_ACTOR } from '../../http/policy.ts';
import { openStore, type Store } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrations/index.ts';
import { seedDemoIfEmpty } from '../demo-seed.ts';
import { generateDemoHistory, type HistoryReport } from './demo-history.ts';

const END = Date.parse('2026-10-03T12:00:00+08:00');
const config = loadConfig({}, { XIAOAN_LOG_LEVEL: 'silent' });
const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, trace: () => {}, fatal: () => {}, child: () => silent, level: 'silent', silent: () => {} } as unknown as FastifyBaseLogger;

describe('demo history: handovers', () => {
  const envs: { opts: TestStoreOptions; store: Store }[] = [];
  after(async () => {
    for (const e of envs) {
      await e.store.close();
      await e.opts.cleanup();
    }
  });

  async function history(seed: number) {
    const opts = await createTestStoreOptions();
    const store = openStore(opts);
    envs.push({ opts, store });
    await migrateToLatest(store.db, store.dialect);
    const services = createServices(config, store);
    await services.org.ensureCommission(SYSTEM_ACTOR);
    assert.equal(await seedDemoIfEmpty({ services, store, log: silent, nowMs: END }), true);
    const result = await generateDemoHistory({ config, store, days: 1, seed, endMs: END });
    assert.equal(result.status, 'generated');
    const rows = await store.db.selectFrom('handovers').selectAll().orderBy('shift_to').execute();
    return { report: (result as { report: HistoryReport }).report, rows, store };
  }

  test('every change of shift in the history is handed over and accepted, the same for the same seed', async () => {
    const a = await history(77);
    assert.deepEqual(a.report.problems, []);
    // Oct 2 00:00 → Oct 3 12:00 (Beijing): changes at 08:00 and 20:00 on Oct 2 and 08:00 on Oct 3.
    assert.deepEqual(
      a.rows.map((r) => new Date(r.shift_to).toISOString()),
      ['2026-10-02T08:00:00+08:00', '2026-10-02T20:00:00+08:00', '2026-10-03T08:00:00+08:00'].map((s) => new Date(s).toISOString()),
    );
    assert.ok(a.rows.every((r) => r.state === 'accepted' && r.incoming_id && r.incoming_id !== r.outgoing_id));
    assert.equal(a.report.counters.handovers, 3);
    const moved = await a.store.db.selectFrom('alarm_log').select('alarm_id').where('action', '=', 'handed_over').execute();
    assert.equal(moved.length, a.rows.reduce((n, r) => n + r.moved_alarms, 0));
    const b = await history(77);
    assert.deepEqual(
      b.rows.map((r) => [r.id, r.outgoing_id, r.incoming_id, r.checklist, r.notes, r.moved_alarms]),
      a.rows.map((r) => [r.id, r.outgoing_id, r.incoming_id, r.checklist, r.notes, r.moved_alarms]),
    );
  });
});
