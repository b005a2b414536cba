/**
 * 电子巡更 (issue 15 item 5): tours made from a route's schedule with the injected clock;
 * check-ins by QR code from the guard's phone, by a checkpoint device's event and by GPS inside
 * (not outside) the fence; late, out-of-order (ordered routes only), too-fast and missed
 * checkpoints raised once each as events; the report per guard, route and day; the schedule with
 * the school calendar; another university's guard and the commission (read-only).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { CHECKPOINT_TOKEN_PATTERN, tokenFromScan } from '../../src/shared/patrol.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { routeRunsOn } from '../../src/server/modules/patrol/index.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

/** Beijing wall-clock time → UTC instant. */
const bj = (iso: string) => Date.parse(`${iso}+08:00`);

describe('patrol schedule', () => {
  it('runs on its weekdays; a makeup workday counts as Monday; holidays as the route says', () => {
    const weekdays = { days: [1, 2, 3, 4, 5], holidays: 'skip' };
    assert.equal(routeRunsOn(weekdays, '2026-03-02', undefined), true, 'Monday');
    assert.equal(routeRunsOn(weekdays, '2026-03-07', undefined), false, 'Saturday');
    assert.equal(routeRunsOn(weekdays, '2026-03-07', 'workday'), true, '调休上班');
    assert.equal(routeRunsOn(weekdays, '2026-03-02', 'holiday'), false);
    assert.equal(routeRunsOn({ days: [7], holidays: 'as_sunday' }, '2026-03-02', 'holiday'), true);
    assert.equal(routeRunsOn({ days: [6], holidays: 'run' }, '2026-03-02', 'holiday'), true);
  });

  it('reads the token from a bare code or from the guard page URL a phone camera opened', () => {
    assert.equal(tokenFromScan(' XAP1-abcdefghijklmnop '), 'XAP1-abcdefghijklmnop');
    assert.equal(tokenFromScan('https://xiaoan.example.edu.cn/guard?cp=XAP1-abcdefghijklmnop'), 'XAP1-abcdefghijklmnop');
  });
});

