/**
 * Several rules matching one event (issue 10, blocker 2): one alarm, the most urgent priority and
 * the latch of every matching rule, each rule's own actions carried out, one event counted once,
 * and a trace that never claims an action that did not happen.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent, EventKind } from '../../src/shared/events.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, square, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
let admin: string;

let seq = 0;
async function emit(deviceId: string, kind: EventKind) {
  const now = t.clock.nowIso();
  const e = { id: '', source: 'http', sourceEventId: `p-${++seq}`, orgId: U.universityId, deviceId, kind, severity: 'info', occurredAt: now, receivedAt: now, payload: {} } as DeviceEvent;
  await t.services.writer.append(e);
  await t.services.alarmConsumer.settled();
  return e.id;
}

type Trace = { rule: { name: string }; outcome: string; actions: { type: string; status: string; code: string }[] };
const record = async (alarmId: string) => json(await t.call(admin, 'GET', `/api/alarms/${alarmId}`));
const tracesFor = (r: { ruleRuns: { eventId?: string; trace: Trace }[] }, eventId: string) =>
  r.ruleRuns.map((x) => x.trace).filter((tr) => (tr as unknown as { event: { id: string } }).event.id === eventId);
const byRule = (traces: Trace[], name: string) => {
  const tr = traces.find((x) => x.rule.name === name);
  assert.ok(tr, `a trace of rule ${name}`);
  return tr;
};

const SPECIFIC = '危化品库门被强行打开（锁门并派警）';
const GENERIC = '门被强行打开';

describe('several rules matching one event', () => {
  let door: string;

  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'RP');
    admin = await t.login('admin');
    const site = await t.services.org.createKeySite(SYSTEM_ACTOR, { campusId: U.campusId, name: '危化品库', category: 'hazardous_lab', geometry: square(121.51, 31.31, 0.0002) });
    assert.ok(site.id);
    door = (await t.services.devices.create(SYSTEM_ACTOR, { name: '危化品库门', kind: 'door', campusId: U.campusId, lon: 121.51, lat: 31.31 })).id;
    const res = await t.call(admin, 'POST', '/api/alarm-rules', {
      universityId: U.universityId,
      definition: {
        name: SPECIFIC,
        enabled: true,
        trigger: { type: 'event', kinds: ['door.forced'], keySiteCategories: ['hazardous_lab'] },
        actions: [
          { type: 'create_alarm', alarmType: 'door_forced', priority: 1, latch: true, title: '危化品库门被撬' },
          { type: 'door_command', command: 'lock', target: 'event_device', timeoutSeconds: 1 },
          { type: 'notify_guards', count: 2 },
        ],
      },
    });
    assert.equal(res.statusCode, 201, res.body);
  });
  after(() => t?.close());

  it('makes one alarm with the most urgent priority and latch, runs every rule’s actions, counts the event once', async () => {
    const eventId = await emit(door, 'door.forced');
    const alarms = await t.store.db.selectFrom('alarms').selectAll().where('device_id', '=', door).execute();
    assert.equal(alarms.length, 1, 'one event, one alarm');
    const [alarm] = alarms;
    assert.equal(alarm.priority, 1, 'the most urgent of the matching rules');
    assert.equal(alarm.latched, 1, 'latched, since one matching rule latches');
    assert.equal(alarm.title, '危化品库门被撬', 'named by the most urgent rule');
    assert.equal(alarm.event_count, 1, 'one event counted once, however many rules match it');

    const r = await record(alarm.id);
    assert.equal(r.events.length, 1);
    const traces = tracesFor(r, eventId);
    assert.equal(traces.length, 2);
    const specific = byRule(traces, SPECIFIC);
    assert.equal(specific.outcome, 'alarm_created');
    assert.deepEqual(specific.actions.map((a) => `${a.type}:${a.status}`), ['create_alarm:done', 'door_command:pending', 'notify_guards:pending']);
    const generic = byRule(traces, GENERIC);
    assert.equal(generic.outcome, 'alarm_merged');
    assert.equal(generic.actions[0].code, 'joined', 'the generic rule joined; it did not merge a repeat');
    const everyAction = traces.flatMap((tr) => tr.actions);
    assert.ok(!everyAction.some((a) => a.code === 'done_for_open_alarm'), 'no trace claims an action that did not run');

    // The lock command and the dispatch of the specific rule were really queued.
    const pending = await t.store.db.selectFrom('pending_actions').select(['action', 'rule_id']).where('alarm_id', '=', alarm.id).execute();
    const types = pending.map((p) => (typeof p.action === 'string' ? JSON.parse(p.action) : p.action).type).sort();
    assert.deepEqual(types, ['door_command', 'notify_guards']);
  });

  it('a repeat event merges, and only then does a trace say the rule’s actions were already done', async () => {
    const eventId = await emit(door, 'door.forced');
    const [alarm] = await t.store.db.selectFrom('alarms').selectAll().where('device_id', '=', door).execute();
    assert.equal(alarm.event_count, 2);
    const traces = tracesFor(await record(alarm.id), eventId);
    const specific = byRule(traces, SPECIFIC);
    assert.equal(specific.actions[0].code, 'merged');
    assert.deepEqual(specific.actions.slice(1).map((a) => `${a.type}:${a.code}`), ['door_command:done_for_open_alarm', 'notify_guards:done_for_open_alarm']);
    assert.equal(byRule(traces, GENERIC).actions[0].code, 'merged');
  });

  it('a more urgent rule joining an open alarm raises its priority, latches it and runs its actions', async () => {
    // An ordinary door: only the generic rule (priority 2, not latched) matches at first.
    const door2 = (await t.services.devices.create(SYSTEM_ACTOR, { name: '实验楼侧门', kind: 'door', campusId: U.campusId, lon: 121.5, lat: 31.3 })).id;
    await emit(door2, 'door.forced');
    let [alarm] = await t.store.db.selectFrom('alarms').selectAll().where('device_id', '=', door2).execute();
    assert.equal(alarm.priority, 2);
    assert.equal(alarm.latched, 0);

    const res = await t.call(admin, 'POST', '/api/alarm-rules', {
      universityId: U.universityId,
      definition: {
        name: '侧门强开（一级）',
        enabled: true,
        trigger: { type: 'event', kinds: ['door.forced'], deviceIds: [door2] },
        actions: [
          { type: 'create_alarm', alarmType: 'door_forced', priority: 1, latch: true },
          { type: 'door_command', command: 'lock', target: 'event_device', timeoutSeconds: 1 },
        ],
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const eventId = await emit(door2, 'door.forced');
    [alarm] = await t.store.db.selectFrom('alarms').selectAll().where('device_id', '=', door2).execute();
    assert.equal(alarm.priority, 1);
    assert.equal(alarm.latched, 1);
    assert.equal(alarm.event_count, 2);
    const r = await record(alarm.id);
    const joined = byRule(tracesFor(r, eventId), '侧门强开（一级）');
    assert.deepEqual(joined.actions.map((a) => `${a.type}:${a.code}`), ['create_alarm:joined_raised', 'door_command:queued']);
    assert.ok(r.log.some((l: { action: string }) => l.action === 'rule_joined'), 'the timeline says a rule joined');
    assert.ok(Date.parse(alarm.due_at!) - Date.parse(alarm.state_changed_at) <= 60_000, 'the deadline of a priority-1 alarm');
  });
});

describe('a device going offline, by what it guards (issue 10, item 12)', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'OF');
  });
  after(() => t?.close());

  it('a panic button offline is priority 2, a camera in a finance office 3, a classroom camera 4', async () => {
    const device = async (name: string, kind: 'panic_button' | 'camera', lon: number, lat: number) =>
      (await t.services.devices.create(SYSTEM_ACTOR, { name, kind, campusId: U.campusId, lon, lat, ...(kind === 'camera' ? { camera: { resolution: '1080p', type: 'fixed' } } : {}) })).id;
    // The fixture's finance office (财务室OF) is a 0.0001° square around (121.5, 31.3).
    const button = await device('宿舍求助按钮', 'panic_button', 121.51, 31.31);
    const financeCamera = await device('财务室摄像机', 'camera', 121.5, 31.3);
    const classroomCamera = await device('教室摄像机', 'camera', 121.502, 31.302);
    for (const id of [button, financeCamera, classroomCamera]) await emit(id, 'device.went_offline');
    const priorityOf = async (id: string) => (await t.store.db.selectFrom('alarms').select(['priority', 'type']).where('device_id', '=', id).executeTakeFirstOrThrow()).priority;
    assert.deepEqual([await priorityOf(button), await priorityOf(financeCamera), await priorityOf(classroomCamera)], [2, 3, 4]);
  });
});
