/** Offline after the configured silence, online again at the next sign of life; both recorded as events. */
import { ownTables } from '../../src/server/store/tables.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { DeviceHealthService } from '../../src/server/modules/health/device-health.service.ts';
import { readJson } from '../../src/server/store/database.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

let t: TestApp;
let U: UniversityFixture;
const clock = new ManualClock();

describe('device health', () => {
  before(async () => {
    // 30 s heartbeats, offline after 3 missed = 90 s of silence.
    t = await createTestApp({ clock, env: { XIAOAN_HEARTBEAT_INTERVAL_S: '30', XIAOAN_OFFLINE_AFTER_MISSED: '3' } });
    U = await createUniversity(t.services, 'D');
  });
  after(() => t.close());

  const kinds = async (deviceId: string) =>
    (await t.store.db.selectFrom('events').select('kind').where('device_id', '=', deviceId).orderBy('id').execute()).map((r) => r.kind);

  it('goes offline after the silence, comes back with the next heartbeat, and persists the state', async () => {
    const h = t.services.health;
    const id = U.deviceId;
    h.markSeen(id, U.universityId);
    assert.equal(h.status(SYSTEM_ACTOR)[id].online, true);
    clock.advance(89_000);
    assert.equal(await h.sweep(), 0, 'offline before 3 missed heartbeats');
    clock.advance(2_000);
    assert.equal(await h.sweep(), 1);
    assert.equal(await h.sweep(), 0, 'reported twice');
    assert.equal(h.status(SYSTEM_ACTOR)[id].online, false);
    await t.services.writer.close().catch(() => {}); // wait for the event
    assert.deepEqual(await kinds(id), ['device.went_offline']);
    const row = await t.store.db.selectFrom('device_health').selectAll().where('device_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.online, 0);
  });
});

describe('device health transitions', () => {
  it('records went_offline then came_online, in order', async () => {
    const t2 = await createTestApp({ clock, env: { XIAOAN_HEARTBEAT_INTERVAL_S: '30', XIAOAN_OFFLINE_AFTER_MISSED: '3' } });
    try {
      const u = await createUniversity(t2.services, 'R');
      t2.services.health.markSeen(u.deviceId, u.universityId);
      clock.advance(30_000);
      t2.services.health.markSeen(u.deviceId, u.universityId); // came back: nothing to record, never offline
      clock.advance(100_000);
      assert.equal(await t2.services.health.sweep(), 1);
      clock.advance(5_000);
      t2.services.health.markSeen(u.deviceId, u.universityId);
      assert.equal(t2.services.health.status(SYSTEM_ACTOR)[u.deviceId].online, true);
      await t2.services.writer.close();
      const events = await t2.store.db.selectFrom('events').select(['kind', 'payload']).where('device_id', '=', u.deviceId).orderBy('id').execute();
      assert.deepEqual(events.map((e) => e.kind), ['device.went_offline', 'device.came_online']);
      assert.equal(readJson<{ offlineS: number }>(events[1].payload).offlineS, 105, 'offline for 105 s (last seen → back)');
      const admin = await t2.login('admin');
      const live = json(await t2.call(admin, 'GET', '/api/device-health'));
      assert.equal(live[u.deviceId].online, true);
    } finally {
      await t2.close();
    }
  });
});

describe('device health after a restart', () => {
  it('a device online before the restart gets one full window to reappear', async () => {
    const t3 = await createTestApp({ clock, env: { XIAOAN_HEARTBEAT_INTERVAL_S: '30', XIAOAN_OFFLINE_AFTER_MISSED: '3' } });
    try {
      const u = await createUniversity(t3.services, 'S');
      t3.services.health.markSeen(u.deviceId, u.universityId);
      await t3.services.health.flush();
      clock.advance(3600_000); // the server was down for an hour
      const restarted = new DeviceHealthService(ownTables<'health'>(t3.store.db), t3.services.devices, t3.services.writer, t3.services.bus, clock, { heartbeatIntervalS: 30, offlineAfterMissed: 3 });
      await restarted.load();
      assert.equal(await restarted.sweep(), 0, 'marked offline for the time the server itself was down');
      clock.advance(91_000);
      assert.equal(await restarted.sweep(), 1);
    } finally {
      await t3.close();
    }
  });
});
