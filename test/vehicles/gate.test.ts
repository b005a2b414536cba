/**
 * Vehicles and the gate (issue 14): the decision on a plate read at schedule edges, across
 * midnight and on holidays; the lane's barrier opened by command and acknowledged; a banned plate
 * becomes an alarm through the rules; guests need an approval and overstays are reported;
 * owners' phones are masked; the commission sees no vehicles.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ScheduleT } from '../../src/shared/alarms.ts';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { CONTRACTOR_DEFAULT_SCHEDULE } from '../../src/shared/vehicles.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { decide } from '../../src/server/modules/vehicles/index.ts';
import type { VehicleTable } from '../../src/server/store/schema.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { waitFor } from '../helpers/wait.ts';

/** A stored JSON column as text (SQLite gives text, PostgreSQL an object). */
const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Beijing wall-clock time → UTC instant. */
const bj = (iso: string) => Date.parse(`${iso}+08:00`);

describe('gate decision', () => {
  const row = (over: Partial<VehicleTable>): VehicleTable => ({
    id: 'v1', university_id: 'u', plate: '沪A12345', list: 'staff', owner_name: '王伟', owner_phone: null, owner_department: null, valid_from: null, valid_until: null, schedule: null,
    approved_by: null, approved_at: null, note: null, status: 'active', inside: 0, last_passage_at: null, overstay_reported_at: null, created_at: '', updated_at: '', ...over,
  });
  const enter = { direction: 'in' as const, confidence: 0.95 };
  const contractor = row({ list: 'contractor', schedule: JSON.stringify(CONTRACTOR_DEFAULT_SCHEDULE) });

  it('lets a contractor in on weekdays from 18:00 to before 22:00 only, and not on a holiday (2026-03-02 is a Monday)', () => {
    const at = (t: string, calendar = new Map()) => decide(enter, contractor, bj(`2026-03-02T${t}`), calendar).reason;
    assert.equal(at('17:59:59'), 'outside_hours');
    assert.equal(at('18:00:00'), 'listed');
    assert.equal(at('21:59:59'), 'listed');
    assert.equal(at('22:00:00'), 'outside_hours');
    assert.equal(decide(enter, contractor, bj('2026-03-07T19:00:00'), new Map()).reason, 'outside_hours', 'a Saturday');
    assert.equal(at('19:00:00', new Map([['2026-03-02', 'holiday' as const]])), 'outside_hours', 'a holiday in the school calendar');
    assert.equal(decide(enter, contractor, bj('2026-03-07T19:00:00'), new Map([['2026-03-07', 'workday' as const]])).reason, 'listed', 'a makeup workday (调休) counts as a Monday');
  });

  it('follows hours across midnight (a night shift 22:00–06:00)', () => {
    const nights: ScheduleT = { periods: [{ days: [1, 2, 3, 4, 5], from: '22:00', to: '06:00' }], holidays: 'disarmed', vacations: 'as_scheduled' };
    const v = row({ list: 'contractor', schedule: JSON.stringify(nights) });
    assert.equal(decide(enter, v, bj('2026-03-02T23:30:00'), new Map()).reason, 'listed');
    assert.equal(decide(enter, v, bj('2026-03-03T05:59:00'), new Map()).reason, 'listed', 'the Monday night goes on into Tuesday');
    assert.equal(decide(enter, v, bj('2026-03-03T06:00:00'), new Map()).reason, 'outside_hours');
    assert.equal(decide(enter, v, bj('2026-03-02T05:00:00'), new Map()).reason, 'outside_hours', 'Sunday night is not a shift');
  });

  it('refuses banned, unknown, revoked, unapproved, not yet valid and expired entries; lets everyone out; leaves unsure reads to the guard', () => {
    const now = bj('2026-03-02T10:00:00');
    assert.deepEqual(decide(enter, row({ list: 'banned' }), now, new Map()), { decision: 'deny', reason: 'banned' });
    assert.equal(decide(enter, undefined, now, new Map()).reason, 'unknown');
    assert.equal(decide(enter, row({ status: 'revoked' }), now, new Map()).reason, 'unknown');
    const guest = { list: 'guest', valid_from: '2026-03-02T01:00:00.000Z', valid_until: '2026-03-02T09:00:00.000Z' };
    assert.equal(decide(enter, row(guest), now, new Map()).reason, 'not_approved');
    assert.equal(decide(enter, row({ ...guest, approved_at: '2026-03-01T00:00:00.000Z' }), now, new Map()).reason, 'listed');
    assert.equal(decide(enter, row({ ...guest, approved_at: 'x' }), bj('2026-03-02T08:59:00'), new Map()).reason, 'not_yet_valid');
    assert.equal(decide(enter, row({ ...guest, approved_at: 'x' }), bj('2026-03-02T17:00:00'), new Map()).reason, 'expired');
    assert.deepEqual(decide({ direction: 'out', confidence: 0.9 }, row({ list: 'banned' }), now, new Map()), { decision: 'open', reason: 'exit' });
    assert.equal(decide({ direction: 'in', confidence: 0.4 }, row({}), now, new Map()).reason, 'low_confidence');
  });
});

