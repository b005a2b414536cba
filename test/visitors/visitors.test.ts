/**
 * Visitors (issue 14 item 4): registration with field errors, approval by the security office
 * only, a pass valid in its window [from, to) and at its gates only (one ms either side),
 * check-in and out by a guard's scan and by a QR reader's access event, refused passes logged with
 * the reason, an overstay reported once, phone and id number masked in every answer, and the
 * commission seeing no visitors. Time is the injected ManualClock's, never the wall clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { PASS_TOKEN_PATTERN } from '../../src/shared/visitors.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { judgePass, newPassToken } from '../../src/server/modules/visitors/index.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

/** Beijing wall-clock time → UTC instant. */
const bj = (iso: string) => Date.parse(`${iso}+08:00`);
const iso = (ms: number) => new Date(ms).toISOString();

const PHONE = '13912345678';
const ID_NUMBER = '11010519491231002X';

describe('visitor pass judgement', () => {
  const from = bj('2026-03-02T14:00:00');
  const to = bj('2026-03-02T17:00:00');
  const visit = { state: 'approved' as const, window_from: iso(from), window_to: iso(to), gateIds: ['south'] };
  const at = (atMs: number, gateId = 'south', direction: 'in' | 'out' = 'in') => judgePass(visit, { gateId, direction, atMs });

  it('lets an approved visitor in from the window’s first ms to its last, at its gates only', () => {
    assert.equal(at(from - 1), 'not_yet_valid');
    assert.equal(at(from), null);
    assert.equal(at(to - 1), null);
    assert.equal(at(to), 'expired');
    assert.equal(at(from + 1, 'north'), 'wrong_gate');
    assert.equal(at(from, 'south', 'out'), 'not_inside');
  });

  it('refuses passes of visits not approved, and lets out whoever is inside at any gate and time', () => {
    for (const state of ['rejected', 'cancelled', 'expired', 'checked_out'] as const) assert.equal(judgePass({ ...visit, state }, { gateId: 'south', direction: 'in', atMs: from }), state);
    assert.equal(judgePass({ ...visit, state: 'pending' }, { gateId: 'south', direction: 'in', atMs: from }), 'not_approved');
    assert.equal(judgePass({ ...visit, state: 'checked_in' }, { gateId: 'north', direction: 'out', atMs: to + 3_600_000 }), null);
    assert.equal(judgePass({ ...visit, state: 'checked_in' }, { gateId: 'south', direction: 'in', atMs: from }), 'already_inside');
  });

  it('makes tokens that are random, not derived from anything shown', () => {
    const a = newPassToken();
    assert.match(a, new RegExp(PASS_TOKEN_PATTERN));
    assert.notEqual(a, newPassToken());
  });
});

