/**
 * Month partitions (issue 14, scale path). On PostgreSQL: migration 0022 turns the event store and
 * the sightings index into month-partitioned tables without losing a row (a stray 1970 time stays
 * in the default partition), a resend of an event is still recognised (whatever its time), a month prepared later takes
 * its rows out of the default partition, retention drops whole months. On SQLite: sightings older
 * than the retention are deleted by the module's job. Beijing month arithmetic on both.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Migrator, sql, type Kysely } from 'kysely';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { openStore } from '../../src/server/store/database.ts';
import { columnTypes, MIGRATIONS, migrateToLatest } from '../../src/server/store/migrations/index.ts';
import { beijingMonthStart, ensureMonthPartitions, maintainMonthPartitions, monthPartitions, monthsBetween } from '../../src/server/store/partitions.ts';
import { EventsRepository } from '../../src/server/modules/events/events.repository.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity } from '../helpers/test-app.ts';
import { createTestStoreOptions, testDialect } from '../helpers/test-store.ts';

const bj = (iso: string) => Date.parse(`${iso}+08:00`);
const onPostgres = testDialect() === 'postgres';

function event(id: string, occurredAt: string, sourceEventId: string | null = null): DeviceEvent {
  return {
    id,
    source: 'mqtt',
    sourceEventId,
    orgId: 'u1',
    deviceId: 'd1',
    kind: 'access.granted',
    severity: 'info',
    occurredAt,
    receivedAt: occurredAt,
    payload: { credentialType: 'card', credentialId: 'C1', personId: 'p1' },
  } as DeviceEvent;
}

/** Where each event row is stored: its partition's name. */
async function partitionOf(db: Kysely<any>, table: string): Promise<Record<string, string>> {
  const key = table === 'events' ? sql.ref('id') : sql.ref('event_id');
  const { rows } = await sql<{ k: string; part: string }>`select ${key} as k, tableoid::regclass::text as part from ${sql.table(table)}`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.k, r.part]));
}