describe('vehicles at the gate', () => {
  const clock = new ManualClock(bj('2026-03-02T10:00:00')); // a Monday morning
  let t: TestApp;
  let U: UniversityFixture;
  let lpr: string;
  let barrier: string;
  const commands: { deviceId: string; command: Record<string, unknown> }[] = [];
  let seq = 0;

  async function read(plate: string, direction: 'in' | 'out' = 'in') {
    const now = clock.nowIso();
    const e = { id: '', source: 'http', sourceEventId: `lpr-${++seq}`, orgId: U.universityId, deviceId: lpr, kind: 'plate.read', severity: 'info', occurredAt: now, receivedAt: now, payload: { plate, colour: 'blue', direction, confidence: 0.97 } } as DeviceEvent;
    await t.services.writer.append(e);
    await t.services.writer.idle();
    await t.services.gate.settled();
    return e.id;
  }
  const passage = async (id: string) => (await t.services.vehicles.passages(SYSTEM_ACTOR, { limit: 500 })).find((p) => p.id === id)!;

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'VH');
    // The lane: a plate camera and, 4 m on, its barrier; another barrier 60 m away is not this lane's.
    lpr = (await t.services.devices.create(SYSTEM_ACTOR, { name: '南门 1号车道（入）车牌识别', kind: 'lpr_camera', campusId: U.campusId, lon: 121.5, lat: 31.3, camera: { resolution: '1080p', type: 'fixed', bearingDeg: 0, fovDeg: 30, rangeM: 15 } })).id;
    barrier = (await t.services.devices.create(SYSTEM_ACTOR, { name: '南门 1号车道（入）道闸', kind: 'barrier_gate', campusId: U.campusId, lon: 121.5, lat: 31.30004 })).id;
    await t.services.devices.create(SYSTEM_ACTOR, { name: '北门道闸', kind: 'barrier_gate', campusId: U.campusId, lon: 121.5, lat: 31.3006 });
    // The barrier answers every command with an acknowledgement, as the simulated one does.
    t.services.deviceCommands.setSender(async (universityId, deviceId, command) => {
      commands.push({ deviceId, command: command as Record<string, unknown> });
      const c = command as { id: string };
      const now = clock.nowIso();
      setTimeout(() => void t.services.writer.append({ id: '', source: 'mqtt', sourceEventId: `ack-${c.id}`, orgId: universityId, deviceId, kind: 'command.ack', severity: 'info', occurredAt: now, receivedAt: now, payload: { commandId: c.id, result: 'ok' } } as DeviceEvent), 5);
    });
  });
  after(() => t?.close());

  it('registers plates through the API with field errors, normalizes them, masks the owner’s phone, and refuses a plate twice', async () => {
    const director = await t.login(U.users.security_director.username);
    let res = await t.call(director, 'POST', '/api/vehicles', { plate: 'AB123', list: 'staff', ownerName: '王伟' });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].field, 'plate');
    res = await t.call(director, 'POST', '/api/vehicles', { plate: '沪a·12345', list: 'staff', ownerName: '王伟', ownerPhone: '13812345678', ownerDepartment: '后勤处' });
    assert.equal(res.statusCode, 201);
    assert.equal(json(res).plate, '沪A12345');
    assert.equal(json(res).ownerPhone, '138****5678');
    assert.ok(!res.body.includes('13812345678'), 'the full number is not in the answer');
    res = await t.call(director, 'POST', '/api/vehicles', { plate: '沪A 12345', list: 'student', ownerName: '李娜' });
    assert.equal(res.statusCode, 409);
    assert.equal(json(res).details[0].field, 'plate');
    res = await t.call(director, 'POST', '/api/vehicles', { plate: '沪B22222', list: 'guest', ownerName: '访客' });
    assert.equal(res.statusCode, 400, 'a guest needs a pass with an end');
    assert.equal(json(res).details[0].field, 'validUntil');
    const list = json(await t.call(await t.login(U.users.operator.username), 'GET', '/api/vehicles?q=12345'));
    assert.deepEqual(list.items.map((v: { plate: string }) => v.plate), ['沪A12345']);
  });

  it('opens the lane’s barrier for a listed car and records its acknowledgement; the car is then inside, and out again', async () => {
    const id = await read('沪A12345');
    const p = await waitFor('the barrier’s acknowledgement', async () => {
      const x = await passage(id);
      return x.barrier !== 'pending' && x;
    });
    assert.equal(p.decision, 'open');
    assert.equal(p.reason, 'listed');
    assert.equal(p.barrierId, barrier, 'the nearest barrier of the campus');
    assert.equal(p.barrier, 'acknowledged');
    assert.equal(p.ownerName, '王伟');
    const sent = commands.find((c) => c.command.id === `gate:${id}`)!;
    assert.equal(sent.deviceId, barrier);
    assert.equal(sent.command.command, 'barrier.open');
    let onCampus = await t.services.vehicles.onCampus(SYSTEM_ACTOR);
    assert.equal(onCampus.inside, 1);
    assert.deepEqual(onCampus.byList, { staff: 1 });
    assert.equal(onCampus.today[10]!.in, 1);
    await read('沪A12345', 'out');
    onCampus = await t.services.vehicles.onCampus(SYSTEM_ACTOR);
    assert.equal(onCampus.inside, 0);
    assert.equal(onCampus.today[10]!.out, 1);
  });

  it('keeps an unknown car out and opens nothing', async () => {
    const before = commands.length;
    const p = await passage(await read('苏E88888'));
    assert.deepEqual([p.decision, p.reason, p.barrier, p.vehicleId], ['deny', 'unknown', null, null]);
    assert.equal(commands.length, before);
  });

  it('turns a banned plate into an alarm through a rule on vehicle.banned', async () => {
    await t.services.vehicles.create(SYSTEM_ACTOR, { plate: '沪C66666', list: 'banned', ownerName: '未知', note: '多次强闯道闸', universityId: U.universityId });
    await t.services.rules.create(SYSTEM_ACTOR, {
      universityId: U.universityId,
      definition: { name: '黑名单车辆报警', enabled: true, trigger: { type: 'event', kinds: ['vehicle.banned'] }, actions: [{ type: 'create_alarm', alarmType: 'blacklisted_plate', priority: 2 }] },
    });
    const p = await passage(await read('沪C66666'));
    assert.deepEqual([p.decision, p.reason], ['deny', 'banned']);
    await t.services.writer.idle();
    await t.services.alarmConsumer.settled();
    const alarm = await waitFor('the alarm', () => t.store.db.selectFrom('alarms').selectAll().where('device_id', '=', lpr).executeTakeFirst());
    assert.equal(alarm.priority, 2);
    const banned = await t.store.db.selectFrom('events').selectAll().where('kind', '=', 'vehicle.banned').executeTakeFirstOrThrow();
    assert.match(asText(banned.payload), /沪C66666/);
  });

  it('lets a guest in only once approved and within the pass; reports it still inside after the pass', async () => {
    const director = await t.login(U.users.security_director.username);
    const operator = await t.login(U.users.operator.username);
    const created = json(await t.call(operator, 'POST', '/api/vehicles', { plate: '浙A3B456', list: 'guest', ownerName: '张明', validFrom: new Date(clock.now() - 60_000).toISOString(), validUntil: new Date(clock.now() + 3_600_000).toISOString() }));
    assert.equal((await passage(await read('浙A3B456'))).reason, 'not_approved');
    assert.equal((await t.call(operator, 'POST', `/api/vehicles/${created.id}/approve`)).statusCode, 403, 'operators register guests, directors approve');
    const approved = json(await t.call(director, 'POST', `/api/vehicles/${created.id}/approve`));
    assert.equal(approved.approvedBy, `security_director VH`);
    assert.equal((await passage(await read('浙A3B456'))).reason, 'listed');
    clock.advance(2 * 3_600_000);
    assert.equal(await t.services.gate.overstays(), 1);
    assert.equal(await t.services.gate.overstays(), 0, 'reported once');
    await t.services.writer.idle();
    const overstay = await t.store.db.selectFrom('events').selectAll().where('kind', '=', 'vehicle.overstay').executeTakeFirstOrThrow();
    assert.match(asText(overstay.payload), /浙A3B456/);
    assert.deepEqual((await t.services.vehicles.onCampus(SYSTEM_ACTOR)).overstaying.map((o) => o.plate), ['浙A3B456']);
    const audit = json(await t.call(await t.login(U.users.auditor.username), 'GET', `/api/audit?entityType=vehicle&action=approve`));
    assert.equal(audit.items.length, 1);
  });

  it('keeps the owner’s phone when an edit leaves it out (clients only ever see it masked), and clears it on null', async () => {
    const director = await t.login(U.users.security_director.username);
    const created = json(await t.call(director, 'POST', '/api/vehicles', { plate: '沪D55555', list: 'staff', ownerName: '赵强', ownerPhone: '13900001111' }));
    let res = await t.call(director, 'PUT', `/api/vehicles/${created.id}`, { plate: '沪D55555', list: 'staff', ownerName: '赵强', ownerDepartment: '保卫处' });
    assert.equal(res.statusCode, 200);
    assert.equal(json(res).ownerPhone, '139****1111');
    assert.equal(json(res).ownerDepartment, '保卫处');
    res = await t.call(director, 'PUT', `/api/vehicles/${created.id}`, { plate: '沪D55555', list: 'staff', ownerName: '赵强', ownerPhone: null });
    assert.equal(json(res).ownerPhone, null);
  });

  it('shows the commission no vehicles and no passages', async () => {
    const analyst = await t.services.accounts.create(SYSTEM_ACTOR, { username: 'vh-analyst', displayName: '市教委', password: 'analyst-password-1', role: 'commission_analyst', universityId: null });
    const cookie = await t.login(analyst.username, 'analyst-password-1');
    assert.equal((await t.call(cookie, 'GET', '/api/vehicles')).statusCode, 403);
    assert.equal((await t.call(cookie, 'GET', '/api/gate-passages')).statusCode, 403);
  });
});
