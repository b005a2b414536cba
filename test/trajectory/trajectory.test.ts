/**
 * Trajectories (全程可溯, issue 14) on the real store: a person's sightings in time order and
 * complete (person id, card and face), a card reassigned to someone else leaves the first
 * person's trajectory when it changes hands, partial plates and names give candidates, every
 * query needs a reason and is audited, only the security director may ask, the backfill of
 * older events is idempotent, and who is on campus now / per gate per hour. Injected clock only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent, EventKind } from '../../src/shared/events.ts';
import type { Candidate, GateTraffic, OnCampus, Trajectory } from '../../src/shared/trajectory.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { subjectsOf } from '../../src/server/modules/trajectory/index.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, PASSWORD, square, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

/** Beijing wall-clock time → UTC instant. */
const bj = (iso: string) => Date.parse(`${iso}+08:00`);
const MIN = 60_000;
const REASON = '学生家长报失联，核查行踪';

describe('trajectories', () => {
  const clock = new ManualClock(bj('2026-03-02T06:00:00')); // a Monday morning
  let t: TestApp;
  let U: UniversityFixture;
  let director: string;
  let operator: string;
  let analyst: string;
  const dev: Record<'turnstile' | 'dorm' | 'teaching' | 'canteen' | 'face' | 'lpr' | 'patrol', string> = {} as never;
  let alice: string;
  let bob: string;
  let seq = 0;

  /** Stores one event at the clock's instant, through the writer (as ingest does), and waits for its sightings. */
  async function event<K extends EventKind>(deviceId: string, kind: K, payload: DeviceEvent<K>['payload']): Promise<string> {
    const now = clock.nowIso();
    const e = { id: '', source: 'mqtt', sourceEventId: `t-${++seq}`, orgId: U.universityId, deviceId, kind, severity: 'info', occurredAt: now, receivedAt: now, payload } as DeviceEvent;
    await t.services.writer.append(e);
    await t.services.writer.idle();
    await t.services.sightings.settled();
    return e.id;
  }
  const card = (deviceId: string, cardNo: string, direction?: 'in' | 'out', personId?: string) =>
    event(deviceId, 'access.granted', { credentialType: 'card', credentialId: cardNo, ...(personId ? { personId } : {}), ...(direction ? { direction } : {}) });
  const query = (cookie: string, body: Record<string, unknown>) => t.call(cookie, 'POST', '/api/trajectory', { reason: REASON, ...body });

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'TJ', 121.5, 31.3);
    const admin = SYSTEM_ACTOR;
    const building = async (name: string, lon: number) => (await t.services.org.createUnit(admin, { kind: 'building', parentId: U.campusId, name, geometry: square(lon, 31.3) })).id;
    const dorm = await building('学生宿舍3号楼', 121.501);
    const canteen = await building('第一食堂', 121.503);
    const device = async (name: string, kind: 'door' | 'turnstile' | 'lpr_camera' | 'camera' | 'patrol_checkpoint', lon: number, buildingId?: string) =>
      (
        await t.services.devices.create(admin, {
          name,
          kind,
          ...(buildingId ? { buildingId } : { campusId: U.campusId }),
          lon,
          lat: 31.3,
          ...(kind === 'camera' || kind === 'lpr_camera' ? { camera: { resolution: '1080p', type: 'fixed', bearingDeg: 0, fovDeg: 60, rangeM: 20 } } : {}),
        })
      ).id;
    dev.turnstile = await device('南门 人行闸机1', 'turnstile', 121.4995);
    dev.dorm = await device('学生宿舍3号楼 门禁（进）', 'door', 121.501, dorm);
    dev.teaching = await device('教学楼TJ 东门门禁', 'door', 121.5, U.buildingId);
    dev.face = await device('教学楼TJ 大厅人脸抓拍', 'camera', 121.5001, U.buildingId);
    dev.canteen = await device('第一食堂 门禁', 'door', 121.503, canteen);
    dev.lpr = await device('南门 1号车道（入）车牌识别', 'lpr_camera', 121.4994);
    dev.patrol = await device('巡更点 TJ-001', 'patrol_checkpoint', 121.502);

    alice = (await t.services.people.create(admin, { universityId: U.universityId, kind: 'student', name: '张三', number: '2025000001' })).id;
    bob = (await t.services.people.create(admin, { universityId: U.universityId, kind: 'student', name: '张三丰', number: '2025000002' })).id;
    await t.services.people.create(admin, { universityId: U.universityId, kind: 'staff', name: '李四', number: 'T10001' });
    await t.services.people.addCredential(admin, alice, { kind: 'card', value: '3000000001' });
    await t.services.people.addCredential(admin, alice, { kind: 'face', value: 'face-alice' });

    director = await t.login(U.users.security_director.username);
    operator = await t.login(U.users.operator.username);
    await t.services.accounts.create(admin, { username: 'analyst', displayName: '分析员', password: PASSWORD, role: 'commission_analyst' });
    analyst = await t.login('analyst');
  });
  after(() => t?.close());

  it('derives the subjects of an event: person id, credential, plate, guard; none for other kinds', () => {
    assert.deepEqual(subjectsOf({ kind: 'access.granted', payload: { credentialType: 'card', credentialId: ' 30ab ', personId: 'p1', direction: 'in' } }), [
      { key: 'person:p1', direction: 'in' },
      { key: 'card:30AB', direction: 'in' },
    ]);
    assert.deepEqual(subjectsOf({ kind: 'plate.read', payload: { plate: '沪a·12345', colour: 'blue', direction: 'out', confidence: 0.9 } }), [{ key: 'plate:沪A12345', direction: 'out' }]);
    assert.deepEqual(subjectsOf({ kind: 'patrol.checkin', payload: { guardId: 'g1' } }), [{ key: 'guard:g1', direction: null }]);
    assert.deepEqual(subjectsOf({ kind: 'access.granted', payload: { credentialType: 'remote', credentialId: '沪A12345' } }), [], 'a barrier opened remotely is the plate read’s, not a sighting of its own');
    assert.deepEqual(subjectsOf({ kind: 'door.forced', payload: {} }), []);
  });

  const day: string[] = [];
  it('follows a person through the day in time order, by card, person id and face, with each device’s place', async () => {
    clock.set(bj('2026-03-02T07:10:00'));
    day.push(await card(dev.dorm, '3000000001', 'out'));
    clock.advance(10 * MIN);
    day.push(await card(dev.turnstile, '3000000001', 'in', alice));
    clock.advance(20 * MIN);
    day.push(await event(dev.teaching, 'access.granted', { credentialType: 'face', credentialId: 'face-alice', direction: 'in' }));
    clock.advance(MIN);
    day.push(await event(dev.face, 'face.match', { personId: alice, similarity: 0.93 }));
    // Someone else at the same doors meanwhile: not in her trajectory.
    await card(dev.teaching, '3000000099', 'in');
    clock.set(bj('2026-03-02T11:50:00'));
    day.push(await card(dev.canteen, '3000000001'));
    clock.set(bj('2026-03-02T12:30:00'));

    const res = await query(director, { type: 'person', value: alice });
    assert.equal(res.statusCode, 200, res.body);
    const tr = json<Trajectory>(res);
    assert.equal(tr.label, '张三（2025000001）');
    assert.equal(tr.from, new Date(bj('2026-03-01T12:30:00')).toISOString(), 'the last 24 hours by default');
    assert.deepEqual(
      tr.sightings.map((s) => s.eventId),
      day,
      'every sighting, once each, in time order',
    );
    assert.deepEqual(
      tr.sightings.map((s) => s.via),
      ['card', 'person', 'face', 'person', 'card'],
    );
    const [dormPass, gate, , , lunch] = tr.sightings;
    assert.equal(dormPass!.deviceName, '学生宿舍3号楼 门禁（进）');
    assert.equal(dormPass!.buildingName, '学生宿舍3号楼');
    assert.equal(dormPass!.campusName, '校区TJ');
    assert.equal(dormPass!.direction, 'out');
    assert.equal(gate!.deviceKind, 'turnstile');
    assert.equal(lunch!.buildingName, '第一食堂');
    assert.equal(lunch!.lon, 121.503);
    assert.equal(lunch!.lat, 31.3);
    assert.ok(!res.body.includes('3000000001'), 'card numbers leave masked');
    assert.deepEqual(
      tr.credentials.map((c) => c.kind),
      ['card', 'face'],
    );
  });

  it('follows a card only while the person held it: reissued to someone else, its later sightings are theirs', async () => {
    const [cred] = (await t.services.people.withCredentialHistory(SYSTEM_ACTOR, alice)).credentials.filter((c) => c.kind === 'card');
    clock.set(bj('2026-03-02T13:00:00'));
    await t.services.people.revokeCredential(SYSTEM_ACTOR, alice, cred!.id);
    clock.advance(MIN);
    await t.services.people.addCredential(SYSTEM_ACTOR, bob, { kind: 'card', value: '3000000001' });
    clock.advance(10 * MIN);
    const bobs = await card(dev.canteen, '3000000001');
    clock.advance(10 * MIN);

    const a = json<Trajectory>(await query(director, { type: 'person', value: alice }));
    assert.deepEqual(
      a.sightings.map((s) => s.eventId),
      day,
      'nothing after the card changed hands',
    );
    const b = json<Trajectory>(await query(director, { type: 'person', value: bob }));
    assert.deepEqual(
      b.sightings.map((s) => s.eventId),
      [bobs],
      'the card’s sightings before Bob had it are not his',
    );
    const c = json<Trajectory>(await query(director, { type: 'card', value: '3000000001' }));
    assert.deepEqual(
      c.sightings.map((s) => s.eventId),
      [day[0], day[1], day[4], bobs],
    );
    assert.deepEqual(
      c.holders.map((h) => h.name),
      ['张三', '张三丰'],
    );
    assert.equal(c.label, '30******01');
  });

  it('offers candidates for the start of a plate and part of a name; follows a plate in and out', async () => {
    clock.set(bj('2026-03-02T14:00:00'));
    const inId = await event(dev.lpr, 'plate.read', { plate: '沪A12345', colour: 'blue', direction: 'in', confidence: 0.97 });
    await event(dev.lpr, 'plate.read', { plate: '沪A12399', colour: 'blue', direction: 'in', confidence: 0.97 });
    await event(dev.lpr, 'plate.read', { plate: '沪B00001', colour: 'blue', direction: 'in', confidence: 0.97 });
    clock.advance(3 * 60 * MIN);
    const outId = await event(dev.lpr, 'plate.read', { plate: '沪A12345', colour: 'blue', direction: 'out', confidence: 0.95 });

    const plates = json<Candidate[]>(await t.call(director, 'GET', `/api/trajectory/candidates?type=plate&q=${encodeURIComponent('沪a12')}`));
    assert.deepEqual(plates.map((c) => c.value).sort(), ['沪A12345', '沪A12399']);
    const names = json<Candidate[]>(await t.call(director, 'GET', `/api/trajectory/candidates?type=person&q=${encodeURIComponent('张三')}`));
    assert.deepEqual(
      names.map((c) => c.label),
      ['张三', '张三丰'],
    );
    assert.equal(names[0]!.value, alice);

    const tr = json<Trajectory>(await query(director, { type: 'plate', value: '沪A·12345' }));
    assert.deepEqual(
      tr.sightings.map((s) => [s.eventId, s.direction]),
      [
        [inId, 'in'],
        [outId, 'out'],
      ],
    );
  });

  it('needs a reason, a sound period and a known subject, each refused with 400 naming the field', async () => {
    const field = async (body: Record<string, unknown>) => {
      const res = await t.call(director, 'POST', '/api/trajectory', body);
      assert.equal(res.statusCode, 400, res.body);
      return json(res).details[0].field as string;
    };
    assert.equal(await field({ type: 'person', value: alice }), 'reason');
    assert.equal(await field({ type: 'person', value: alice, reason: ' 看看 ' }), 'reason');
    assert.equal(await field({ type: 'person', value: alice, reason: REASON, from: '2026-03-02T10:00:00Z', to: '2026-03-01T10:00:00Z' }), 'from');
    assert.equal(await field({ type: 'person', value: alice, reason: REASON, from: '2026-01-01T00:00:00Z', to: '2026-03-02T00:00:00Z' }), 'from');
    assert.equal(await field({ type: 'person', value: alice, reason: REASON, to: 'yesterday' }), 'to');
    assert.equal(await field({ type: 'vehicle', value: 'x', reason: REASON }), 'type');
    assert.equal(await field({ type: 'visitor', value: 'no-such-visit', reason: REASON }), 'value');
    assert.equal(await field({ type: 'plate', value: '!!', reason: REASON }), 'value');
    assert.equal(await field({ type: 'card', value: 'zz-12', reason: REASON }), 'value');
    assert.equal((await query(director, { type: 'person', value: 'nobody' })).statusCode, 404);
  });

  it('writes every query to the audit log: who, whom, the period and the reason', async () => {
    const from = '2026-03-02T00:00:00.000Z';
    const to = '2026-03-02T08:00:00.000Z';
    const res = await query(director, { type: 'person', value: alice, from, to });
    assert.equal(res.statusCode, 200);
    const rows = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'trajectory.query').orderBy('id').execute();
    const last = rows[rows.length - 1]!;
    const afterJson = (typeof last.after === 'string' ? JSON.parse(last.after) : last.after) as Record<string, unknown>;
    assert.equal(last.actor_id, U.users.security_director.id);
    assert.equal(last.entity_id, alice);
    assert.equal(last.university_id, U.universityId);
    assert.deepEqual(afterJson, { type: 'person', personId: alice, name: '张三', number: '2025000001', from, to, reason: REASON });
    const cardRow = rows.find((r) => r.entity_type === 'card')!;
    assert.ok(cardRow && !JSON.stringify(cardRow.after).includes('3000000001'), 'the card number is audited masked');
    // Refused queries (400) leave no entry: no sightings were read.
    assert.equal(rows.length, 6, 'six answered queries so far');
  });

  it('is the security director’s: operators and the commission are refused (403)', async () => {
    for (const cookie of [operator, analyst]) {
      assert.equal((await query(cookie, { type: 'person', value: alice })).statusCode, 403);
      assert.equal((await t.call(cookie, 'GET', '/api/trajectory/candidates?type=person&q=%E5%BC%A0')).statusCode, 403);
      assert.equal((await t.call(cookie, 'GET', '/api/trajectory/on-campus')).statusCode, 403);
    }
    const me = json(await t.call(director, 'GET', '/api/auth/me'));
    assert.ok(me.permissions.includes('trajectory.read'));
  });

  it('counts people on campus by their last entrance pass, and entries/exits per gate per Beijing hour', async () => {
    clock.set(bj('2026-03-02T18:00:00'));
    await card(dev.turnstile, '3000000001', 'in', bob);
    await card(dev.turnstile, '3000000077', 'in');
    clock.advance(5 * MIN);
    await card(dev.turnstile, '3000000077', 'out');
    const now = json<OnCampus>(await t.call(director, 'GET', '/api/trajectory/on-campus'));
    assert.equal(now.people.inside, 2, 'Alice (in at 07:20) and Bob; the unknown card went out again');
    assert.deepEqual(now.people.byKind, { student: 2 });
    assert.equal(now.vehicles.inside, 0, 'no listed vehicle (from the vehicles module)');
    const traffic = json<GateTraffic>(await t.call(director, 'GET', '/api/trajectory/gate-traffic?date=2026-03-02'));
    const people = traffic.people.map((h) => [h.deviceName, h.hour, h.in, h.out]);
    assert.deepEqual(people, [
      ['南门 人行闸机1', 7, 1, 0],
      ['南门 人行闸机1', 18, 2, 1],
    ]);
    assert.deepEqual(
      traffic.vehicles.map((h) => [h.hour, h.in, h.out]),
      [
        [14, 3, 0],
        [17, 0, 1],
      ],
    );
    const bad = await t.call(director, 'GET', '/api/trajectory/gate-traffic?date=2026-02-30');
    assert.equal(bad.statusCode, 400);
    assert.equal(json(bad).details[0].field, 'date');
  });

  it('backfills events stored before the index existed, and doing it again changes nothing', async () => {
    const count = async () => Number((await t.store.db.selectFrom('sightings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    // Events as an older version stored them: in the log, no sightings.
    clock.set(bj('2026-03-02T20:00:00'));
    const old = ['3000000501', '3000000502', '3000000503'].map((cardNo, i) => ({
      id: `019cadd0-0000-7000-8000-00000000000${i}`,
      university_id: U.universityId,
      device_id: dev.dorm,
      source: 'mqtt',
      source_event_id: `old-${i}`,
      kind: 'access.granted',
      severity: 'info',
      occurred_at: new Date(clock.now() + i * MIN).toISOString(),
      received_at: new Date(clock.now() + i * MIN).toISOString(),
      subject: null,
      payload: JSON.stringify({ credentialType: 'card', credentialId: cardNo, direction: 'in' }),
    }));
    await t.store.db.insertInto('events').values(t.store.dialect === 'postgres' ? old.map((r) => ({ ...r, payload: JSON.parse(r.payload) })) : old).execute();
    assert.equal(await count(), before);
    await t.services.sightings.backfill();
    assert.equal(await count(), before + 3);
    // Again from the start (a lost position, a replay): the same rows.
    await t.store.db.deleteFrom('sighting_backfill').execute();
    const read = await t.services.sightings.backfill();
    assert.ok(read >= 3);
    assert.equal(await count(), before + 3);
    const c = json<Trajectory>(await query(director, { type: 'card', value: '3000000502', from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' }));
    assert.equal(c.sightings.length, 1);
  });

  it('follows a visitor by the visit: the pass at the gates (reader or guard) and the car, and finds the visit by name', async () => {
    clock.set(bj('2026-03-02T21:00:00'));
    const window = { windowFrom: new Date(bj('2026-03-02T21:00:00')).toISOString(), windowTo: new Date(bj('2026-03-02T23:00:00')).toISOString() };
    const created = json(await t.call(operator, 'POST', '/api/visits', { visitorName: '王访客', visitorPhone: '13800138000', plate: '沪B77777', reason: '学术交流', campusId: U.campusId, gateIds: [dev.turnstile, dev.teaching], ...window }));
    assert.ok(created.id, JSON.stringify(created));
    assert.equal((await t.call(director, 'POST', `/api/visits/${created.id}/approve`, {})).statusCode, 200);
    const token = json(await t.call(operator, 'GET', `/api/visits/${created.id}/pass`)).token as string;
    clock.advance(5 * MIN);
    await event(dev.lpr, 'plate.read', { plate: '沪B77777', colour: 'blue', direction: 'in', confidence: 0.95 });
    clock.advance(2 * MIN);
    await event(dev.turnstile, 'access.granted', { credentialType: 'qr', credentialId: token, direction: 'in' });
    await t.services.visitorGate.settled();
    clock.advance(60 * MIN);
    // Out through the teaching building's door, checked out there by a guard by hand (no device event).
    const out = await t.call(operator, 'POST', `/api/visits/${created.id}/check-out`, { gateId: dev.teaching });
    assert.equal(out.statusCode, 200, out.body);
    // Another visitor's pass at the same gate: not in this trajectory.
    await event(dev.turnstile, 'access.granted', { credentialType: 'qr', credentialId: 'VP-someone-else', direction: 'in' });

    const found = json<Candidate[]>(await t.call(director, 'GET', '/api/trajectory/candidates?type=visitor&q=' + encodeURIComponent('王访')));
    assert.deepEqual(found.map((c) => [c.type, c.value, c.label]), [['visitor', created.id, '王访客']]);
    const tr = json<Trajectory>(await query(director, { type: 'visitor', value: created.id, from: '2026-03-02T12:00:00Z', to: '2026-03-02T16:00:00Z' }));
    assert.equal(tr.label, '王访客');
    assert.deepEqual(
      tr.sightings.map((s) => [s.deviceId, s.via, s.direction]),
      [
        [dev.lpr, 'plate', 'in'],
        [dev.turnstile, 'qr', 'in'],
        [dev.teaching, 'visit', 'out'],
      ],
    );
    const audited = await t.store.db.selectFrom('audit_log').select(['entity_id', 'actor_id']).where('action', '=', 'trajectory.query').where('entity_type', '=', 'visit').execute();
    assert.deepEqual(audited, [{ entity_id: created.id, actor_id: U.users.security_director.id }]);
  });
});
