/**
 * Alarm statistics through HTTP on the real store (SQLite and PostgreSQL), with expectations
 * computed by hand: alarms created at known Beijing times, moved along by the real alarm and
 * dispatch services under an injected clock (operator steps, automatic dispatch, a guard's
 * phone steps, false alarms), then counted by type, area, hour and day, false-alarm rate per
 * device, and p50/p90 per shift and step. Another university's alarms are never counted.
 */
import { ownTables } from '../../store/tables.ts';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AlarmStep, AlarmType } from '../../../shared/alarms.ts';
import { SYSTEM_ACTOR, type Actor } from '../../http/policy.ts';
import { createTestApp, createUniversity, json, PASSWORD, type TestApp, type UniversityFixture } from '../../../../test/helpers/test-app.ts';
import { ManualClock } from '../../../../test/helpers/manual-clock.ts';
import { AlarmsRepository } from '../alarms/alarms.repository.ts';

const bj = (s: string) => Date.parse(`${s}+08:00`);
const clock = new ManualClock(bj('2026-03-10T12:00:00'));
const repo = new AlarmsRepository();

let t: TestApp;
let U: UniversityFixture;
let V: UniversityFixture;
let operator: Actor;
let guard: Actor;
let door: string;
let panicButton: string;
let zone: string;
let buildingB2: string;
let campusC2: string;

const FROM = '2026-03-01T00:00:00+08:00';
const TO = '2026-03-08T00:00:00+08:00';
const url = (q: Record<string, string> = {}) => `/api/alarm-stats?${new URLSearchParams({ from: FROM, to: TO, ...q })}`;

/** An alarm as the engine creates it (new, logged), at a given Beijing time. */
async function alarmAt(local: string, type: AlarmType, deviceId: string, place: { campusId: string | null; buildingId: string | null }, universityId = U.universityId) {
  const ms = bj(local);
  clock.advance(ms - clock.now());
  const now = clock.nowIso();
  const id = randomUUID();
  await repo.insert(ownTables<'alarms'>(t.store.db), {
    id,
    universityId,
    ruleId: null,
    type,
    priority: 2,
    state: 'new',
    latched: false,
    title: `${type} ${local}`,
    deviceId,
    campusId: place.campusId,
    buildingId: place.buildingId,
    floorId: null,
    lon: null,
    lat: null,
    eventCount: 1,
    firstEventId: `e-${id}`,
    lastEventId: `e-${id}`,
    firstAt: now,
    lastAt: now,
    linkedCameras: [],
    stateChangedAt: now,
    dueAt: null,
    escalationLevel: 0,
    createdAt: now,
  });
  await repo.log(ownTables<'alarms'>(t.store.db), { id: randomUUID(), alarmId: id, at: now, actorId: null, actorName: null, action: 'created', fromState: null, toState: 'new', note: null, data: null });
  return { id, createdMs: ms };
}

/** Runs `f` at `seconds` after the alarm's creation. */
async function after_(a: { createdMs: number }, seconds: number, f: () => Promise<unknown>) {
  clock.advance(a.createdMs + seconds * 1000 - clock.now());
  await f();
}
const step = (a: { id: string; createdMs: number }, seconds: number, s: AlarmStep, actor = operator) => after_(a, seconds, () => t.services.alarms.step(actor, a.id, s, s === 'false_alarm' ? '风吹门动，误报' : undefined));

