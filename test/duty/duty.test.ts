/**
 * Duty roster and 持证上岗 (issue 15): coverage gaps as exact Beijing-time intervals across midnight
 * and month ends (and none for a fully planned month), an uncertified operator kept off
 * command-centre posts and from acknowledging alarms (once the university keeps certificates),
 * the expiry warning raised once, publishing and editing a published month audited, the
 * commission reading but not changing. Time is the injected ManualClock's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { daysOfMonth, shiftSpan, uncovered } from '../../src/shared/duty.ts';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { bombPng, png } from '../helpers/images.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

/** Beijing wall-clock time → ISO instant. */
const bj = (s: string) => new Date(Date.parse(`${s}+08:00`)).toISOString();

describe('coverage arithmetic', () => {
  it('lays a night shift past midnight and finds the exact holes', () => {
    const night = shiftSpan('2026-03-31', { start: '20:00', end: '08:00' });
    assert.equal(new Date(night.from).toISOString(), bj('2026-03-31T20:00:00'));
    assert.equal(new Date(night.to).toISOString(), bj('2026-04-01T08:00:00'));
    const mid = shiftSpan('2026-03-31', { start: '16:00', end: '00:00' });
    assert.equal(new Date(mid.to).toISOString(), bj('2026-04-01T00:00:00'));
    const gaps = uncovered([night, { from: Date.parse(bj('2026-04-01T09:00:00')), to: Date.parse(bj('2026-04-01T20:00:00')) }], Date.parse(bj('2026-04-01T00:00:00')), Date.parse(bj('2026-04-02T00:00:00')));
    assert.deepEqual(
      gaps.map((g) => [new Date(g.from).toISOString(), new Date(g.to).toISOString()]),
      [
        [bj('2026-04-01T08:00:00'), bj('2026-04-01T09:00:00')],
        [bj('2026-04-01T20:00:00'), bj('2026-04-02T00:00:00')],
      ],
    );
    assert.equal(daysOfMonth('2028-02').length, 29);
  });
});