describe('month partitions', () => {
  it('count Beijing months: a month starts at 00:00 +08:00, ranges cross the year end', () => {
    assert.equal(new Date(beijingMonthStart(2026, 12)).toISOString(), '2026-11-30T16:00:00.000Z');
    // 2026-11-30 20:00 UTC is already 1 December in Beijing.
    assert.deepEqual(monthsBetween(Date.parse('2026-11-30T20:00:00Z'), bj('2027-02-01T00:00:00')), [
      { year: 2026, month: 12 },
      { year: 2027, month: 1 },
      { year: 2027, month: 2 },
    ]);
  });

  it('0022 partitions existing events and sightings by month, keeps every row and still recognises a resend', { skip: !onPostgres && 'PostgreSQL only' }, async () => {
    const opts = await createTestStoreOptions();
    const store = openStore(opts);
    try {
      const db = store.db as unknown as Kysely<any>;
      const types = columnTypes(store.dialect);
      const before = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === '0022-month-partitions'));
      const provider = { getMigrations: async () => Object.fromEntries(before.map((m) => [m.name, { up: (d: Kysely<any>) => m.up(d, types) }])) };
      assert.equal((await new Migrator({ db, provider, migrationTableName: 'xiaoan_migrations', migrationLockTableName: 'xiaoan_migrations_lock' }).migrateToLatest()).error, undefined);

      const repo = new EventsRepository(store);
      const stored = [
        event('e1', '2026-11-30T15:59:59.000Z', 's1'), // 23:59:59 on 30 November in Beijing
        event('e2', '2026-11-30T16:00:00.000Z', 's2'), // 00:00 on 1 December in Beijing
        event('e3', '1970-01-01T00:00:00.000Z', 's3'), // a device whose clock was never set
      ];
      // As the store held them before 0022 (one plain table, its own unique key on the source id).
      for (const e of stored) {
        await db
          .insertInto('events')
          .values({ id: e.id, university_id: e.orgId, device_id: e.deviceId, source: e.source, source_event_id: e.sourceEventId, kind: e.kind, severity: e.severity, occurred_at: e.occurredAt, received_at: e.receivedAt, subject: null, payload: JSON.stringify(e.payload) })
          .execute();
      }
      for (const e of stored.slice(0, 2)) {
        await db.insertInto('sightings').values({ university_id: 'u1', subject: 'person:p1', at: e.occurredAt, event_id: e.id, device_id: 'd1', kind: e.kind, entrance: 0 }).execute();
      }

      await migrateToLatest(store.db, store.dialect);
      assert.deepEqual(await partitionOf(db, 'events'), { e1: 'events_p202611', e2: 'events_p202612', e3: 'events_default' });
      assert.deepEqual(await partitionOf(db, 'sightings'), { e1: 'sightings_p202611', e2: 'sightings_p202612' });

      // The same device event again — also when it came without a time and was stamped on arrival, in another month.
      assert.equal((await repo.append(store.db as never, [event('e1-again', '2026-11-30T15:59:59.000Z', 's1')])).size, 0);
      assert.equal((await repo.append(store.db as never, [event('e1-later', '2026-12-06T08:00:00.000Z', 's1')])).size, 0);
      assert.equal((await repo.append(store.db as never, [event('e4', '2026-12-05T08:00:00.000Z', 's4')])).size, 1);
      assert.deepEqual((await repo.byIds(store.db as never, ['e1', 'e2', 'e4'])).map((e) => e.id), ['e1', 'e2', 'e4']);
      assert.deepEqual((await repo.after(store.db as never, 'e1', 10)).map((e) => e.id), ['e2', 'e3', 'e4']);
    } finally {
      await store.close();
      await opts.cleanup();
    }
  });

  it('a month prepared later takes its rows out of the default partition; retention drops whole months', { skip: !onPostgres && 'PostgreSQL only' }, async () => {
    const opts = await createTestStoreOptions();
    const store = openStore(opts);
    try {
      const db = store.db as unknown as Kysely<any>;
      await migrateToLatest(store.db, store.dialect);
      const repo = new EventsRepository(store);
      // Nothing prepared yet: rows wait in the default partition.
      await repo.append(store.db as never, [event('a', '2030-01-15T00:00:00.000Z'), event('b', '2030-02-15T00:00:00.000Z')]);
      assert.deepEqual(await partitionOf(db, 'events'), { a: 'events_default', b: 'events_default' });

      const created = await ensureMonthPartitions(db, store.dialect, 'events', bj('2030-01-01T00:00:00'), bj('2030-01-31T00:00:00'));
      assert.deepEqual(created, ['events_p203001']);
      assert.deepEqual(await partitionOf(db, 'events'), { a: 'events_p203001', b: 'events_default' });
      assert.deepEqual(await ensureMonthPartitions(db, store.dialect, 'events', bj('2030-01-01T00:00:00'), bj('2030-01-31T00:00:00')), [], 'made twice');

      // Kept 60 days at 20 April: February is prepared (its row moves), January ended before and goes whole.
      const { created: more, dropped } = await maintainMonthPartitions(store, 'events', bj('2030-04-20T12:00:00'), 60);
      assert.deepEqual(dropped, ['events_p203001']);
      assert.deepEqual(more, ['events_p203002', 'events_p203003', 'events_p203004', 'events_p203005', 'events_p203006', 'events_p203007']);
      assert.deepEqual(await partitionOf(db, 'events'), { b: 'events_p203002' });
      assert.deepEqual(
        (await monthPartitions(db, 'events')).map((p) => p.name),
        ['events_p203002', 'events_p203003', 'events_p203004', 'events_p203005', 'events_p203006', 'events_p203007'],
      );
    } finally {
      await store.close();
      await opts.cleanup();
    }
  });

  it('sightings older than the longest event retention are removed by the trajectory module', async () => {
    const clock = new ManualClock(bj('2026-06-15T12:00:00'));
    const t = await createTestApp({ clock, env: { XIAOAN_EVENT_RETENTION_DAYS: '30', XIAOAN_EVENT_RETENTION: 'plate.read=60' } });
    try {
      const U = await createUniversity(t.services, 'PT');
      const gate = await t.services.devices.create(SYSTEM_ACTOR, { name: '南门 闸机', kind: 'turnstile', campusId: U.campusId, lon: 121.5, lat: 31.3 } as never);
      const at = (iso: string) => bj(iso);
      let n = 0;
      for (const when of ['2026-04-01T09:00:00', '2026-04-20T09:00:00', '2026-06-10T09:00:00']) {
        const ms = at(when);
        const iso = new Date(ms).toISOString();
        await t.services.writer.append({ id: '', source: 'mqtt', sourceEventId: `s-${++n}`, orgId: U.universityId, deviceId: gate.id, kind: 'access.granted', severity: 'info', occurredAt: iso, receivedAt: iso, payload: { credentialType: 'card', credentialId: 'C-77', direction: 'in' } } as DeviceEvent);
      }
      await t.services.writer.idle();
      await t.services.sightings.settled();
      const count = async () => Number((await sql<{ n: number }>`select count(*) as n from sightings where subject = 'card:C-77'`.execute(t.store.db)).rows[0]!.n);
      assert.equal(await count(), 3);

      const job = t.services.modules.find((m) => m.name === 'trajectory')!.jobs!.find((j) => j.name === 'sighting retention')!;
      await job.run({ log: { info() {}, warn() {} } as never });
      // Kept 60 days (the longest retention, plate reads): on 15 June, from 16 April on.
      if (onPostgres) {
        // Whole months go: March has nothing, April stays until it ends more than 60 days ago.
        assert.equal(await count(), 3);
        clock.set(bj('2026-07-01T12:00:00'));
        await job.run({ log: { info() {}, warn() {} } as never });
        assert.equal(await count(), 1, 'April was dropped whole');
      } else {
        assert.equal(await count(), 2, 'only the sighting of 1 April was removed');
      }
    } finally {
      await t.close();
    }
  });
});