describe('visitors', () => {
  const clock = new ManualClock(bj('2026-03-02T10:00:00'));
  let t: TestApp;
  let U: UniversityFixture;
  let south: string;
  let east: string;
  let seq = 0;

  const body = (over: Record<string, unknown> = {}) => ({
    visitorName: '刘洋',
    visitorPhone: PHONE,
    visitorIdNumber: ID_NUMBER,
    plate: '沪A 88888',
    reason: '参加学术讲座',
    campusId: U.campusId,
    windowFrom: iso(bj('2026-03-02T14:00:00')),
    windowTo: iso(bj('2026-03-02T17:00:00')),
    gateIds: [south],
    ...over,
  });

  /** An access event from a QR reader, stamped with the test clock. */
  async function readerSays(kind: 'access.granted' | 'access.denied', deviceId: string, token: string, direction?: 'in' | 'out') {
    const now = clock.nowIso();
    const payload = { credentialType: 'qr', credentialId: token, ...(direction ? { direction } : {}), ...(kind === 'access.denied' ? { reason: 'no_permission' } : {}) };
    const e = { id: '', source: 'mqtt', sourceEventId: `qr-${++seq}`, orgId: U.universityId, deviceId, kind, severity: kind === 'access.denied' ? 'minor' : 'info', occurredAt: now, receivedAt: now, payload } as DeviceEvent;
    await t.services.writer.append(e);
    await t.services.writer.idle();
    await t.services.visitorGate.settled();
    return e.id;
  }

  async function approvedVisit(over: Record<string, unknown> = {}) {
    const operator = await t.login(U.users.operator.username);
    const created = json(await t.call(operator, 'POST', '/api/visits', body(over)));
    assert.ok(created.id, JSON.stringify(created));
    const approved = await t.call(await t.login(U.users.security_director.username), 'POST', `/api/visits/${created.id}/approve`, {});
    assert.equal(approved.statusCode, 200, approved.body);
    const pass = json(await t.call(operator, 'GET', `/api/visits/${created.id}/pass`));
    return { id: created.id as string, token: pass.token as string };
  }

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'VS');
    south = (await t.services.devices.create(SYSTEM_ACTOR, { name: '南门人行闸机', kind: 'turnstile', campusId: U.campusId })).id;
    east = (await t.services.devices.create(SYSTEM_ACTOR, { name: '东门门禁', kind: 'door', campusId: U.campusId })).id;
  });
  after(() => t?.close());

  it('answers 400 naming each offending field', async () => {
    const operator = await t.login(U.users.operator.username);
    let res = await t.call(operator, 'POST', '/api/visits', body({ visitorName: undefined }));
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].field, 'visitorName');
    res = await t.call(operator, 'POST', '/api/visits', body({ visitorPhone: '12345', visitorIdNumber: '110105194912310021', plate: 'XY123', windowTo: iso(bj('2026-03-02T13:00:00')), gateIds: [south, U.deviceId] }));
    assert.equal(res.statusCode, 400);
    const fields = json(res).details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ['gateIds[1]', 'plate', 'visitorIdNumber', 'visitorPhone', 'windowTo'], 'every problem at once');
    res = await t.call(operator, 'POST', '/api/visits', body({ gateIds: [south, U.deviceId] }));
    assert.equal(res.statusCode, 400);
    assert.deepEqual(json(res).details.map((d: { field: string }) => d.field), ['gateIds[1]'], 'a camera is not a gate');
    res = await t.call(operator, 'POST', '/api/visits', body({ windowFrom: iso(bj('2026-03-02T08:00:00')), windowTo: iso(bj('2026-03-02T09:00:00')) }));
    assert.deepEqual(json(res).details.map((d: { field: string }) => d.field), ['windowTo'], 'a window in the past');
    res = await t.call(operator, 'POST', '/api/visits', body({ windowTo: iso(bj('2026-03-06T14:00:00')) }));
    assert.equal(json(res).details[0].rule, 'maximum');
    res = await t.call(operator, 'POST', '/api/visits', body({ campusId: U.buildingId }));
    assert.equal(json(res).details[0].field, 'campusId');
  });

  it('registers a visit with phone and id number masked everywhere; only the security office approves; the pass exists once approved', async () => {
    const operator = await t.login(U.users.operator.username);
    const res = await t.call(operator, 'POST', '/api/visits', body());
    assert.equal(res.statusCode, 201, res.body);
    const v = json(res);
    assert.deepEqual([v.state, v.visitorPhone, v.visitorIdNumber, v.plate, v.hostName, v.gateNames], ['pending', '139****5678', '1101**********002X', '沪A88888', 'operator VS', ['南门人行闸机']]);
    assert.equal((await t.call(operator, 'GET', `/api/visits/${v.id}/pass`)).statusCode, 400, 'no pass before approval');
    assert.equal((await t.call(operator, 'POST', `/api/visits/${v.id}/approve`, {})).statusCode, 403, 'hosts do not approve');
    assert.equal((await t.call(await t.login(U.users.guard.username), 'POST', `/api/visits/${v.id}/approve`, {})).statusCode, 403, 'guards do not approve');
    const director = await t.login(U.users.security_director.username);
    const approved = json(await t.call(director, 'POST', `/api/visits/${v.id}/approve`, { note: '已核实' }));
    assert.deepEqual([approved.state, approved.decidedBy, approved.decisionNote], ['approved', 'security_director VS', '已核实']);
    assert.equal((await t.call(director, 'POST', `/api/visits/${v.id}/approve`, {})).statusCode, 400, 'approved once');
    const pass = json(await t.call(operator, 'GET', `/api/visits/${v.id}/pass`));
    assert.match(pass.token, new RegExp(PASS_TOKEN_PATTERN));
    assert.ok(!pass.token.includes(v.id));
    const answers = [
      (await t.call(operator, 'GET', '/api/visits?view=today')).body,
      (await t.call(operator, 'GET', `/api/visits/${v.id}`)).body,
      (await t.call(operator, 'GET', `/api/visits/${v.id}/log`)).body,
      (await t.call(await t.login(U.users.auditor.username), 'GET', '/api/audit?entityType=visit')).body,
    ];
    for (const a of answers) {
      assert.ok(!a.includes(PHONE) && !a.includes(ID_NUMBER), `a raw number in ${a.slice(0, 200)}`);
      assert.ok(!a.includes(pass.token), 'the token only through /pass');
    }
    assert.match(answers[0]!, /139\*\*\*\*5678/);
  });

  it('checks a visitor in and out by a guard’s scan, within the window and at the pass’s gates only, logging every refusal', async () => {
    const { id, token } = await approvedVisit();
    const guard = await t.login(U.users.guard.username);
    const scan = async (gateId: string, direction: 'in' | 'out') => json(await t.call(guard, 'POST', '/api/visit-passes/scan', { token, gateId, direction }));
    clock.set(bj('2026-03-02T14:00:00') - 1);
    assert.deepEqual([(await scan(south, 'in')).accepted, (await scan(south, 'in')).refusal], [false, 'not_yet_valid']);
    clock.advance(1);
    assert.equal((await scan(east, 'in')).refusal, 'wrong_gate');
    const inside = await scan(south, 'in');
    assert.deepEqual([inside.accepted, inside.visit.state, inside.visit.checkedInAt], [true, 'checked_in', clock.nowIso()]);
    assert.equal((await scan(south, 'in')).refusal, 'already_inside');
    assert.equal((await t.call(guard, 'GET', '/api/visits?view=on_campus')).body.includes(id), true);
    clock.advance(3_600_000);
    const out = json(await t.call(guard, 'POST', `/api/visits/${id}/check-out`, { gateId: east }));
    assert.deepEqual([out.accepted, out.visit.state], [true, 'checked_out']);
    assert.equal((await scan(south, 'in')).refusal, 'checked_out', 'a pass is used once');
    const log = json(await t.call(guard, 'GET', `/api/visits/${id}/log`));
    assert.deepEqual(
      log.map((l: { action: string; refusal: string | null }) => `${l.action}${l.refusal ? `:${l.refusal}` : ''}`),
      ['registered', 'approved', 'refused:not_yet_valid', 'refused:not_yet_valid', 'refused:wrong_gate', 'checked_in', 'refused:already_inside', 'checked_out', 'refused:checked_out'],
    );
    assert.equal(log.find((l: { action: string }) => l.action === 'checked_in').deviceName, '南门人行闸机');
    assert.equal((await t.call(guard, 'POST', '/api/visit-passes/scan', { token: 'XAV1-nope', gateId: south, direction: 'in' })).statusCode, 404);
    assert.equal((await t.call(guard, 'POST', '/api/visit-passes/scan', { token, gateId: U.deviceId, direction: 'in' })).json().details[0].field, 'gateId');
  });

  it('checks a visitor in and out from a QR reader’s access events; refuses the pass at the last ms past its window and at other gates; reports an overstay once', async () => {
    clock.set(bj('2026-03-03T09:00:00'));
    const { id, token } = await approvedVisit({ windowFrom: iso(bj('2026-03-03T09:00:00')), windowTo: iso(bj('2026-03-03T11:00:00')), gateIds: [south] });
    const state = async () => (await t.services.visitors.get(SYSTEM_ACTOR, id)).state;
    await readerSays('access.granted', east, token, 'in');
    assert.equal(await state(), 'approved', 'the east door is not on the pass');
    await readerSays('access.denied', south, token, 'in');
    assert.equal(await state(), 'approved', 'a reader’s own refusal is recorded, nothing more');
    // People's QR codes at the same reader are not visitor passes.
    await readerSays('access.granted', south, 'Q123456789012', 'in');
    await readerSays('access.granted', south, token); // no direction: a visitor not inside is coming in
    assert.equal(await state(), 'checked_in');
    const log = await t.services.visitors.log(SYSTEM_ACTOR, id);
    assert.deepEqual(log.slice(2).map((l) => [l.action, l.refusal, l.actorName, l.deviceId]), [
      ['refused', 'wrong_gate', null, east],
      ['refused', null, null, south],
      ['checked_in', null, null, south],
    ]);
    assert.equal(log[3]!.note, 'reader: no_permission');

    clock.set(bj('2026-03-03T11:00:00') - 1);
    assert.equal((await t.services.visitorGate.sweep()).overstays, 0, 'still inside its window at its last ms');
    clock.advance(1);
    assert.equal((await t.services.visitorGate.sweep()).overstays, 1);
    clock.advance(60_000);
    assert.equal((await t.services.visitorGate.sweep()).overstays, 0, 'reported once');
    await t.services.writer.idle();
    const events = await t.store.db.selectFrom('events').selectAll().where('kind', '=', 'visitor.overstay').execute();
    assert.equal(events.length, 1);
    assert.equal(events[0]!.device_id, south, 'at the gate the visitor came in by');
    const payload = typeof events[0]!.payload === 'string' ? JSON.parse(events[0]!.payload) : events[0]!.payload;
    assert.deepEqual(payload, { visitId: id, visitorName: '刘洋', hostName: 'operator VS', windowTo: iso(bj('2026-03-03T11:00:00')) });
    assert.equal((await t.services.visitors.get(SYSTEM_ACTOR, id)).overstaying, true);
    await readerSays('access.granted', east, token, 'out');
    assert.equal(await state(), 'checked_out', 'let out at any gate, after the window too');
  });

  it('expires an approved visit nobody used; rejects, and lets only the host or the office cancel', async () => {
    clock.set(bj('2026-03-04T09:00:00'));
    const unused = await approvedVisit({ windowFrom: iso(bj('2026-03-04T09:00:00')), windowTo: iso(bj('2026-03-04T10:00:00')) });
    clock.set(bj('2026-03-04T10:00:00'));
    assert.equal((await t.services.visitorGate.sweep()).expired, 1);
    assert.equal((await t.services.visitors.get(SYSTEM_ACTOR, unused.id)).state, 'expired');
    const revoked = await approvedVisit({ windowFrom: iso(bj('2026-03-04T11:00:00')), windowTo: iso(bj('2026-03-04T12:00:00')) });
    const director = await t.login(U.users.security_director.username);
    assert.equal(json(await t.call(director, 'POST', `/api/visits/${revoked.id}/reject`, { note: '来访人信息不实' })).state, 'rejected');
    clock.set(bj('2026-03-04T11:30:00'));
    const guard = await t.login(U.users.guard.username);
    assert.equal(json(await t.call(guard, 'POST', '/api/visit-passes/scan', { token: revoked.token, gateId: south, direction: 'in' })).refusal, 'rejected');
    const operator = await t.login(U.users.operator.username);
    const mine = json(await t.call(operator, 'POST', '/api/visits', body({ windowFrom: iso(bj('2026-03-05T09:00:00')), windowTo: iso(bj('2026-03-05T10:00:00')) })));
    assert.equal((await t.call(guard, 'POST', `/api/visits/${mine.id}/cancel`)).statusCode, 403, 'not the guard’s visit');
    assert.equal(json(await t.call(operator, 'POST', `/api/visits/${mine.id}/cancel`)).state, 'cancelled');
    assert.deepEqual(json(await t.call(operator, 'GET', '/api/visits?view=pending')).items, []);
  });

  it('shows the commission no visitors', async () => {
    const analyst = await t.services.accounts.create(SYSTEM_ACTOR, { username: 'vs-analyst', displayName: '市教委', password: 'analyst-password-1', role: 'commission_analyst', universityId: null });
    const cookie = await t.login(analyst.username, 'analyst-password-1');
    for (const url of ['/api/visits', '/api/visits/gates']) assert.equal((await t.call(cookie, 'GET', url)).statusCode, 403, url);
    const any = (await t.services.visitors.list(SYSTEM_ACTOR, {})).items[0]!;
    for (const url of [`/api/visits/${any.id}`, `/api/visits/${any.id}/pass`]) assert.equal((await t.call(cookie, 'GET', url)).statusCode, 403, url);
  });
});