describe('duty roster and certification', () => {
  const clock = new ManualClock(Date.parse(bj('2026-03-20T10:00:00')));
  let t: TestApp;
  let U: UniversityFixture;
  let V: UniversityFixture;
  let director: string;
  let seat: { id: string };
  let leader: { id: string };
  let gatehouse: { id: string };
  let certifiedOp: string;

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'D');
    V = await createUniversity(t.services, 'E', 121.43, 31.03);
    director = await t.login(U.users.security_director.username);
    seat = json(await t.call(director, 'POST', '/api/duty/posts', { name: '指挥中心值班席1', kind: 'command_seat', commandCentre: true, pattern: '2x12' }));
    leader = json(await t.call(director, 'POST', '/api/duty/posts', { name: '值班长', kind: 'duty_leader', commandCentre: true, pattern: '2x12', sort: 1 }));
    gatehouse = json(await t.call(director, 'POST', '/api/duty/posts', { name: '东门岗亭', kind: 'gatehouse', commandCentre: false, pattern: '3x8', sort: 2 }));
    // A second certified operator: the director (who also stands duty leader).
    const extra = await t.services.accounts.create(SYSTEM_ACTOR, { username: 'op2_d', displayName: '值班员乙', password: 'test-password-1', role: 'operator', universityId: U.universityId });
    certifiedOp = extra.id;
    for (const accountId of [certifiedOp, U.users.security_director.id]) {
      const res = await t.call(director, 'POST', '/api/duty/certificates', { accountId, type: '安全防范系统操作员证', number: `SF-${accountId.slice(-6)}`, issuer: '上海市公安局', validFrom: '2025-01-01', validTo: '2028-12-31' });
      assert.equal(res.statusCode, 201, res.body);
    }
  });
  after(() => t.close());

  const assign = (cookie: string, postId: string, accountId: string, date: string, shift: string) => t.call(cookie, 'POST', '/api/duty/assignments', { postId, accountId, date, shift });

  it('refuses an uncertified operator on a command-centre post, naming the field and reason; a gatehouse is fine', async () => {
    const res = await assign(director, seat.id, U.users.operator.id, '2026-04-01', 'day');
    assert.equal(res.statusCode, 400, res.body);
    const body = json(res);
    assert.equal(body.details[0].field, 'accountId');
    assert.match(body.details[0].reason, /无有效上岗证/);
    assert.equal((await assign(director, gatehouse.id, U.users.operator.id, '2026-04-01', 'early')).statusCode, 201);
    assert.equal(json(await assign(director, seat.id, certifiedOp, '2026-04-01', 'lunch')).details[0].field, 'shift');
    assert.equal(json(await assign(director, seat.id, V.users.operator.id, '2026-04-01', 'day')).details[0].field, 'accountId');
  });

  it('shows exact gaps across midnight and the month end, and none once the month is fully planned', async () => {
    // March 31 night (20:00 → April 1 08:00) and April 1 day covered: the seat's gap in April starts 20:00 on the 1st.
    assert.equal((await assign(director, seat.id, certifiedOp, '2026-03-31', 'night')).statusCode, 201);
    assert.equal((await assign(director, seat.id, certifiedOp, '2026-04-01', 'day')).statusCode, 201);
    const april = json(await t.call(director, 'GET', '/api/duty/roster?month=2026-04'));
    const seatGaps = april.gaps.filter((g: { postId: string }) => g.postId === seat.id);
    assert.deepEqual(seatGaps.map((g: { from: string; to: string }) => [g.from, g.to]), [[bj('2026-04-01T20:00:00'), bj('2026-05-01T00:00:00')]]);
    assert.ok(april.gaps.some((g: { postId: string }) => g.postId === leader.id), 'the duty leader has nobody');
    assert.ok(!april.gaps.some((g: { postId: string }) => g.postId === gatehouse.id), 'gatehouses need no 24-hour coverage');
    // Across a window spanning March 31 → April 1 only the hours before the night shift are open.
    const gaps = json(await t.call(director, 'GET', `/api/duty/coverage?from=${encodeURIComponent(bj('2026-03-31T12:00:00'))}&to=${encodeURIComponent(bj('2026-04-01T20:00:00'))}`));
    assert.deepEqual(gaps.filter((g: { postId: string }) => g.postId === seat.id).map((g: { from: string; to: string }) => [g.from, g.to]), [[bj('2026-03-31T12:00:00'), bj('2026-03-31T20:00:00')]]);
    // Plan all of April for both posts (day and night every day, and the leader's March 31 night reaching into April 1): no gaps left in April.
    assert.equal((await assign(director, leader.id, U.users.security_director.id, '2026-03-31', 'night')).statusCode, 201);
    for (const date of daysOfMonth('2026-04')) {
      for (const post of [seat, leader]) {
        for (const shift of ['day', 'night']) {
          const who = post === seat ? certifiedOp : U.users.security_director.id;
          const res = await assign(director, post.id, who, date, shift);
          assert.ok(res.statusCode === 201 || (res.statusCode === 400 && /already/.test(res.body)), res.body);
        }
      }
    }
    const full = json(await t.call(director, 'GET', '/api/duty/roster?month=2026-04'));
    assert.deepEqual(full.gaps, []);
    assert.equal(full.assignments.length, 30 * 4 + 1);
  });

  it('publishes a month and audits publishing and changes to the published month', async () => {
    const res = await t.call(director, 'POST', '/api/duty/publish', { month: '2026-04' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(json(res).state, 'published');
    const roster = json(await t.call(director, 'GET', '/api/duty/roster?month=2026-04'));
    const one = roster.assignments.find((a: { postId: string; date: string; shift: string }) => a.postId === seat.id && a.date === '2026-04-10' && a.shift === 'night');
    assert.equal((await t.call(director, 'DELETE', `/api/duty/assignments/${one.id}`)).statusCode, 204);
    const audit = await t.store.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity_type', '=', 'duty_roster').execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), ['roster_publish', 'roster_unassign']);
    const gaps = json(await t.call(director, 'GET', '/api/duty/roster?month=2026-04')).gaps;
    assert.deepEqual(gaps.map((g: { from: string; to: string }) => [g.from, g.to]), [[bj('2026-04-10T20:00:00'), bj('2026-04-11T08:00:00')]]);
  });

  it('raises a coverage gap of the published roster once, and a certificate expiry warning once', async () => {
    const eventsOf = (kind: string) => t.store.db.selectFrom('events').selectAll().where('kind', '=', kind).execute();
    // A certificate ending within 30 days.
    const expiring = json(await t.call(director, 'POST', '/api/duty/certificates', { accountId: U.users.operator.id, type: '消防设施操作员证', number: 'XF-1', issuer: '上海市消防救援总队', validFrom: '2024-04-01', validTo: '2026-04-10' }));
    assert.equal(expiring.status, 'expiring');
    clock.set(Date.parse(bj('2026-04-05T09:00:00')));
    await t.services.duty.sweep();
    await t.services.writer.idle();
    clock.advance(60_000);
    await t.services.duty.sweep();
    await t.services.writer.idle();
    const gapEvents = await eventsOf('duty.coverage_gap');
    assert.equal(gapEvents.length, 1, 'once per gap, not every minute');
    const payload = (typeof gapEvents[0]!.payload === 'string' ? JSON.parse(gapEvents[0]!.payload) : gapEvents[0]!.payload) as DeviceEvent<'duty.coverage_gap'>['payload'];
    assert.deepEqual([payload.from, payload.to, payload.hours, payload.postName], [bj('2026-04-10T20:00:00'), bj('2026-04-11T08:00:00'), 12, '指挥中心值班席1']);
    const certEvents = await eventsOf('duty.certificate_expiring');
    assert.equal(certEvents.length, 1);
    assert.equal(gapEvents[0]!.university_id, U.universityId);
  });

  it('lets only an operator with a valid certificate acknowledge an alarm once the university keeps certificates', async () => {
    const now = t.clock.nowIso();
    const panic = async (n: string) => {
      await t.services.writer.append({ id: '', source: 'http', sourceEventId: `panic-${n}`, orgId: U.universityId, deviceId: U.deviceId, kind: 'panic', severity: 'critical', occurredAt: now, receivedAt: now, payload: {} } as DeviceEvent);
      await t.services.writer.idle();
      await t.services.alarmConsumer.settled();
    };
    await panic('1');
    const alarm = await t.store.db.selectFrom('alarms').select('id').where('university_id', '=', U.universityId).where('state', '=', 'new').executeTakeFirstOrThrow();
    // The operator's only certificate (XF-1) is still valid on April 5: make an uncertified one.
    const bare = await t.services.accounts.create(SYSTEM_ACTOR, { username: 'op3_d', displayName: '无证值班员', password: 'test-password-1', role: 'operator', universityId: U.universityId });
    const refused = await t.call(await t.login('op3_d'), 'POST', `/api/alarms/${alarm.id}/steps`, { step: 'acknowledge' });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(json(refused).message, /无有效上岗证/);
    assert.equal(json(refused).details[0].field, 'certificate');
    // Nor take it up another way: finding a new alarm false is handling it too.
    const skipped = await t.call(await t.login('op3_d'), 'POST', `/api/alarms/${alarm.id}/steps`, { step: 'false_alarm', note: '误报' });
    assert.equal(skipped.statusCode, 403, skipped.body);
    assert.equal((await t.store.db.selectFrom('alarms').select('state').where('id', '=', alarm.id).executeTakeFirstOrThrow()).state, 'new');
    assert.ok(bare.id);
    const ok = await t.call(await t.login('op2_d'), 'POST', `/api/alarms/${alarm.id}/steps`, { step: 'acknowledge' });
    assert.equal(ok.statusCode, 200, ok.body);
    // University E keeps no certificates: its operators acknowledge as before.
    await t.services.writer.append({ id: '', source: 'http', sourceEventId: 'panic-e', orgId: V.universityId, deviceId: V.deviceId, kind: 'panic', severity: 'critical', occurredAt: now, receivedAt: now, payload: {} } as DeviceEvent);
    await t.services.writer.idle();
    await t.services.alarmConsumer.settled();
    const other = await t.store.db.selectFrom('alarms').select('id').where('university_id', '=', V.universityId).executeTakeFirstOrThrow();
    assert.equal((await t.call(await t.login(V.users.operator.username), 'POST', `/api/alarms/${other.id}/steps`, { step: 'acknowledge' })).statusCode, 200);
  });

  it('takes custom shifts crossing midnight, and keeps a shift the roster uses', async () => {
    director = await t.login(U.users.security_director.username); // the clock has moved past the session's end
    const custom = { name: '监控室', kind: 'command_seat', commandCentre: true, pattern: 'custom', shifts: [{ code: 'a', name: '甲班', start: '07:30', end: '19:30' }, { code: 'b', name: '乙班', start: '19:30', end: '07:30' }] };
    const res = await t.call(director, 'POST', '/api/duty/posts', custom);
    assert.equal(res.statusCode, 201, res.body);
    const post = json(res);
    assert.equal((await assign(director, post.id, certifiedOp, '2026-06-01', 'b')).statusCode, 201);
    const gaps = json(await t.call(director, 'GET', `/api/duty/coverage?from=${encodeURIComponent(bj('2026-06-01T00:00:00'))}&to=${encodeURIComponent(bj('2026-06-03T00:00:00'))}`));
    assert.deepEqual(
      gaps.filter((g: { postId: string }) => g.postId === post.id).map((g: { from: string; to: string }) => [g.from, g.to]),
      [
        [bj('2026-06-01T00:00:00'), bj('2026-06-01T19:30:00')],
        [bj('2026-06-02T07:30:00'), bj('2026-06-03T00:00:00')],
      ],
    );
    const dropped = await t.call(director, 'PUT', `/api/duty/posts/${post.id}`, { ...custom, shifts: [custom.shifts[0]] });
    assert.equal(dropped.statusCode, 400);
    assert.equal(json(dropped).details[0].field, 'shifts');
    const noShifts = await t.call(director, 'POST', '/api/duty/posts', { ...custom, shifts: undefined });
    assert.equal(json(noShifts).details[0].field, 'shifts');
  });

  it('keeps a certificate’s scan checked by its content and re-encoded, refusing fakes and bombs by naming the body', async () => {
    director = await t.login(U.users.security_director.username);
    const cert = json(await t.call(director, 'GET', '/api/duty/certificates?pageSize=1')).items[0];
    const put = (payload: Buffer, contentType = 'image/png') => t.app.inject({ method: 'PUT', url: `/api/duty/certificates/${cert.id}/scan`, headers: { cookie: director, 'content-type': contentType }, payload });
    const ok = await put(png(64, 48));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.ok(json(ok).scanSize > 0);
    const got = await t.call(director, 'GET', `/api/duty/certificates/${cert.id}/scan`);
    assert.equal(got.headers['content-type'], 'image/jpeg');
    assert.deepEqual([...got.rawPayload.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    for (const bad of [await put(Buffer.from('not an image at all')), await put(bombPng(60_000, 60_000, 8))]) {
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(json(bad).details[0].field, 'body');
    }
    assert.ok([400, 415].includes((await put(Buffer.from('x'), 'text/plain')).statusCode), 'a body that is not an image type is refused');
    assert.equal((await t.store.db.selectFrom('audit_log').select('action').where('action', '=', 'scan_upload').execute()).length, 1);
  });

  it('lets the commission read the roster of a university it names, but change nothing; operators read only', async () => {
    await t.services.accounts.create(SYSTEM_ACTOR, { username: 'analyst_d', displayName: '分析员', password: 'test-password-1', role: 'commission_analyst' });
    const c = await t.login('analyst_d');
    const roster = json(await t.call(c, 'GET', `/api/duty/roster?month=2026-04&universityId=${U.universityId}`));
    assert.equal(roster.state, 'published');
    assert.ok(roster.assignments.length > 100);
    assert.equal((await t.call(c, 'POST', '/api/duty/publish', { month: '2026-05', universityId: U.universityId })).statusCode, 403);
    assert.equal((await assign(c, seat.id, certifiedOp, '2026-05-01', 'day')).statusCode, 403);
    const op = await t.login(U.users.operator.username);
    assert.equal((await t.call(op, 'GET', '/api/duty/certificates')).statusCode, 200);
    assert.equal((await assign(op, gatehouse.id, U.users.operator.id, '2026-05-01', 'early')).statusCode, 403);
  });
});
