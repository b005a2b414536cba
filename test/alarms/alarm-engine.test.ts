/** Events become alarms by the rules: linkage by geometry, merging, latching, windows, schedules, escalation. */
import { ownTables } from '../../src/server/store/tables.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RuleDefinitionT } from '../../src/shared/alarms.ts';
import type { DeviceEvent, EventKind } from '../../src/shared/events.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

let t: TestApp;
let U: UniversityFixture;
let operator: string;
// Thursday 2026-03-05 12:00 Beijing time: working hours (intrusion rule disarmed).
const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));

const M_PER_DEG_LAT = 111_195.08;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((31.3 * Math.PI) / 180);
const at = (eastM: number, northM: number) => ({ lon: 121.5 + eastM / M_PER_DEG_LON, lat: 31.3 + northM / M_PER_DEG_LAT });

let seq = 0;
async function emit(deviceId: string, kind: EventKind, payload: object = {}, occurredAt = clock.nowIso()) {
  const e = { id: '', source: 'http', sourceEventId: `s-${++seq}`, orgId: U.universityId, deviceId, kind, severity: 'info', occurredAt, receivedAt: clock.nowIso(), payload } as DeviceEvent;
  await t.services.writer.append(e);
  await t.services.alarmConsumer.settled();
  return e.id;
}

const alarmsOf = async (deviceId: string) => json(await t.call(operator, 'GET', `/api/alarms?deviceId=${deviceId}&state=new,acknowledged,dispatched,on_scene,resolved,closed,false_alarm`)).items;

