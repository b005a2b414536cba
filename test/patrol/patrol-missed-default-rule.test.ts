/**
 * 巡更漏检 as a default alarm rule: every university starts with it enabled, and a
 * `patrol.missed` event becomes a priority-3 patrol_missed alarm without any rule of its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

describe('default rule 巡更漏检', () => {
  const clock = new ManualClock(Date.parse('2026-03-02T15:40:00Z'));
  let t: TestApp;
  let U: UniversityFixture;
  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'M');
  });
  after(() => t.close());

  it('is installed enabled and turns a missed checkpoint into a priority-3 alarm', async () => {
    const rules = await t.store.db.selectFrom('alarm_rules').select(['name', 'enabled']).where('university_id', '=', U.universityId).where('name', '=', '巡更漏检').execute();
    assert.equal(rules.length, 1);
    assert.ok(rules[0]!.enabled);
    const now = clock.nowIso();
    await t.services.writer.append({
      id: '',
      source: 'platform',
      sourceEventId: 'patrol.missed:test-point',
      orgId: U.universityId,
      deviceId: 'checkpoint-test',
      kind: 'patrol.missed',
      severity: 'major',
      occurredAt: now,
      receivedAt: now,
      payload: { tourId: 'tour-1', routeName: '夜间巡更', checkpointName: '图书馆东门', dueAt: now },
    } as DeviceEvent);
    await t.services.writer.idle();
    await t.services.alarmConsumer.settled();
    const alarms = await t.store.db.selectFrom('alarms').select(['type', 'priority']).where('university_id', '=', U.universityId).execute();
    assert.deepEqual(alarms.map((a) => [a.type, a.priority]), [['patrol_missed', 3]]);
  });
});
