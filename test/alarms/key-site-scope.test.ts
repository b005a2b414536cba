/**
 * A rule scoped to key sites follows the key site's polygon as it is edited, without a restart
 * (issue 11: the linkage cache was cleared only when a device changed).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, square, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
let seq = 0;

async function forced(deviceId: string) {
  const now = t.clock.nowIso();
  await t.services.writer.append({ id: '', source: 'http', sourceEventId: `ks-${++seq}`, orgId: U.universityId, deviceId, kind: 'door.forced', severity: 'major', occurredAt: now, receivedAt: now, payload: {} } as DeviceEvent);
  await t.services.alarmConsumer.settled();
}

describe('key-site scope follows the polygon', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'KS');
  });
  after(() => t?.close());

  it('a door moved inside a key site by editing the polygon is in the rule’s scope at the next event', async () => {
    const admin = await t.login('admin');
    const door = await t.services.devices.create(SYSTEM_ACTOR, { name: '档案室门', kind: 'door', campusId: U.campusId, lon: 121.52, lat: 31.32 });
    const site = json(await t.call(admin, 'POST', '/api/key-sites', { campusId: U.campusId, name: '档案室', category: 'archives', geometry: square(121.53, 31.33, 0.0002) }));
    const rule = await t.call(admin, 'POST', '/api/alarm-rules', {
      universityId: U.universityId,
      definition: {
        name: '档案室门强开',
        enabled: true,
        trigger: { type: 'event', kinds: ['door.forced'], keySiteCategories: ['archives'] },
        actions: [{ type: 'create_alarm', alarmType: 'door_forced', priority: 1, title: '档案室门被强行打开' }],
      },
    });
    assert.equal(rule.statusCode, 201, rule.body);
    const titles = async () => (await t.store.db.selectFrom('alarms').select('title').where('device_id', '=', door.id).execute()).map((a) => a.title);

    await forced(door.id);
    assert.deepEqual(await titles(), ['门被强行打开 · 档案室门'], 'outside the key site: only the generic rule');

    const moved = await t.call(admin, 'PATCH', `/api/key-sites/${site.id}`, { geometry: square(121.52, 31.32, 0.0002) });
    assert.equal(moved.statusCode, 200, moved.body);
    await forced(door.id);
    assert.deepEqual(await titles(), ['档案室门被强行打开'], 'inside now: the key-site rule joined and named the alarm');
  });
});