describe('alarm engine', () => {
  let panicButton: string;
  let door: string;
  let intrusion: string;
  const cams: Record<string, string> = {};

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'AL');
    operator = await t.login(U.users.operator.username);
    const mk = (name: string, kind: 'panic_button' | 'door' | 'intrusion_zone', pos = at(0, 0)) => t.services.devices.create(SYSTEM_ACTOR, { name, kind, campusId: U.campusId, ...pos });
    panicButton = (await mk('收费处求助按钮', 'panic_button')).id;
    door = (await mk('机房门禁', 'door', at(5, 0))).id;
    intrusion = (await mk('财务室红外', 'intrusion_zone', at(0, 5))).id;
    // Outdoor cameras around the point (0,0); the fixture camera sits at (0,0) looking east.
    const camera = (name: string, east: number, north: number, bearingDeg: number, type: 'fixed' | 'ptz' = 'fixed') =>
      t.services.devices.create(SYSTEM_ACTOR, { name, kind: 'camera', campusId: U.campusId, ...at(east, north), camera: { resolution: '1080p', type, bearingDeg, fovDeg: 60, rangeM: 40 } });
    cams.north = (await camera('北侧朝南', 0, 20, 180)).id; // looks at the point, 20 m
    cams.dome = (await camera('球机', 30, 0, 0, 'ptz')).id; // PTZ, 30 m
    cams.away = (await camera('东侧朝东', 10, 0, 90)).id; // looks away
  });
  after(() => t.close());

  it('a panic press becomes a latched priority-1 alarm with the cameras that see it, nearest first', async () => {
    const announced: { alarmIds: string[]; parentId: string | null }[] = [];
    const off = t.services.bus.subscribe('alarms.changed', (changes, context) => announced.push({ alarmIds: changes.map((c) => c.alarmId), parentId: context.parentId }));
    const eventId = await emit(panicButton, 'panic');
    off();
    const [alarm] = await alarmsOf(panicButton);
    assert.equal(alarm.type, 'panic');
    assert.equal(alarm.priority, 1);
    assert.equal(alarm.latched, true);
    assert.equal(alarm.state, 'new');
    assert.deepEqual(alarm.linkedCameras.map((c: { id: string }) => c.id), [cams.north, cams.dome]);
    const record = json(await t.call(operator, 'GET', `/api/alarms/${alarm.id}`));
    assert.equal(record.events[0].id, eventId);
    const trace = record.ruleRuns[0].trace;
    assert.equal(trace.outcome, 'alarm_created');
    assert.equal(trace.rule.name, '紧急求助报警（24小时布防）');
    assert.deepEqual(trace.actions.map((a: { type: string; status: string }) => `${a.type}:${a.status}`), ['create_alarm:done', 'link_cameras:done', 'notify_guards:pending']);
    assert.equal(record.log[0].action, 'created');
    assert.deepEqual(announced, [{ alarmIds: [alarm.id], parentId: eventId }], 'the screens are told, with the event that caused the alarm as the parent');
    // A camera's alarms (markers on its playback timeline): those it was linked to, not those of cameras that look away.
    const ofCamera = async (id: string) => json(await t.call(operator, 'GET', `/api/alarms?cameraId=${id}&state=new,acknowledged,dispatched,on_scene,resolved,closed,false_alarm`)).items.map((a: { id: string }) => a.id);
    assert.deepEqual(await ofCamera(cams.dome), [alarm.id]);
    assert.deepEqual(await ofCamera(cams.away), []);
  });

  it('repeated presses merge into the open alarm with a count', async () => {
    await emit(panicButton, 'panic');
    await emit(panicButton, 'panic');
    const list = await alarmsOf(panicButton);
    assert.equal(list.length, 1);
    assert.equal(list[0].eventCount, 3);
    const record = json(await t.call(operator, 'GET', `/api/alarms/${list[0].id}`));
    assert.equal(record.events.length, 3);
  });

  it('a latched alarm cannot be closed until a person resets it (S-NOMISS)', async () => {
    const [alarm] = await alarmsOf(panicButton);
    const step = (s: string) => t.call(operator, 'POST', `/api/alarms/${alarm.id}/steps`, { step: s, note: s });
    assert.equal((await step('acknowledge')).statusCode, 200);
    assert.equal((await step('arrive')).statusCode, 409, 'arrive before dispatch');
    assert.equal((await step('resolve')).statusCode, 200);
    const refused = await step('close');
    assert.equal(refused.statusCode, 409);
    assert.equal(json(refused).details[0].field, 'latched');
    assert.ok(json(refused).details.slice(1).every((d: { field: string }) => d.field === 'sop'), 'open procedure steps are named too');
    assert.equal((await t.call(operator, 'POST', `/api/alarms/${alarm.id}/reset`, { note: '现场确认误按，已复位' })).statusCode, 200);
    // Still open: the mandatory steps of the panic procedure.
    const blocked = await step('close');
    assert.equal(blocked.statusCode, 409);
    assert.ok(json(blocked).details.every((d: { field: string }) => d.field === 'sop'));
    const sop = json(await t.call(operator, 'GET', `/api/alarms/${alarm.id}`)).sop as { key: string; mandatory: boolean; requires: string }[];
    for (const s of sop.filter((x) => x.mandatory)) {
      const body = s.requires === 'note' ? { note: '已处理' } : {};
      if (s.requires === 'note') assert.equal((await t.call(operator, 'POST', `/api/alarms/${alarm.id}/sop/${s.key}`, {})).statusCode, 400, `${s.key} accepted without its note`);
      assert.equal((await t.call(operator, 'POST', `/api/alarms/${alarm.id}/sop/${s.key}`, body)).statusCode, 200, s.key);
    }
    assert.equal((await step('close')).statusCode, 200);
    const record = json(await t.call(operator, 'GET', `/api/alarms/${alarm.id}`));
    assert.deepEqual(record.log.map((l: { action: string }) => l.action).filter((a: string) => a !== 'sop' && !a.startsWith('action.')), ['created', 'acknowledge', 'resolve', 'reset', 'close']);
    assert.equal(record.log.find((l: { action: string }) => l.action === 'acknowledge').actorName, `operator ${'AL'}`);
    // A new press after closing opens a new alarm.
    await emit(panicButton, 'panic');
    assert.equal((await alarmsOf(panicButton)).length, 2);
  });

  it('five denied swipes within two minutes raise an alarm; four do not (S-AC-FAIL5)', async () => {
    const deny = (offsetS: number) => emit(door, 'access.denied', { credentialType: 'card', reason: 'unknown_credential' }, new Date(clock.now() + offsetS * 1000).toISOString());
    for (const s of [0, 20, 40, 60]) await deny(s);
    assert.equal((await alarmsOf(door)).length, 0);
    await deny(200); // its window (80, 200] holds only itself: the earlier four have aged out
    assert.equal((await alarmsOf(door)).length, 0);
    for (const s of [210, 220, 230]) await deny(s);
    assert.equal((await alarmsOf(door)).length, 0, 'four in the window');
    await deny(240);
    const [alarm] = await alarmsOf(door);
    assert.equal(alarm?.type, 'access_failures');
    const record = json(await t.call(operator, 'GET', `/api/alarms/${alarm.id}`));
    assert.equal(record.ruleRuns[0].trace.count, 5);
  });

  it('a disarmed rule records why it raised nothing', async () => {
    const eventId = await emit(intrusion, 'intrusion', { detector: 'pir' }); // Thursday noon: disarmed
    assert.equal((await alarmsOf(intrusion)).length, 0);
    const run = await t.store.db.selectFrom('rule_runs').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow();
    const trace = typeof run.trace === 'string' ? JSON.parse(run.trace) : run.trace;
    assert.equal(trace.outcome, 'disarmed');
    // 23:00 the same day: armed.
    await emit(intrusion, 'intrusion', { detector: 'pir' }, new Date(Date.parse('2026-03-05T23:00:00+08:00')).toISOString());
    assert.equal((await alarmsOf(intrusion)).length, 1);
  });

  it('processing the same events again changes nothing (idempotent per rule and event)', async () => {
    const before = await t.store.db.selectFrom('alarms').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const events = await t.store.db.selectFrom('events').selectAll().orderBy('id').execute();
    const { toEvent } = await import('../../src/server/modules/events/events.repository.ts');
    const { AlarmEngine } = await import('../../src/server/modules/alarms/alarm-engine.ts');
    const { DevicePlaces } = await import('../../src/server/modules/alarms/device-places.ts');
    const engine = new AlarmEngine(ownTables<'alarms'>(t.store.db), t.services.rules, new DevicePlaces(t.services.devices, t.services.org, t.services.bus), t.services.alarmProcedures, clock, t.services.calendar, t.services.events);
    const result = await engine.process(events.map(toEvent), 'replay-test');
    assert.deepEqual(result.changed, []);
    const afterCount = await t.store.db.selectFrom('alarms').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n));
  });

  it('an unanswered step escalates after its deadline, once per deadline', async () => {
    await emit(U.deviceId, 'tamper', { what: 'lens_blocked' }); // priority 3: 600 s to acknowledge
    const [alarm] = await alarmsOf(U.deviceId);
    assert.equal(await t.services.alarms.escalateOverdue(), 0);
    clock.advance(601_000);
    const escalated = await t.services.alarms.escalateOverdue();
    assert.ok(escalated >= 1);
    let record = json(await t.call(operator, 'GET', `/api/alarms/${alarm.id}`));
    assert.equal(record.alarm.escalationLevel, 1);
    assert.equal(record.log.at(-1).action, 'escalated');
    assert.equal(await t.services.alarms.escalateOverdue(), 0, 'escalated twice for one deadline');
    clock.advance(601_000);
    await t.services.alarms.escalateOverdue();
    record = json(await t.call(operator, 'GET', `/api/alarms/${alarm.id}`));
    assert.equal(record.alarm.escalationLevel, 2);
    await t.call(operator, 'POST', `/api/alarms/${alarm.id}/steps`, { step: 'acknowledge' });
    record = json(await t.call(operator, 'GET', `/api/alarms/${alarm.id}`));
    assert.equal(record.alarm.escalationLevel, 0, 'a step resets the escalation');
  });

  it('nothing about an alarm can be deleted, even directly in the database', async () => {
    await assert.rejects(t.store.db.deleteFrom('alarms').execute(), /never deleted/);
    await assert.rejects(t.store.db.deleteFrom('alarm_log').execute(), /never deleted/);
  });
});