describe('patrol', () => {
  // Monday 2 March 2026, 21:50 in Beijing.
  const clock = new ManualClock(bj('2026-03-02T21:50:00'));
  let t: TestApp;
  let U: UniversityFixture;
  let V: UniversityFixture;
  let director: string;
  let guard: string;
  let device: string;
  const cp: Record<'A' | 'B' | 'C', { id: string; token: string; lon: number; lat: number }> = {} as never;
  let seq = 0;

  async function deviceSays(deviceId: string, guardId: string, routeId?: string) {
    const now = clock.nowIso();
    const e = { id: '', source: 'http', sourceEventId: `pc-${++seq}`, orgId: U.universityId, deviceId, kind: 'patrol.checkin', severity: 'info', occurredAt: now, receivedAt: now, payload: { guardId, ...(routeId ? { routeId } : {}) } } as DeviceEvent;
    await t.services.writer.append(e);
    await t.services.writer.idle();
    await t.services.patrolWatch.settled();
    return e;
  }

  async function patrolEvents(kind: string) {
    return t.store.db.selectFrom('events').selectAll().where('kind', '=', kind).where('university_id', '=', U.universityId).execute();
  }

  async function evaluate() {
    const r = await t.services.patrolWatch.evaluate();
    await t.services.writer.idle();
    return r;
  }

  const routeBody = (over: Record<string, unknown> = {}) => ({
    name: '夜间宿舍区巡更',
    ordered: true,
    points: [
      { checkpointId: cp.A.id, withinMin: 10 },
      { checkpointId: cp.B.id, withinMin: 20 },
      { checkpointId: cp.C.id, withinMin: 30 },
    ],
    minStepS: 60,
    lateGraceMin: 10,
    startTimes: ['22:00'],
    days: [1, 2, 3, 4, 5, 6, 7],
    holidays: 'run',
    guardIds: [U.users.guard.id],
    enabled: true,
    ...over,
  });

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'PT');
    V = await createUniversity(t.services, 'PV', 121.43, 31.03);
    director = await t.login(U.users.security_director.username);
    guard = await t.login(U.users.guard.username);
    device = (await t.services.devices.create(SYSTEM_ACTOR, { name: '巡更点 PT-001 南门', kind: 'patrol_checkpoint', campusId: U.campusId, lon: 121.5, lat: 31.3 })).id;
    const points = { A: { lon: 121.5, lat: 31.3, deviceId: device }, B: { lon: 121.501, lat: 31.3 }, C: { lon: 121.502, lat: 31.3 } };
    for (const [k, p] of Object.entries(points)) {
      const res = await t.call(director, 'POST', '/api/patrol/checkpoints', { name: `巡更点 ${k}`, radiusM: 30, campusId: U.campusId, ...p });
      assert.equal(res.statusCode, 201, res.body);
      const c = json(res);
      cp[k as 'A'] = { id: c.id, token: c.token, lon: p.lon, lat: p.lat };
    }
  });
  after(() => t?.close());

  it('sets up checkpoints with a random QR token and routes, naming bad fields', async () => {
    assert.match(cp.A.token, new RegExp(CHECKPOINT_TOKEN_PATTERN));
    assert.notEqual(cp.A.token, cp.B.token);
    const a = json(await t.call(director, 'GET', `/api/patrol/checkpoints/${cp.A.id}`));
    assert.equal(a.deviceName, '巡更点 PT-001 南门');
    // The token is for those who set up patrols; an operator reads the checkpoint without it.
    const operator = await t.login(U.users.operator.username);
    assert.equal(json(await t.call(operator, 'GET', `/api/patrol/checkpoints/${cp.A.id}`)).token, null);
    let res = await t.call(director, 'POST', '/api/patrol/checkpoints', { name: 'x', lon: 121.5, lat: 31.3, deviceId: V.deviceId });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].field, 'deviceId', 'another university’s device');
    res = await t.call(director, 'POST', '/api/patrol/routes', routeBody({ points: [{ checkpointId: cp.A.id, withinMin: 20 }, { checkpointId: cp.B.id, withinMin: 10 }, { checkpointId: 'nope', withinMin: 30 }], guardIds: [U.users.operator.id] }));
    assert.equal(res.statusCode, 400);
    assert.deepEqual(json(res).details.map((d: { field: string }) => d.field), ['points[1].withinMin', 'points[2].checkpointId', 'guardIds[0]']);
    res = await t.call(director, 'POST', '/api/patrol/routes', routeBody({ startTimes: ['25:00'] }));
    assert.equal(res.statusCode, 400);
    assert.match(json(res).details[0].field, /startTimes/);
    assert.equal((await t.call(operator, 'POST', '/api/patrol/routes', routeBody())).statusCode, 403, 'operators read patrols, they do not set them up');
  });

  let ordered: string;
  let anyOrder: string;

  it('makes tours from the schedule, an hour ahead, once', async () => {
    ordered = json(await t.call(director, 'POST', '/api/patrol/routes', routeBody())).id;
    anyOrder = json(await t.call(director, 'POST', '/api/patrol/routes', routeBody({ name: '周界巡更', ordered: false, startTimes: ['23:00'], minStepS: 300, lateGraceMin: 5, points: [{ checkpointId: cp.C.id, withinMin: 10 }, { checkpointId: cp.A.id, withinMin: 10 }] }))).id;
    const mine = json(await t.call(guard, 'GET', '/api/my/patrol'));
    assert.deepEqual(mine.map((x: { routeName: string; state: string }) => [x.routeName, x.state]), [['夜间宿舍区巡更', 'upcoming']], 'the 23:00 tour is more than an hour away');
    await evaluate();
    const tours = json(await t.call(director, 'GET', '/api/patrol/tours?date=2026-03-02'));
    assert.equal(tours.total, 1, 'made once');
    assert.equal(tours.items[0].startsAt, new Date(bj('2026-03-02T22:00:00')).toISOString());
    assert.equal(tours.items[0].endsAt, new Date(bj('2026-03-02T22:40:00')).toISOString());
  });

  it('takes a QR check-in from the guard’s phone, a GPS one inside the fence (not outside), a device’s event; late and out of order raised once', async () => {
    clock.set(bj('2026-03-02T22:05:00'));
    let res = await t.call(guard, 'POST', '/api/my/patrol/checkins', { token: cp.A.token });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([json(res).checkpointName, json(res).status, json(res).outOfOrder], ['巡更点 A', 'on_time', false]);
    // The phone check-in at a checkpoint with a device is stored as that device's event.
    await t.services.writer.idle();
    assert.equal((await patrolEvents('patrol.checkin')).length, 1);

    clock.set(bj('2026-03-02T22:07:00'));
    res = await t.call(guard, 'POST', '/api/my/patrol/checkins', { checkpointId: cp.C.id, lon: cp.C.lon + 0.001, lat: cp.C.lat });
    assert.equal(res.statusCode, 400, 'about 95 m away: outside the 30 m fence');
    assert.equal(json(res).details[0].rule, 'geofence');
    res = await t.call(guard, 'POST', '/api/my/patrol/checkins', { checkpointId: cp.C.id, lon: cp.C.lon + 0.0001, lat: cp.C.lat, accuracyM: 8 });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([json(res).status, json(res).outOfOrder], ['on_time', false], 'B passed by: it will be missed unless the guard goes back');

    // Back to B (it has no device) by its NFC tag, which carries the URL its QR code does, at 22:25: late (due 22:20, grace to 22:30) and out of order.
    clock.set(bj('2026-03-02T22:25:00'));
    res = await t.call(guard, 'POST', '/api/my/patrol/checkins', { token: `https://campus.example/guard?cp=${cp.B.token}`, via: 'nfc' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([json(res).status, json(res).outOfOrder], ['late', true], 'back to B after C on an ordered route');
    assert.equal(json(res).tour.state, 'done', 'every checkpoint checked');
    assert.deepEqual(
      json(res).tour.points.map((p: { name: string; method: string }) => [p.name, p.method]),
      [['巡更点 A', 'qr'], ['巡更点 B', 'nfc'], ['巡更点 C', 'gps']],
      'each check-in keeps how it was made',
    );
    assert.equal((await t.call(guard, 'POST', '/api/my/patrol/checkins', { token: cp.B.token, via: 'bluetooth' })).statusCode, 400);

    let r = await evaluate();
    assert.deepEqual([r.late, r.outOfOrder, r.missed], [1, 1, 0]);
    r = await evaluate();
    assert.deepEqual([r.late, r.outOfOrder, r.missed], [0, 0, 0], 'raised once');
    const late = await patrolEvents('patrol.late');
    assert.equal(late.length, 1);
    const payload = typeof late[0].payload === 'string' ? JSON.parse(late[0].payload) : late[0].payload;
    assert.deepEqual([payload.checkpointName, payload.routeName, payload.lateMin, payload.guardName], ['巡更点 B', '夜间宿舍区巡更', 5, 'guard PT']);
    const [order] = await patrolEvents('patrol.out_of_order');
    const orderPayload = typeof order.payload === 'string' ? JSON.parse(order.payload) : order.payload;
    assert.deepEqual([orderPayload.checkpointName, orderPayload.aheadNames], ['巡更点 B', '巡更点 C']);

    // A check-in nobody's tour takes: refused on the phone.
    res = await t.call(guard, 'POST', '/api/my/patrol/checkins', { token: cp.A.token });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].rule, 'tour');
  });

  it('takes a checkpoint device’s check-in; any order; too fast raised once', async () => {
    clock.set(bj('2026-03-02T23:02:00'));
    await deviceSays(device, U.users.guard.username);
    clock.set(bj('2026-03-02T23:03:00'));
    const res = await t.call(guard, 'POST', '/api/my/patrol/checkins', { token: cp.C.token });
    assert.deepEqual([json(res).status, json(res).outOfOrder, json(res).tour.tooFast], ['on_time', false, true], 'C (first on the route) after A: any order; 60 s after A where 300 s is the least walk');
    const tour = json(res).tour;
    assert.deepEqual(tour.points.map((p: { method: string }) => p.method), ['qr', 'device']);
    let r = await evaluate();
    assert.equal(r.tooFast, 1);
    r = await evaluate();
    assert.equal(r.tooFast, 0, 'raised once');
    const [fast] = await patrolEvents('patrol.too_fast');
    const payload = typeof fast.payload === 'string' ? JSON.parse(fast.payload) : fast.payload;
    assert.deepEqual([payload.fastestS, payload.minStepS], [60, 300]);
    // The same device event delivered again is recorded once.
    const before = await t.store.db.selectFrom('patrol_checkins').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const again = await deviceSays(device, U.users.guard.username);
    await t.services.patrolWatch.recordAll([again]);
    const after = await t.store.db.selectFrom('patrol_checkins').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n) + 1, 'the second delivery adds nothing');
  });

  it('raises a missed checkpoint once its window and grace passed, with the injected clock, once; a rule makes it an alarm', async () => {
    // The security office's rule: a missed checkpoint is an alarm (巡更漏检).
    const rule = await t.call(director, 'POST', '/api/alarm-rules', { definition: { name: '巡更漏巡报警', enabled: true, trigger: { type: 'event', kinds: ['patrol.missed'] }, actions: [{ type: 'create_alarm', alarmType: 'patrol_missed', priority: 3 }] } });
    assert.equal(rule.statusCode, 201, rule.body);
    const res = await t.call(director, 'POST', '/api/patrol/routes', routeBody({ name: '图书馆巡更', ordered: false, startTimes: ['23:30'], lateGraceMin: 5, points: [{ checkpointId: cp.B.id, withinMin: 5 }] }));
    assert.equal(res.statusCode, 201, res.body);
    clock.set(bj('2026-03-02T23:39:59'));
    assert.equal((await evaluate()).missed, 0, 'grace ends 23:40');
    clock.set(bj('2026-03-02T23:40:00'));
    assert.equal((await evaluate()).missed, 1);
    clock.set(bj('2026-03-02T23:45:00'));
    assert.equal((await evaluate()).missed, 0, 'raised once');
    const [missed] = await patrolEvents('patrol.missed');
    const payload = typeof missed.payload === 'string' ? JSON.parse(missed.payload) : missed.payload;
    assert.deepEqual([payload.checkpointName, payload.routeName, missed.device_id], ['巡更点 B', '图书馆巡更', cp.B.id], 'B has no device: the checkpoint names the event');
    await t.services.alarmConsumer.settled();
    const alarms = await t.store.db.selectFrom('alarms').selectAll().where('university_id', '=', U.universityId).where('type', '=', 'patrol_missed').execute();
    assert.equal(alarms.length, 1, 'one alarm for the missed checkpoint');
  });

  it('reports per guard, route and day', async () => {
    const report = json(await t.call(director, 'GET', '/api/patrol/report?date=2026-03-02'));
    const rows = report.rows.map((r: Record<string, unknown>) => [r.routeName, r.guardName, r.planned, r.done, r.onTime, r.late, r.missed, r.outOfOrder, r.tooFastTours, r.completionPct, r.lateMin]);
    assert.deepEqual(rows, [
      ['周界巡更', 'guard PT', 2, 2, 2, 0, 0, 0, 1, 100, 0],
      ['图书馆巡更', 'guard PT', 1, 0, 0, 0, 1, 0, 0, 0, 0],
      ['夜间宿舍区巡更', 'guard PT', 3, 3, 2, 1, 0, 1, 0, 100, 5],
    ]);
  });

  it('keeps other universities out: their guard’s scan and their director’s lists', async () => {
    const otherGuard = await t.login(V.users.guard.username);
    clock.set(bj('2026-03-02T23:46:00'));
    const res = await t.call(otherGuard, 'POST', '/api/my/patrol/checkins', { token: cp.A.token });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].field, 'token');
    assert.equal((await t.call(otherGuard, 'POST', '/api/my/patrol/checkins', { checkpointId: cp.A.id, lon: cp.A.lon, lat: cp.A.lat })).statusCode, 404);
    const otherDirector = await t.login(V.users.security_director.username);
    assert.equal(json(await t.call(otherDirector, 'GET', `/api/patrol/routes?universityId=${U.universityId}`)).total, 0);
    assert.equal((await t.call(otherDirector, 'PUT', `/api/patrol/routes/${ordered}`, routeBody())).statusCode, 404);
    assert.equal((await t.call(otherDirector, 'DELETE', `/api/patrol/routes/${anyOrder}`)).statusCode, 404);
  });

  it('lets the commission read patrols across universities, and change nothing', async () => {
    await t.services.accounts.create(SYSTEM_ACTOR, { username: 'pt-analyst', displayName: '市教委', password: 'analyst-password-1', role: 'commission_analyst', universityId: null });
    const analyst = await t.login('pt-analyst', 'analyst-password-1');
    const report = json(await t.call(analyst, 'GET', `/api/patrol/report?date=2026-03-02&universityId=${U.universityId}`));
    assert.equal(report.rows.length, 3);
    const cps = json(await t.call(analyst, 'GET', `/api/patrol/checkpoints?universityId=${U.universityId}`));
    assert.equal(cps.total, 3);
    assert.ok(cps.items.every((c: { token: unknown }) => c.token === null), 'no QR tokens for the commission');
    assert.equal((await t.call(analyst, 'POST', '/api/patrol/checkpoints', { name: 'x', lon: 121.5, lat: 31.3, universityId: U.universityId })).statusCode, 403);
    assert.equal((await t.call(analyst, 'PUT', `/api/patrol/routes/${ordered}`, routeBody())).statusCode, 403);
    assert.equal((await t.call(analyst, 'POST', '/api/my/patrol/checkins', { token: cp.A.token })).statusCode, 403);
  });

  it('refuses to remove a checkpoint a route uses; audits changes', async () => {
    const res = await t.call(director, 'DELETE', `/api/patrol/checkpoints/${cp.B.id}`);
    assert.equal(res.statusCode, 409, res.body);
    const audited = await t.store.db.selectFrom('audit_log').select('action').where('action', 'like', 'patrol_%').execute();
    assert.ok(audited.filter((a) => a.action === 'patrol_route_created').length >= 3);
    assert.ok(audited.some((a) => a.action === 'patrol_checkpoint_created'));
  });

  it('drops a route’s tours not yet started when it is switched off, keeping those under way', async () => {
    clock.set(bj('2026-03-02T23:50:00'));
    const body = routeBody({ name: '午夜巡更', ordered: false, startTimes: ['23:55'], points: [{ checkpointId: cp.C.id, withinMin: 20 }] });
    const id = json(await t.call(director, 'POST', '/api/patrol/routes', body)).id;
    const names = async () => json(await t.call(director, 'GET', '/api/patrol/tours?date=2026-03-02')).items.map((x: { routeName: string }) => x.routeName);
    assert.ok((await names()).includes('午夜巡更'));
    assert.equal((await t.call(director, 'PUT', `/api/patrol/routes/${id}`, { ...body, enabled: false })).statusCode, 200);
    assert.ok(!(await names()).includes('午夜巡更'), 'the upcoming tour went with the route');
    assert.ok((await names()).includes('夜间宿舍区巡更'), 'past tours stay');
    clock.set(bj('2026-03-03T00:30:00'));
    assert.equal((await evaluate()).missed, 0, 'nothing missed on a route switched off');
  });
});
