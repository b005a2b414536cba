/**
 * 值班统计 (issue 15 item 7) over an injected clock: coverage of the command centre by the
 * published roster (a draft covers nothing), certification of the people rostered there, patrol
 * completion per route and guard, alarm response per shift (the command centre's own shifts)
 * and per operator who acknowledged, and training hours through its port (无数据 until attached).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { shiftHolds } from '../../src/server/modules/duty-stats/index.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

const bj = (s: string) => Date.parse(`${s}+08:00`);
const iso = (s: string) => new Date(bj(s)).toISOString();

describe('shift windows', () => {
  it('holds minutes of a day shift, and of a night shift across midnight', () => {
    assert.equal(shiftHolds({ start: '08:00', end: '20:00' }, 8 * 60), true);
    assert.equal(shiftHolds({ start: '08:00', end: '20:00' }, 20 * 60), false);
    assert.equal(shiftHolds({ start: '20:00', end: '08:00' }, 23 * 60), true);
    assert.equal(shiftHolds({ start: '20:00', end: '08:00' }, 7 * 60 + 59), true);
    assert.equal(shiftHolds({ start: '16:00', end: '00:00' }, 23 * 60 + 59), true);
  });
});

describe('duty statistics (值班统计)', () => {
  const clock = new ManualClock(bj('2026-03-25T10:00:00'));
  let t: TestApp;
  let U: UniversityFixture;
  let director: string;
  let seat: { id: string };
  let opA: string;
  let opB: string;
  let certB: { id: string };
  let seq = 0;

  const stats = async () => {
    const res = await t.call(await t.login(U.users.security_director.username), 'GET', '/api/duty-stats?month=2026-04');
    assert.equal(res.statusCode, 200, res.body);
    return json(res);
  };
  const assign = async (accountId: string, date: string, shift: string) => assert.equal((await t.call(director, 'POST', '/api/duty/assignments', { postId: seat.id, accountId, date, shift })).statusCode, 201);
  const smoke = async () => {
    const now = clock.nowIso();
    await t.services.writer.append({ id: '', source: 'http', sourceEventId: `smoke-${++seq}`, orgId: U.universityId, deviceId: U.deviceId, kind: 'smoke', severity: 'major', occurredAt: now, receivedAt: now, payload: {} } as DeviceEvent);
    await t.services.writer.idle();
    await t.services.alarmConsumer.settled();
    return (await t.store.db.selectFrom('alarms').select('id').where('university_id', '=', U.universityId).where('state', '=', 'new').executeTakeFirstOrThrow()).id;
  };
  const step = async (username: string, alarmId: string, body: Record<string, unknown>) => {
    const res = await t.call(await t.login(username), 'POST', `/api/alarms/${alarmId}/steps`, body);
    assert.equal(res.statusCode, 200, res.body);
  };

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'T');
    director = await t.login(U.users.security_director.username);
    seat = json(await t.call(director, 'POST', '/api/duty/posts', { name: '指挥中心值班席', kind: 'command_seat', commandCentre: true, pattern: '2x12' }));
    opA = (await t.services.accounts.create(SYSTEM_ACTOR, { username: 'stat_a', displayName: '值班员甲', password: 'test-password-1', role: 'operator', universityId: U.universityId })).id;
    opB = (await t.services.accounts.create(SYSTEM_ACTOR, { username: 'stat_b', displayName: '值班员乙', password: 'test-password-1', role: 'operator', universityId: U.universityId })).id;
    const cert = (accountId: string, validTo: string) => t.call(director, 'POST', '/api/duty/certificates', { accountId, type: '安全防范系统操作员证', number: `SF-${accountId.slice(-6)}`, issuer: '上海市公安局', validFrom: '2025-01-01', validTo });
    assert.equal((await cert(opA, '2028-12-31')).statusCode, 201);
    certB = json(await cert(opB, '2028-12-31'));
    await assign(opA, '2026-04-01', 'day');
    await assign(opB, '2026-04-01', 'night');
    await assign(opA, '2026-04-02', 'day');
    await assign(opB, '2026-04-02', 'night');
    await assign(opB, '2026-04-25', 'day');
    // 乙's certificate is shortened after the roster was made: it no longer covers April 25.
    assert.equal((await t.call(director, 'PUT', `/api/duty/certificates/${certB.id}`, { accountId: opB, type: '安全防范系统操作员证', number: 'SF-B', issuer: '上海市公安局', validFrom: '2025-01-01', validTo: '2026-04-20' })).statusCode, 200);
  });
  after(() => t.close());

  it('counts nothing of a draft roster as coverage, and no training hours before any session', async () => {
    const s = await stats();
    assert.equal(s.coverage.published, false);
    assert.equal(s.coverage.pct, 0);
    assert.deepEqual(s.coverage.gaps.map((g: { from: string; to: string }) => [g.from, g.to]), [[iso('2026-04-01T00:00:00'), iso('2026-05-01T00:00:00')]]);
    assert.deepEqual(s.training, { available: true, totalHours: 0, people: [] });
    assert.equal(s.patrol.days, 0, 'April has not begun');
  });

  it('measures a published month: coverage, certification, patrol completion, response per shift and operator', async () => {
    assert.equal((await t.call(director, 'POST', '/api/duty/publish', { month: '2026-04' })).statusCode, 200);
    // Alarms: one in the day shift acknowledged by 甲 after 60 s, one in the night shift by 乙 after 120 s.
    clock.set(bj('2026-04-01T10:00:00'));
    const first = await smoke();
    clock.set(bj('2026-04-01T10:01:00'));
    await step('stat_a', first, { step: 'acknowledge' });
    clock.set(bj('2026-04-01T10:11:00'));
    await step('stat_a', first, { step: 'false_alarm', note: '烟雾测试' });

    // Patrol: a route of two checkpoints at 22:00 on April 1; the guard checks in at the first only.
    clock.set(bj('2026-04-01T21:00:00'));
    const director2 = await t.login(U.users.security_director.username);
    const cps = [];
    for (const [name, lon] of [['东门', 121.5], ['图书馆', 121.501]] as const) {
      const res = await t.call(director2, 'POST', '/api/patrol/checkpoints', { name, radiusM: 30, campusId: U.campusId, lon, lat: 31.3 });
      assert.equal(res.statusCode, 201, res.body);
      cps.push(json(res));
    }
    const route = await t.call(director2, 'POST', '/api/patrol/routes', {
      name: '夜间巡更',
      ordered: true,
      points: cps.map((c) => ({ checkpointId: c.id, withinMin: 10 })),
      minStepS: 60,
      lateGraceMin: 5,
      startTimes: ['22:00'],
      days: [1, 2, 3, 4, 5, 6, 7],
      holidays: 'run',
      guardIds: [U.users.guard.id],
      enabled: true,
    });
    assert.equal(route.statusCode, 201, route.body);
    await t.services.patrol.ensureTours(U.universityId, clock.now());
    clock.set(bj('2026-04-01T22:03:00'));
    const checkin = await t.call(await t.login(U.users.guard.username), 'POST', '/api/my/patrol/checkins', { token: cps[0].token });
    assert.equal(checkin.statusCode, 200, checkin.body);
    clock.set(bj('2026-04-01T22:30:00'));
    const second = await smoke();
    clock.set(bj('2026-04-01T22:32:00'));
    await step('stat_b', second, { step: 'acknowledge' });

    clock.set(bj('2026-04-02T10:00:00'));
    const s = await stats();
    // Coverage: 1 April 08:00 → 3 April 08:00 and 25 April 08:00–20:00, 60 of 720 hours.
    assert.equal(s.coverage.published, true);
    assert.deepEqual([s.coverage.requiredHours, s.coverage.coveredHours, s.coverage.pct], [720, 60, 8.3]);
    assert.deepEqual(
      s.coverage.gaps.map((g: { from: string; to: string }) => [g.from, g.to]),
      [
        [iso('2026-04-01T00:00:00'), iso('2026-04-01T08:00:00')],
        [iso('2026-04-03T08:00:00'), iso('2026-04-25T08:00:00')],
        [iso('2026-04-25T20:00:00'), iso('2026-05-01T00:00:00')],
      ],
    );
    // Certification: 甲 certified throughout; 乙 not on April 25, and ending within 30 days.
    assert.deepEqual([s.certification.rostered, s.certification.certified, s.certification.pct, s.certification.expiringSoon], [2, 1, 50, 1]);
    const b = s.certification.people.find((p: { accountId: string }) => p.accountId === opB);
    assert.deepEqual([b.certified, b.uncoveredDates, b.validTo, b.shifts], [false, ['2026-04-25'], '2026-04-20', 3]);
    // Patrol: two checkpoints due on April 1, one on time, one missed.
    assert.deepEqual([s.patrol.days, s.patrol.due, s.patrol.onTime, s.patrol.missed, s.patrol.pct], [2, 2, 1, 1, 50]);
    assert.deepEqual(s.patrol.routes.map((r: { name: string; pct: number }) => [r.name, r.pct]), [['夜间巡更', 50]]);
    assert.equal(s.patrol.guards.length, 1);
    // Response: the seat's own shifts (白班 08–20, 夜班 20–08), and who acknowledged.
    assert.equal(s.response.shiftsFrom, '指挥中心值班席');
    assert.deepEqual(
      s.response.shifts.map((x: { name: string; alarms: number; acknowledge: { p50: number } }) => [x.name, x.alarms, x.acknowledge.p50]),
      [
        ['白班', 1, 60],
        ['夜班', 1, 120],
      ],
    );
    assert.deepEqual(
      s.response.operators.map((x: { name: string; alarms: number; acknowledge: { p50: number } }) => [x.name, x.alarms, x.acknowledge.p50]).sort(),
      [
        ['值班员乙', 1, 120],
        ['值班员甲', 1, 60],
      ].sort(),
    );
    assert.deepEqual([s.response.total.alarms, s.response.total.acknowledge.p50, s.response.total.acknowledge.p90, s.response.total.close.count, s.response.total.close.p50], [2, 60, 120, 1, 660]);
  });

  it('takes training hours from the training module: the sessions attended in the month', async () => {
    const trainer = await t.login(U.users.security_director.username); // the clock moved on past the first session's life
    const session = (date: string, hours: number, attendance: { accountId: string; attended: boolean }[]) =>
      t.call(trainer, 'POST', '/api/training/sessions', { title: `培训 ${date}`, kind: 'theory', date, hours, trainer: '保卫处', attendance });
    assert.equal((await session('2026-04-10', 4, [{ accountId: opA, attended: true }, { accountId: opB, attended: false }])).statusCode, 201);
    assert.equal((await session('2026-04-20', 2.5, [{ accountId: opA, attended: true }, { accountId: opB, attended: true }])).statusCode, 201);
    assert.equal((await session('2026-05-02', 8, [{ accountId: opB, attended: true }])).statusCode, 201, 'May: not in April');
    const s = await stats();
    assert.deepEqual([s.training.available, s.training.totalHours, s.training.people.map((p: { name: string; hours: number }) => [p.name, p.hours])], [true, 9, [['值班员甲', 6.5], ['值班员乙', 2.5]]]);
  });

  it('shows a city-wide account nothing without a university, and the commission the one it names', async () => {
    await t.services.accounts.create(SYSTEM_ACTOR, { username: 'analyst_t', displayName: '分析员', password: 'test-password-1', role: 'commission_analyst' });
    const c = await t.login('analyst_t');
    assert.equal(json(await t.call(c, 'GET', '/api/duty-stats?month=2026-04')).coverage.posts.length, 0);
    assert.equal(json(await t.call(c, 'GET', `/api/duty-stats?month=2026-04&universityId=${U.universityId}`)).coverage.posts.length, 1);
    assert.equal((await t.call(c, 'GET', '/api/duty-stats?month=2026-4')).statusCode, 400);
  });
});