describe('linkage rules', () => {
  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'RL');
    operator = await t.login(U.users.operator.username);
  });
  after(() => t.close());

  const valid = (): RuleDefinitionT => ({
    name: '实验室夜间入侵',
    enabled: true,
    trigger: { type: 'event', kinds: ['intrusion'], keySiteCategories: ['key_laboratory'] },
    schedule: { periods: [{ days: [1, 2, 3, 4, 5], from: '22:00', to: '06:00' }], holidays: 'armed', vacations: 'armed' },
    actions: [
      { type: 'create_alarm', alarmType: 'intrusion', priority: 1, latch: true },
      { type: 'link_cameras', max: 4 },
    ],
  });

  it('every university starts with the default rules', async () => {
    const rules = json(await t.call(operator, 'GET', '/api/alarm-rules'));
    assert.ok(rules.length >= 8);
    assert.ok(rules.some((r: { definition: RuleDefinitionT }) => r.definition.trigger.kinds.includes('panic')));
  });

  it('validates definitions and names the field', async () => {
    const director = await t.login(U.users.security_director.username);
    const post = (definition: unknown) => t.call(director, 'POST', '/api/alarm-rules', { definition });
    const fields = async (definition: unknown) => json(await post(definition)).details.map((d: { field: string }) => d.field);
    assert.equal((await post(valid())).statusCode, 201);
    assert.deepEqual(await fields({ ...valid(), colour: 'red' }), ['definition.colour']);
    assert.deepEqual(await fields({ ...valid(), trigger: { type: 'event', kinds: ['teleport'] } }), ['definition.trigger.kinds[0]']);
    assert.deepEqual(await fields({ ...valid(), schedule: { ...valid().schedule, periods: [{ days: [8], from: '25:00', to: '06:00' }] } }), [
      'definition.schedule.periods[0].days[0]',
      'definition.schedule.periods[0].from',
    ]);
    assert.deepEqual(await fields({ ...valid(), actions: [{ type: 'link_cameras', max: 2 }] }), ['definition.actions']);
    assert.deepEqual(await fields({ ...valid(), trigger: { type: 'event', kinds: ['panic'], deviceIds: ['nope'] } }), ['definition.trigger.deviceIds[0]']);
    assert.equal((await t.call(operator, 'POST', '/api/alarm-rules', { definition: valid() })).statusCode, 403, 'operators read rules, directors write them');
  });

  it('exports and imports (all or nothing)', async () => {
    const director = await t.login(U.users.security_director.username);
    const exported = json(await t.call(director, 'GET', '/api/alarm-rules/export'));
    assert.equal(exported.format, 'xiaoan.rules/1');
    const count = exported.rules.length;
    const bad = await t.call(director, 'POST', '/api/alarm-rules/import', { rules: [valid(), { ...valid(), name: '' }] });
    assert.equal(bad.statusCode, 400);
    assert.equal(json(bad).details[0].field, 'rules[1].name');
    assert.equal(json(await t.call(director, 'GET', '/api/alarm-rules/export')).rules.length, count, 'a failed import wrote something');
    const ok = await t.call(director, 'POST', '/api/alarm-rules/import', exported);
    assert.equal(ok.statusCode, 201);
    assert.equal(json(await t.call(director, 'GET', '/api/alarm-rules/export')).rules.length, count * 2);
  });
});
