/**
 * Person ids and card numbers leave the server masked (issue 11: they were masked only in the
 * browser while /api/events returned them raw): in the event list, in an alarm's record and on
 * the live socket. The store keeps them whole, so a search can still find a person.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
const PERSON = '2023104567';
const CARD = '3A9F22C1';

describe('personal data in events', () => {
  let door: string;
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'PD');
    door = (await t.services.devices.create(SYSTEM_ACTOR, { name: '宿舍门禁', kind: 'door', campusId: U.campusId })).id;
    let n = 0;
    for (const kind of ['access.granted', 'access.denied'] as const) {
      const now = t.clock.nowIso();
      const payload = { credentialType: 'card', credentialId: CARD, personId: PERSON, direction: 'in', ...(kind === 'access.denied' ? { reason: 'expired' } : {}) };
      await t.services.writer.append({ id: '', source: 'http', sourceEventId: `pd-${n++}`, orgId: U.universityId, deviceId: door, kind, severity: 'info', occurredAt: now, receivedAt: now, payload } as DeviceEvent);
    }
    await t.services.alarmConsumer.settled();
  });
  after(() => t?.close());

  it('masks person ids and card numbers in /api/events, for an operator as for an administrator', async () => {
    for (const user of [U.users.operator.username, 'admin']) {
      const res = await t.call(await t.login(user), 'GET', `/api/events?deviceId=${door}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(!res.body.includes(PERSON), `${user} received a raw person id`);
      assert.ok(!res.body.includes(CARD), `${user} received a raw card number`);
      const [e] = json(res).items;
      assert.equal(e.payload.personId, '2023****67');
      assert.equal(e.payload.credentialId, '3A****C1');
    }
    const stored = await t.store.db.selectFrom('events').select('payload').where('device_id', '=', door).execute();
    assert.ok(stored.every((r) => JSON.stringify(r.payload).includes(PERSON)), 'the store keeps the id whole');
  });
});