describe('alarm statistics', () => {
  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'ST');
    V = await createUniversity(t.services, 'SV', 121.43, 31.03);
    const user = (u: { id: string; username: string }, role: Actor['role'], universityId: string): Actor => ({ id: u.id, username: u.username, displayName: u.username, role, universityId });
    operator = user(U.users.operator, 'operator', U.universityId);
    guard = user(U.users.guard, 'guard', U.universityId);
    buildingB2 = (await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'building', parentId: U.campusId, name: '学生宿舍1号楼' })).id;
    campusC2 = (await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'campus', parentId: U.universityId, name: '东校区' })).id;
    door = (await t.services.devices.create(SYSTEM_ACTOR, { name: '图书馆东门门禁', kind: 'door', buildingId: U.buildingId })).id;
    panicButton = (await t.services.devices.create(SYSTEM_ACTOR, { name: '宿舍一键求助', kind: 'panic_button', buildingId: buildingB2 })).id;
    zone = (await t.services.devices.create(SYSTEM_ACTOR, { name: '东校区周界防区', kind: 'intrusion_zone', campusId: campusC2 })).id;
    const B1 = { campusId: U.campusId, buildingId: U.buildingId };

    // 早班 (08–16): a1 acknowledged at 60 s, dispatched 120 s, arrived 300 s, resolved 600 s, closed 900 s.
    const a1 = await alarmAt('2026-03-02T09:00:00', 'intrusion', door, B1);
    await step(a1, 60, 'acknowledge');
    await step(a1, 120, 'dispatch');
    await step(a1, 300, 'arrive');
    await step(a1, 600, 'resolve');
    await step(a1, 900, 'close');
    // a2 on the fixture camera: acknowledged 30 s, resolved on camera 100 s, closed 200 s.
    const a2 = await alarmAt('2026-03-02T10:30:00', 'intrusion', U.deviceId, B1);
    await step(a2, 30, 'acknowledge');
    await step(a2, 100, 'resolve');
    await step(a2, 200, 'close');
    // a7: 08:00 sharp, still new.
    await alarmAt('2026-03-05T08:00:00', 'door_forced', door, B1);

    // 中班 (16–24): a3 dispatched automatically at 0 s (no person: not an acknowledgement); the
    // guard accepts at 40 s (the first person to respond), arrives 180 s, finishes 400 s; closed 500 s.
    const a3 = await alarmAt('2026-03-03T17:00:00', 'panic', panicButton, { campusId: U.campusId, buildingId: buildingB2 });
    const [d] = await t.services.dispatches.dispatch(null, a3.id, { guardIds: [U.users.guard.id] });
    await after_(a3, 40, () => t.services.dispatches.guardStep(guard, d!.id, 'accept'));
    await after_(a3, 180, () => t.services.dispatches.guardStep(guard, d!.id, 'arrive'));
    await after_(a3, 400, () => t.services.dispatches.guardStep(guard, d!.id, 'finish', '学生身体不适，已送校医院'));
    await step(a3, 500, 'close');
    // a4 at 23:59:59: a false alarm after 20 s (acknowledged and closed at once).
    const a4 = await alarmAt('2026-03-03T23:59:59', 'door_forced', door, B1);
    await step(a4, 20, 'false_alarm');

    // 夜班 (00–08): a5 at midnight, false alarm after 50 s; a6 in the other campus, no building, acknowledged 90 s.
    const a5 = await alarmAt('2026-03-04T00:00:00', 'door_forced', door, B1);
    await step(a5, 50, 'false_alarm');
    const a6 = await alarmAt('2026-03-04T03:15:00', 'intrusion', zone, { campusId: campusC2, buildingId: null });
    await step(a6, 90, 'acknowledge');

    // Outside the window [from, to): just before, and exactly at its end.
    await alarmAt('2026-02-28T23:59:59', 'fire', door, B1);
    await alarmAt('2026-03-08T00:00:00', 'fire', door, B1);
    // Another university, inside the window: a false alarm that must never be counted for U.
    const v = await alarmAt('2026-03-02T09:30:00', 'door_forced', V.deviceId, { campusId: V.campusId, buildingId: V.buildingId }, V.universityId);
    await step(v, 10, 'false_alarm', { id: V.users.operator.id, username: 'op', displayName: 'op', role: 'operator', universityId: V.universityId });
  });
  after(() => t.close());

  it('counts by type, campus, building, local hour and day, and the false-alarm rate', async () => {
    const res = await t.call(await t.login(U.users.security_director.username), 'GET', url());
    assert.equal(res.statusCode, 200, res.body);
    const s = json(res);
    assert.equal(s.from, '2026-02-28T16:00:00.000Z');
    assert.equal(s.to, '2026-03-07T16:00:00.000Z');
    assert.equal(s.timeZone, 'Asia/Shanghai');
    assert.deepEqual(s.totals, { alarms: 7, open: 2, resolved: 0, closed: 3, falseAlarms: 2, falseAlarmRate: 0.2857 });
    assert.deepEqual(s.byState, { new: 1, acknowledged: 1, dispatched: 0, on_scene: 0, resolved: 0, closed: 3, false_alarm: 2 });
    assert.deepEqual(s.byType, [
      { type: 'door_forced', count: 3 },
      { type: 'intrusion', count: 3 },
      { type: 'panic', count: 1 },
    ]);
    assert.deepEqual(s.byCampus, [
      { campusId: U.campusId, name: '校区ST', count: 6 },
      { campusId: campusC2, name: '东校区', count: 1 },
    ]);
    assert.deepEqual(
      [...s.byBuilding].sort((a: { count: number; name: string | null }, b: { count: number; name: string | null }) => b.count - a.count || String(a.name).localeCompare(String(b.name))),
      [
        { buildingId: U.buildingId, name: '教学楼ST', campusId: U.campusId, campusName: '校区ST', count: 5 },
        { buildingId: null, name: null, campusId: campusC2, campusName: '东校区', count: 1 },
        { buildingId: buildingB2, name: '学生宿舍1号楼', campusId: U.campusId, campusName: '校区ST', count: 1 },
      ].sort((a, b) => b.count - a.count || String(a.name).localeCompare(String(b.name))),
    );
    const hours = new Array(24).fill(0);
    for (const h of [9, 10, 8, 17, 23, 0, 3]) hours[h]++;
    assert.deepEqual(s.byHour, hours);
    assert.deepEqual(s.byDay, [
      { date: '2026-03-01', count: 0 },
      { date: '2026-03-02', count: 2 },
      { date: '2026-03-03', count: 2 },
      { date: '2026-03-04', count: 2 },
      { date: '2026-03-05', count: 1 },
      { date: '2026-03-06', count: 0 },
      { date: '2026-03-07', count: 0 },
    ]);
    // Only the door raised false alarms: 2 of its 4 alarms.
    assert.deepEqual(s.devices, [{ deviceId: door, name: '图书馆东门门禁', kind: 'door', alarms: 4, falseAlarms: 2, rate: 0.5 }]);
  });

  it('times each step from creation, p50/p90 by nearest rank, per shift and overall', async () => {
    const s = json(await t.call(await t.login(U.users.operator.username), 'GET', url()));
    const d = (count: number, p50: number | null, p90: number | null) => ({ count, p50, p90 });
    const none = d(0, null, null);
    assert.deepEqual(s.durations.shifts, [
      {
        shift: 'day', name: '早班', fromHour: 8, toHour: 16, alarms: 3,
        // acknowledge [30, 60]; dispatch [120]; arrive [300]; close [200, 900]
        steps: { acknowledge: d(2, 30, 60), dispatch: d(1, 120, 120), arrive: d(1, 300, 300), close: d(2, 200, 900) },
      },
      {
        shift: 'evening', name: '中班', fromHour: 16, toHour: 24, alarms: 2,
        // acknowledge [20 (false alarm), 40 (guard accepts)]; dispatch [0 (automatic)]; arrive [180]; close [20, 500]
        steps: { acknowledge: d(2, 20, 40), dispatch: d(1, 0, 0), arrive: d(1, 180, 180), close: d(2, 20, 500) },
      },
      {
        shift: 'night', name: '夜班', fromHour: 0, toHour: 8, alarms: 2,
        // acknowledge [50, 90]; close [50]
        steps: { acknowledge: d(2, 50, 90), dispatch: none, arrive: none, close: d(1, 50, 50) },
      },
    ]);
    // acknowledge [20 30 40 50 60 90]: p50 rank 3 → 40, p90 rank ceil(5.4) = 6 → 90
    // close [20 50 200 500 900]: p50 rank ceil(2.5) = 3 → 200, p90 rank ceil(4.5) = 5 → 900
    assert.deepEqual(s.durations.overall, { acknowledge: d(6, 40, 90), dispatch: d(2, 0, 120), arrive: d(2, 180, 300), close: d(5, 200, 900) });
  });

  it('filters by campus; another university’s campus is refused naming campusId', async () => {
    const op = await t.login(U.users.operator.username);
    const c2 = json(await t.call(op, 'GET', url({ campusId: campusC2 })));
    assert.equal(c2.totals.alarms, 1);
    assert.deepEqual(c2.byType, [{ type: 'intrusion', count: 1 }]);
    assert.deepEqual(c2.durations.overall.acknowledge, { count: 1, p50: 90, p90: 90 });
    for (const campusId of [V.campusId, U.buildingId, 'nope']) {
      const res = await t.call(op, 'GET', url({ campusId }));
      assert.equal(res.statusCode, 400, `${campusId}: ${res.body}`);
      assert.equal(json(res).details[0].field, 'campusId');
      assert.ok(!res.body.includes(V.universityId));
    }
  });

  it('never counts another university: not even when asked for it; city-wide roles choose', async () => {
    const v = json(await t.call(await t.login(V.users.operator.username), 'GET', url({ universityId: U.universityId })));
    assert.equal(v.universityId, V.universityId);
    assert.deepEqual(v.totals, { alarms: 1, open: 0, resolved: 0, closed: 0, falseAlarms: 1, falseAlarmRate: 1 });
    assert.ok(!JSON.stringify(v).includes(U.campusId) && !JSON.stringify(v).includes(door));
    // The admin reads every university (the commission analyst has no alarm.read: refused).
    const admin = await t.login('admin');
    assert.equal(json(await t.call(admin, 'GET', url())).totals.alarms, 8, 'every university');
    assert.equal(json(await t.call(admin, 'GET', url({ universityId: U.universityId }))).totals.alarms, 7);
    assert.equal(json(await t.call(admin, 'GET', url({ universityId: V.universityId }))).totals.falseAlarms, 1);
    await t.services.accounts.create(SYSTEM_ACTOR, { username: 'stats-analyst', displayName: '分析员', password: PASSWORD, role: 'commission_analyst' });
    assert.equal((await t.call(await t.login('stats-analyst'), 'GET', url())).statusCode, 403);
  });

  it('refuses bad windows with a 400 naming the field', async () => {
    const op = await t.login(U.users.operator.username);
    const field = async (q: string) => {
      const res = await t.call(op, 'GET', `/api/alarm-stats?${q}`);
      assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
      assert.equal(json(res).code, 'XIAOAN_VALIDATION_FAILED');
      return json(res).details.map((x: { field: string }) => x.field);
    };
    assert.deepEqual(await field('from=yesterday&to=2026-03-08T00:00:00Z'), ['from']);
    assert.deepEqual(await field('from=2026-13-01T00:00:00Z&to=2026-03-08T00:00:00Z'), ['from']);
    assert.deepEqual(await field('from=2026-02-30T00:00:00Z'), ['from']);
    assert.deepEqual(await field('to=2026-03-08'), ['to'], 'a date without a time and offset');
    assert.deepEqual(await field('from=2026-03-08T00:00:00Z&to=2026-03-01T00:00:00Z'), ['to'], 'from after to');
    assert.deepEqual(await field('from=2026-03-08T00:00:00Z&to=2026-03-08T00:00:00Z'), ['to'], 'empty window');
    assert.deepEqual(await field('from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z'), ['to'], 'more than 366 days');
    assert.deepEqual(await field('from=2026-03-01T00:00:00Z&to=2026-03-08T00:00:00Z&foo=1'), ['foo']);
    // 366 days exactly is fine.
    assert.equal((await t.call(op, 'GET', '/api/alarm-stats?from=2025-03-01T00:00:00%2B08:00&to=2026-03-02T00:00:00%2B08:00')).statusCode, 200);
  });

  it('defaults to the last 30 days; guards (no alarm.read) are refused', async () => {
    const s = json(await t.call(await t.login(U.users.operator.username), 'GET', '/api/alarm-stats'));
    assert.equal(s.to, clock.nowIso());
    assert.equal(Date.parse(s.to) - Date.parse(s.from), 30 * 86_400_000);
    assert.equal(s.byDay.length, 31, 'a window not starting at midnight touches 31 local dates');
    assert.equal((await t.call(await t.login(U.users.guard.username), 'GET', url())).statusCode, 403);
    assert.equal((await t.call(null, 'GET', url())).statusCode, 401);
  });
});
