/** Retention per kind, enforced in small batches. */
import { ownTables } from '../../src/server/store/tables.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent, EventKind } from '../../src/shared/events.ts';
import { EventsRepository } from '../../src/server/modules/events/events.repository.ts';
import { enforceRetention, retentionDays } from '../../src/server/modules/events/events.service.ts';
import { uuid7 } from '../../src/server/util/uuid7.ts';
import { createTestApp, createUniversity, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { testDialect } from '../helpers/test-store.ts';
import { sql } from 'kysely';

let t: TestApp;
let U: UniversityFixture;
const DAY = 86400_000;
const now = Date.parse('2026-06-01T00:00:00Z');

function ev(kind: EventKind, ageDays: number, i: number): DeviceEvent {
  const at = new Date(now - ageDays * DAY).toISOString();
  const payload = kind === 'access.granted' ? { credentialType: 'card' } : {};
  return { id: uuid7(now - ageDays * DAY), source: 'http', sourceEventId: `${kind}-${ageDays}-${i}`, orgId: U.universityId, deviceId: U.deviceId, kind, severity: 'info', occurredAt: at, receivedAt: at, payload } as DeviceEvent;
}

describe('event retention', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'Rt');
    const events: DeviceEvent[] = [];
    for (let i = 0; i < 250; i++) events.push(ev('access.granted', 40, i), ev('access.granted', 10, i), ev('panic', 40, i), ev('panic', 400, i));
    await new EventsRepository().append(ownTables<'events'>(t.store.db), events);
  });
  after(() => t.close());

  it('parses per-kind overrides and refuses unknown kinds', () => {
    const d = retentionDays(180, 'access.granted=30,panic=365');
    assert.equal(d['access.granted'], 30);
    assert.equal(d.panic, 365);
    assert.equal(d['plate.read'], 180);
    assert.throws(() => retentionDays(180, 'teleport=3'), /unknown event kind "teleport"/);
  });

  it('deletes what is older than its kind keeps, in batches, and nothing else', async () => {
    const deleted = await enforceRetention(ownTables<'events'>(t.store.db), retentionDays(180, 'access.granted=30,panic=365'), now, { batch: 100 });
    assert.equal(deleted, 500); // 250 access.granted at 40 days + 250 panic at 400 days
    const left = await t.store.db.selectFrom('events').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('kind').orderBy('kind').execute();
    assert.deepEqual(left.map((r) => [r.kind, Number(r.n)]), [['access.granted', 250], ['panic', 250]]);
  });

  it('stops at its batch budget and carries on next time', async () => {
    const more: DeviceEvent[] = Array.from({ length: 300 }, (_, i) => ev('motion', 365, i));
    await new EventsRepository().append(ownTables<'events'>(t.store.db), more);
    assert.equal(await enforceRetention(ownTables<'events'>(t.store.db), retentionDays(180, undefined), now, { batch: 100, maxBatches: 2 }), 200);
    assert.equal(await enforceRetention(ownTables<'events'>(t.store.db), retentionDays(180, undefined), now, { batch: 100 }), 100);
  });

  it('PostgreSQL: forgets resend claims only past the longest retention', { skip: testDialect() !== 'postgres' && 'PostgreSQL only' }, async () => {
    const claims = async () => Number((await sql<{ n: number }>`select count(*) as n from event_sources`.execute(t.store.db)).rows[0]!.n);
    assert.equal(await claims(), 1300, 'every stored event claimed its source id');
    await enforceRetention(ownTables<'events'>(t.store.db), retentionDays(180, 'panic=365'), now, { batch: 100, dialect: 'postgres' });
    // The 250 panics of 400 days ago are past 365 days; the 40-day-old access events keep theirs (a late resend stays a duplicate).
    assert.equal(await claims(), 1050);
  });
});
