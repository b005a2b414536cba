/**
 * 交接班与按值班分派 (issue 15 items 2 and 4): an alarm is routed to the command-centre operators
 * the published roster has on shift (and its duty leader is the one escalation names); the
 * queue's "routed to me" filter; a university without a roster keeps everyone seeing everything.
 * The handover: the outgoing operator starts it (duty log pre-filled with open alarms and device
 * faults), signs the checklist (an unchecked item needs a remark), and only a certified operator
 * rostered on the next shift accepts — which moves the open alarms to the new shift.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { HANDOVER_CHECKLIST } from '../../src/shared/handover.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

const bj = (s: string) => new Date(Date.parse(`${s}+08:00`)).toISOString();

describe('handover and routing by duty', () => {
  const clock = new ManualClock(Date.parse(bj('2026-04-10T19:00:00')));
  let t: TestApp;
  let U: UniversityFixture;
  let V: UniversityFixture;
  const ids: Record<string, string> = {};
  let alarmId = '';
  let handoverId = '';
  const login = (name: string) => t.login(`${name}_h`);

  const panic = async (uni: UniversityFixture, n: string) => {
    const now = t.clock.nowIso();
    await t.services.writer.append({ id: '', source: 'http', sourceEventId: `panic-${n}`, orgId: uni.universityId, deviceId: uni.deviceId, kind: 'panic', severity: 'critical', occurredAt: now, receivedAt: now, payload: {} } as DeviceEvent);
    await t.services.writer.idle();
    await t.services.alarmConsumer.settled();
  };

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'H');
    V = await createUniversity(t.services, 'I', 121.43, 31.03);
    const director = await t.login(U.users.security_director.username);
    const seat = json(await t.call(director, 'POST', '/api/duty/posts', { name: '指挥中心值班席', kind: 'command_seat', commandCentre: true, pattern: '2x12' }));
    const leader = json(await t.call(director, 'POST', '/api/duty/posts', { name: '值班长', kind: 'duty_leader', commandCentre: true, pattern: '2x12', sort: 1 }));
    for (const [name, display] of [['day', '张三'], ['night', '李四'], ['nightb', '赵六'], ['lead_day', '王队'], ['lead_night', '钱队']] as const) {
      const a = await t.services.accounts.create(SYSTEM_ACTOR, { username: `${name}_h`, displayName: display, password: 'test-password-1', role: 'operator', universityId: U.universityId });
      ids[name] = a.id;
      const cert = await t.call(director, 'POST', '/api/duty/certificates', { accountId: a.id, type: '安全防范系统操作员证', number: `SF-${name}`, issuer: '上海市公安局', validFrom: '2025-01-01', validTo: '2028-12-31' });
      assert.equal(cert.statusCode, 201, cert.body);
      ids[`cert_${name}`] = json(cert).id;
    }
    const assign = async (postId: string, accountId: string, shift: string) => assert.equal((await t.call(director, 'POST', '/api/duty/assignments', { postId, accountId, date: '2026-04-10', shift })).statusCode, 201);
    await assign(seat.id, ids.day!, 'day');
    await assign(seat.id, ids.night!, 'night');
    await assign(seat.id, ids.nightb!, 'night');
    await assign(leader.id, ids.lead_day!, 'day');
    await assign(leader.id, ids.lead_night!, 'night');
    assert.equal((await t.call(director, 'POST', '/api/duty/publish', { month: '2026-04' })).statusCode, 200);
    // 赵六 loses the certificate after being rostered: he may not take over the shift.
    assert.equal((await t.call(director, 'DELETE', `/api/duty/certificates/${ids.cert_nightb}`)).statusCode, 204);
    // A device under repair, for the duty log.
    await t.services.devices.update(SYSTEM_ACTOR, U.deviceId, { status: 'under_repair' });
  });
  after(() => t.close());

  it('routes a new alarm to the operators on shift and names the duty leader when escalating', async () => {
    await panic(U, 'u1');
    const alarm = await t.store.db.selectFrom('alarms').selectAll().where('university_id', '=', U.universityId).executeTakeFirstOrThrow();
    alarmId = alarm.id;
    const record = json(await t.call(await login('day'), 'GET', `/api/alarms/${alarmId}`));
    assert.deepEqual(record.routedTo, { operators: [{ id: ids.day, name: '张三' }], leaders: [{ id: ids.lead_day, name: '王队' }] });
    const mine = async (who: string) => json(await t.call(await login(who), 'GET', '/api/alarms?routedToMe=true')).items.map((a: { id: string }) => a.id);
    assert.deepEqual(await mine('day'), [alarmId]);
    assert.deepEqual(await mine('night'), [], 'the next shift is not on it yet');
    assert.equal(json(await t.call(await login('night'), 'GET', '/api/alarms')).items.length, 1, 'without the filter everyone sees the queue');
    // Escalation (overdue twice) names the duty leader of that shift.
    clock.set(Date.parse(alarm.due_at!) + 1000);
    await t.services.alarms.escalateOverdue();
    const escalated = await t.store.db.selectFrom('alarm_log').select(['data']).where('alarm_id', '=', alarmId).where('action', '=', 'escalated').execute();
    assert.equal(escalated.length, 1);
    const data = typeof escalated[0]!.data === 'string' ? JSON.parse(escalated[0]!.data) : escalated[0]!.data;
    assert.deepEqual(data.escalatedTo, [{ id: ids.lead_day, name: '王队' }]);
  });

  it('keeps a university without a roster as before: routed to nobody in particular, seen by all', async () => {
    await panic(V, 'v1');
    const op = await t.login(V.users.operator.username);
    const items = json(await t.call(op, 'GET', '/api/alarms?routedToMe=true')).items;
    assert.equal(items.length, 1);
    assert.equal(json(await t.call(op, 'GET', `/api/alarms/${items[0].id}`)).routedTo, null);
  });

  it('lets the outgoing operator start a handover with the duty log pre-filled; others get a 400 naming why', async () => {
    clock.set(Date.parse(bj('2026-04-10T19:50:00')));
    const early = await t.call(await login('night'), 'POST', '/api/handover', {});
    assert.equal(early.statusCode, 400, early.body);
    assert.equal(json(early).details[0].field, 'shift');
    assert.match(json(early).details[0].reason, /不在班/);
    const res = await t.call(await login('day'), 'POST', '/api/handover', {});
    assert.equal(res.statusCode, 201, res.body);
    const h = json(res);
    handoverId = h.id;
    assert.equal(h.state, 'open');
    assert.equal(h.shiftTo, bj('2026-04-10T20:00:00'));
    assert.deepEqual(h.openAlarms.map((a: { id: string }) => a.id), [alarmId]);
    assert.deepEqual(h.deviceFaults.map((f: { deviceId: string; fault: string }) => [f.deviceId, f.fault]), [[U.deviceId, 'under_repair']]);
    assert.deepEqual(h.incomingExpected.map((p: { name: string }) => p.name).sort(), ['李四', '赵六', '钱队'].sort());
    // Starting again returns the same open handover.
    assert.equal(json(await t.call(await login('day'), 'POST', '/api/handover', {})).id, handoverId);
    const current = json(await t.call(await login('day'), 'GET', '/api/handover/current'));
    assert.equal(current.handover.id, handoverId);
    assert.equal(current.mine.accountName, '张三');
    assert.deepEqual(current.next.map((p: { accountName: string }) => p.accountName).sort(), ['李四', '赵六', '钱队'].sort());
  });

  it('signs only a complete checklist: an unchecked item needs a remark; nobody accepts before signing', async () => {
    const night = await login('night');
    const tooEarly = await t.call(night, 'POST', `/api/handover/${handoverId}/accept`, {});
    assert.equal(tooEarly.statusCode, 409, tooEarly.body);
    const checklist = HANDOVER_CHECKLIST.map((key) => ({ key, checked: key !== 'keys', remark: '' }));
    const bad = await t.call(await login('day'), 'POST', `/api/handover/${handoverId}/sign`, { checklist, notes: '' });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(json(bad).details[0].field, 'checklist[3].remark');
    const notMine = await t.call(night, 'POST', `/api/handover/${handoverId}/sign`, { checklist, notes: '' });
    assert.equal(json(notMine).details[0].field, 'outgoing');
    checklist[3]!.remark = '备用钥匙在保卫处';
    const ok = await t.call(await login('day'), 'POST', `/api/handover/${handoverId}/sign`, { checklist, notes: '东门摄像机报修中，注意人工巡查。' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(json(ok).state, 'signed');
    assert.equal(json(ok).checklist[3].remark, '备用钥匙在保卫处');
  });

  it('refuses an incoming operator not on the next shift or not certified, with the field and reason', async () => {
    clock.set(Date.parse(bj('2026-04-10T20:05:00')));
    const outsider = await t.call(await t.login(U.users.operator.username), 'POST', `/api/handover/${handoverId}/accept`, {});
    assert.equal(outsider.statusCode, 400, outsider.body);
    assert.equal(json(outsider).details[0].field, 'incoming');
    assert.match(json(outsider).details[0].reason, /不在下一班/);
    const uncertified = await t.call(await login('nightb'), 'POST', `/api/handover/${handoverId}/accept`, {});
    assert.equal(uncertified.statusCode, 400, uncertified.body);
    assert.match(json(uncertified).details[0].reason, /无有效上岗证/);
    const other = await t.call(await t.login(V.users.operator.username), 'GET', `/api/handover/${handoverId}`);
    assert.equal(other.statusCode, 404, 'another university does not see it');
  });

  it('handover moves open alarms: accepting logs a handed_over step on each and routes it to the new shift', async () => {
    const night = await login('night');
    const res = await t.call(night, 'POST', `/api/handover/${handoverId}/accept`, {});
    assert.equal(res.statusCode, 200, res.body);
    const h = json(res);
    assert.equal(h.state, 'accepted');
    assert.deepEqual(h.incoming, { id: ids.night, name: '李四' });
    assert.equal(h.movedAlarms, 1);
    const log = await t.store.db.selectFrom('alarm_log').selectAll().where('alarm_id', '=', alarmId).where('action', '=', 'handed_over').execute();
    assert.equal(log.length, 1);
    assert.equal(log[0]!.actor_id, ids.night);
    const data = typeof log[0]!.data === 'string' ? JSON.parse(log[0]!.data) : log[0]!.data;
    assert.deepEqual([data.from.name, data.to.name, data.handoverId], ['张三', '李四', handoverId]);
    const record = json(await t.call(night, 'GET', `/api/alarms/${alarmId}`));
    assert.deepEqual(record.routedTo.operators.map((p: { name: string }) => p.name).sort(), ['李四', '赵六'].sort());
    assert.deepEqual(record.routedTo.leaders.map((p: { name: string }) => p.name), ['钱队']);
    const mine = async (who: string) => json(await t.call(await login(who), 'GET', '/api/alarms?routedToMe=true')).items.map((a: { id: string }) => a.id);
    assert.deepEqual(await mine('night'), [alarmId]);
    assert.deepEqual(await mine('day'), []);
    // Once accepted it stays so; the history shows it; every step is audited.
    assert.equal((await t.call(night, 'POST', `/api/handover/${handoverId}/accept`, {})).statusCode, 409);
    const history = json(await t.call(night, 'GET', '/api/handover'));
    assert.deepEqual(history.items.map((x: { id: string; state: string }) => [x.id, x.state]), [[handoverId, 'accepted']]);
    const audit = await t.store.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'handover').execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), ['handover_accept', 'handover_sign', 'handover_start']);
    // An alarm raised now goes to the night shift (a repeat panic merges into the open alarm, so ask the roster directly).
    const route = await t.services.duty.routeOf(U.universityId, t.clock.now());
    assert.deepEqual(route?.leaders, [{ id: ids.lead_night, name: '钱队' }]);
  });
  it('sends the guards rostered now on gatehouse and patrol posts, by their phone position; without a guard roster, any guard with a position', async () => {
    // 20:05 on April 10: the gatehouse's middle shift (16:00–24:00).
    const director = await t.login(U.users.security_director.username);
    const gate = json(await t.call(director, 'POST', '/api/duty/posts', { name: '东门岗亭', kind: 'gatehouse', commandCentre: false, pattern: '3x8', sort: 2 }));
    assert.equal((await t.call(director, 'POST', '/api/duty/assignments', { postId: gate.id, accountId: U.users.guard.id, date: '2026-04-10', shift: 'middle' })).statusCode, 201);
    const other = await t.services.accounts.create(SYSTEM_ACTOR, { username: 'guard2_h', displayName: '未排班保安', password: 'test-password-1', role: 'guard', universityId: U.universityId });
    const asGuard = (id: string, name: string, uni: string) => ({ id, username: name, displayName: name, role: 'guard' as const, universityId: uni });
    // The unrostered guard stands right at the device, the rostered one 300 m off.
    await t.services.dispatches.reportPosition(asGuard(other.id, 'guard2_h', U.universityId), { lon: 121.5, lat: 31.3 });
    await t.services.dispatches.reportPosition(asGuard(U.users.guard.id, U.users.guard.username, U.universityId), { lon: 121.503, lat: 31.3 });
    const nearest = await t.services.dispatches.nearestGuards(U.universityId, 121.5, 31.3, 5);
    assert.deepEqual(nearest.map((g) => g.id), [U.users.guard.id], 'only the guard on duty by the roster');
    assert.ok(nearest[0]!.distanceM! > 250 && nearest[0]!.distanceM! < 350);
    // University I keeps no guard roster: the guard with a fresh position is on duty, as before.
    await t.services.dispatches.reportPosition(asGuard(V.users.guard.id, V.users.guard.username, V.universityId), { lon: 121.43, lat: 31.03 });
    assert.deepEqual((await t.services.dispatches.nearestGuards(V.universityId, 121.43, 31.03, 5)).map((g) => g.id), [V.users.guard.id]);
  });
});
