/** Absence triggers: "no patrol check-in at a checkpoint by 23:00" becomes one alarm per silent checkpoint. */
import { ownTables } from '../../src/server/store/tables.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RuleDefinitionT } from '../../src/shared/alarms.ts';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { AbsenceWatcher, lastWindow } from '../../src/server/modules/alarms/absence-watcher.ts';
import { DevicePlaces } from '../../src/server/modules/alarms/device-places.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const bj = (local: string) => Date.parse(`${local}+08:00`);

describe('absence window', () => {
  it('is the latest window whose deadline has passed, across midnight too', () => {
    const evening = { from: '21:00', by: '23:00' };
    assert.deepEqual(lastWindow(evening, bj('2026-03-05T23:00:00')), { startMs: bj('2026-03-05T21:00:00'), deadlineMs: bj('2026-03-05T23:00:00') });
    assert.deepEqual(lastWindow(evening, bj('2026-03-05T22:59:59')), { startMs: bj('2026-03-04T21:00:00'), deadlineMs: bj('2026-03-04T23:00:00') });
    const overnight = { from: '23:00', by: '02:00' };
    assert.deepEqual(lastWindow(overnight, bj('2026-03-06T02:30:00')), { startMs: bj('2026-03-05T23:00:00'), deadlineMs: bj('2026-03-06T02:00:00') });
    assert.deepEqual(lastWindow(overnight, bj('2026-03-06T01:00:00')), { startMs: bj('2026-03-04T23:00:00'), deadlineMs: bj('2026-03-05T02:00:00') });
  });
});

describe('absence trigger', () => {
  // Thursday 2026-03-05, 20:00 Beijing time.
  const clock = new ManualClock(bj('2026-03-05T20:00:00'));
  let t: TestApp;
  let U: UniversityFixture;
  let director: string;
  let operator: string;
  const cp: string[] = [];
  let ruleId: string;

  const rule = (over: Partial<RuleDefinitionT> = {}): RuleDefinitionT => ({
    name: '晚间巡更漏检',
    enabled: true,
    trigger: { type: 'absence', kinds: ['patrol.checkin'], from: '21:00', by: '23:00', deviceKinds: ['patrol_checkpoint'] },
    actions: [{ type: 'create_alarm', alarmType: 'patrol_missed', priority: 3 }],
    ...over,
  });
  let seq = 0;
  const checkin = async (deviceId: string, occurredAt: string) => {
    const e = { id: '', source: 'http', sourceEventId: `c-${++seq}`, orgId: U.universityId, deviceId, kind: 'patrol.checkin', severity: 'info', occurredAt, receivedAt: occurredAt, payload: { guardId: 'g1' } } as DeviceEvent;
    await t.services.writer.append(e);
  };
  const missedAlarms = async () =>
    (json(await t.call(operator, 'GET', '/api/alarms?state=new,acknowledged,dispatched,on_scene,resolved,closed,false_alarm')).items as { type: string; deviceId: string; eventCount: number }[]).filter(
      (a) => a.type === 'patrol_missed',
    );
  const check = async () => {
    const n = await t.services.absence.check();
    await t.services.alarmConsumer.settled();
    return n;
  };

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'AB');
    director = await t.login(U.users.security_director.username);
    operator = await t.login(U.users.operator.username);
    for (const name of ['图书馆巡更点', '实验楼巡更点', '宿舍区巡更点']) {
      cp.push((await t.services.devices.create(SYSTEM_ACTOR, { name, kind: 'patrol_checkpoint', campusId: U.campusId, lon: 121.5, lat: 31.3 })).id);
    }
  });
  after(() => t.close());

  it('rejects an absence trigger with a bad deadline, naming the field', async () => {
    const res = await t.call(director, 'POST', '/api/alarm-rules', { definition: rule({ trigger: { type: 'absence', kinds: ['patrol.checkin'], from: '21:00', by: '24:30' } }) });
    assert.equal(res.statusCode, 400);
    assert.ok(json(res).details.some((d: { field: string }) => d.field === 'definition.trigger.by'), JSON.stringify(json(res)));
  });

  it('raises one alarm per checkpoint without a check-in in the window, at the deadline', async () => {
    const res = await t.call(director, 'POST', '/api/alarm-rules', { definition: rule() });
    assert.equal(res.statusCode, 201, res.body);
    ruleId = json(res).id;
    await checkin(cp[0], new Date(bj('2026-03-05T21:30:00')).toISOString()); // in the window
    await checkin(cp[1], new Date(bj('2026-03-05T20:30:00')).toISOString()); // too early
    clock.set(bj('2026-03-05T22:59:00'));
    assert.equal(await check(), 0, 'nothing before the deadline');
    await checkin(cp[2], new Date(bj('2026-03-05T22:59:30')).toISOString()); // just in time
    clock.set(bj('2026-03-05T23:00:30'));
    assert.equal(await check(), 1);
    const alarms = await missedAlarms();
    assert.deepEqual(alarms.map((a) => a.deviceId), [cp[1]]);
    const record = json(await t.call(operator, 'GET', `/api/alarms/${(alarms[0] as unknown as { id: string }).id}`));
    assert.equal(record.events[0].kind, 'rule.absence');
    assert.equal(record.events[0].payload.ruleId, ruleId);
    assert.equal(record.ruleRuns[0].trace.rule.id, ruleId);
    assert.equal(record.sop.length > 0, true, 'the patrol_missed procedure is attached');
  });

  it('checks a window once, also after a restart of the checker', async () => {
    clock.set(bj('2026-03-05T23:10:00'));
    assert.equal(await check(), 0);
    // A fresh watcher (as after a restart) finds the same window already recorded.
    const fresh = new AbsenceWatcher(ownTables<'alarms'>(t.store.db), new DevicePlaces(t.services.devices, t.services.org, t.services.bus), t.services.writer, t.services.events, { daysOf: async () => new Map() }, clock);
    assert.equal(await fresh.check(), 0);
    assert.equal((await missedAlarms()).length, 1);
  });

  it('follows the arming schedule: a holiday off means no check that day', async () => {
    const put = await t.call(director, 'PUT', `/api/alarm-rules/${ruleId}`, {
      definition: rule({ schedule: { periods: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }], holidays: 'disarmed', vacations: 'as_scheduled' } }),
    });
    assert.equal(put.statusCode, 200, put.body);
    await t.store.db.insertInto('calendar_days').values({ university_id: U.universityId, date: '2026-03-06', kind: 'holiday', name: '测试假日' }).execute();
    clock.set(bj('2026-03-06T23:05:00'));
    assert.equal(await check(), 0, 'no check on a disarmed holiday');
    clock.set(bj('2026-03-07T23:05:00'));
    assert.equal(await check(), 3, 'a normal Saturday: nobody checked in anywhere');
  });

  it('does not judge windows that closed before the rule was written', async () => {
    clock.set(bj('2026-03-08T08:00:00'));
    director = await t.login(U.users.security_director.username); // sessions expired over the simulated days
    operator = await t.login(U.users.operator.username);
    const res = await t.call(director, 'POST', '/api/alarm-rules', { definition: rule({ name: '另一条漏检规则' }) });
    assert.equal(res.statusCode, 201);
    const before = (await missedAlarms()).length;
    assert.equal(await check(), 0, "yesterday's window closed before this rule existed");
    assert.equal((await missedAlarms()).length, before);
  });
});
