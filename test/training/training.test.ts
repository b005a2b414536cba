/**
 * 培训与演练 (issue 15 items 3 and 6): training sessions with attendance (validated, audited)
 * and each person's yearly record; a drill injected through the real event path, its events and
 * alarm marked as drill, its alarm never reaching alarm statistics, device health or the
 * commission, its linkage kept from the physical world, and its result computed on the injected
 * clock and fed into the operators' training record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { computeDrillResult } from '../../src/server/modules/training/index.ts';
import { SCENARIO_TEMPLATES, type Drill, type TrainingRecords, type TrainingSession } from '../../src/shared/training.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, PASSWORD, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

const bj = (s: string) => new Date(Date.parse(`${s}+08:00`)).toISOString();

describe('drill result arithmetic', () => {
  it('times acknowledging and each step against the targets, and fails a late or missing mandatory step', () => {
    const t = SCENARIO_TEMPLATES.finance_intrusion;
    const at = (s: number) => new Date(Date.parse('2026-03-01T00:00:00Z') + s * 1000).toISOString();
    const log = [
      { at: at(0), actorId: null, actorName: null, action: 'created', toState: 'new', data: null },
      { at: at(45), actorId: 'a', actorName: '甲', action: 'acknowledge', toState: 'acknowledged', data: null },
      { at: at(80), actorId: 'a', actorName: '甲', action: 'sop', toState: null, data: { key: 'video' } },
      { at: at(200), actorId: 'b', actorName: '乙', action: 'sop', toState: null, data: { key: 'dispatch' } },
    ];
    const sop = [
      { key: 'video', title: '调取联动视频', mandatory: true, doneAt: at(80), doneBy: '甲' },
      { key: 'dispatch', title: '派队员', mandatory: true, doneAt: at(200), doneBy: '乙' },
      { key: 'onsite', title: '到场核查', mandatory: true, doneAt: null, doneBy: null },
    ];
    const r = computeDrillResult(t, [{ alarm: { id: 'x', title: '入侵', createdAt: at(0), state: 'acknowledged' }, log, sop }], at(900));
    assert.equal(r.computedAt, at(900));
    assert.equal(r.alarms[0]!.ackS, 45);
    assert.equal(r.alarms[0]!.ackOnTime, true);
    assert.deepEqual(r.alarms[0]!.steps.map((s) => [s.key, s.elapsedS, s.targetS, s.onTime]), [['video', 80, 90, true], ['dispatch', 200, 180, false], ['onsite', null, 600, false]]);
    assert.equal(r.passed, false);
    assert.equal(r.score, 50); // ack and video on time, dispatch late, onsite missing
    assert.deepEqual(r.operators.map((o) => [o.name, o.actions, o.firstActionS]), [['甲', 2, 45], ['乙', 1, 200]]);
    assert.ok(r.problems.some((p) => p.includes('到场核查')));
  });
});

describe('training records and drills', () => {
  const clock = new ManualClock(Date.parse(bj('2026-03-20T23:30:00')));
  let t: TestApp;
  let U: UniversityFixture;
  let V: UniversityFixture;
  let director: string;
  let operator: string;
  let detectorId: string;

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'T');
    V = await createUniversity(t.services, 'W', 121.43, 31.03);
    await t.services.org.createKeySite(SYSTEM_ACTOR, { campusId: U.campusId, buildingId: U.buildingId, name: '学生宿舍1号楼', category: 'dormitory', geometry: { type: 'Polygon', coordinates: [[[121.4999, 31.2999], [121.5001, 31.2999], [121.5001, 31.3001], [121.4999, 31.3001], [121.4999, 31.2999]]] } });
    detectorId = (await t.services.devices.create(SYSTEM_ACTOR, { name: '宿舍1号楼3F烟感', kind: 'fire_detector', areaId: U.areaId, lon: 121.5, lat: 31.3 })).id;
    director = await t.login(U.users.security_director.username);
    operator = await t.login(U.users.operator.username);
  });
  after(() => t.close());

  it('records a session with attendance, audited; checks the people; reads the year’s hours', async () => {
    const body = { title: '消防设施操作培训', kind: 'practical', date: '2026-03-10', hours: 3, trainer: '市消防支队 王教官', attendance: [{ accountId: U.users.operator.id, attended: true, score: 92 }, { accountId: U.users.guard.id, attended: false, remark: '病假' }] };
    const created = await t.call(director, 'POST', '/api/training/sessions', body);
    assert.equal(created.statusCode, 201, created.body);
    const s = json<TrainingSession>(created);
    assert.equal(s.attendance.length, 2);
    const bad = await t.call(director, 'POST', '/api/training/sessions', { ...body, attendance: [{ accountId: V.users.operator.id, attended: true }] });
    assert.equal(bad.statusCode, 400);
    assert.equal(json(bad).details[0].field, 'attendance[0].accountId');
    assert.equal((await t.call(operator, 'POST', '/api/training/sessions', body)).statusCode, 403);
    const records = json<TrainingRecords>(await t.call(operator, 'GET', '/api/training/records?year=2026'));
    assert.equal(records.lines.find((l) => l.accountId === U.users.operator.id)!.hours, 3);
    assert.equal(records.lines.find((l) => l.accountId === U.users.guard.id)!.hours, 0);
    const audit = await t.store.db.selectFrom('audit_log').select(['action']).where('entity_type', '=', 'training_session').where('entity_id', '=', s.id).execute();
    assert.deepEqual(audit.map((a) => a.action), ['create']);
    // Another university's director sees nothing of it.
    const other = await t.login(V.users.security_director.username);
    assert.equal((await t.call(other, 'GET', `/api/training/sessions/${s.id}`)).statusCode, 404);
  });

  it('injects a drill through the event path, marked; keeps it out of statistics, health and the commission; times the operator; records the result', async () => {
    const start = clock.now();
    const res = await t.call(director, 'POST', '/api/training/drills', { scenario: 'dorm_fire_night' });
    assert.equal(res.statusCode, 201, res.body);
    const drill = json<Drill>(res);
    assert.equal(drill.deviceId, detectorId);
    assert.equal(drill.state, 'running');
    assert.equal((await t.call(operator, 'POST', '/api/training/drills', { scenario: 'lost_child' })).statusCode, 403);
    await t.services.writer.idle();
    await t.services.alarmConsumer.settled();
    // The fire event comes 20 s after the smoke, through the job.
    clock.advance(25_000);
    await t.services.training.checkDrills();
    await t.services.writer.idle();
    await t.services.alarmConsumer.settled();

    const events = json<{ items: { source: string; sourceEventId: string; kind: string }[] }>(await t.call(operator, 'GET', `/api/events?deviceId=${detectorId}`)).items;
    assert.deepEqual(events.map((e) => e.kind).sort(), ['fire', 'smoke']);
    assert.ok(events.every((e) => e.source === 'drill' && e.sourceEventId.startsWith(`drill:${drill.id}:`)));
    const alarms = json<{ items: { id: string; drillId: string | null; priority: number }[] }>(await t.call(operator, 'GET', '/api/alarms')).items;
    assert.equal(alarms.length, 1, 'smoke and fire make one drill alarm');
    const alarmId = alarms[0]!.id;
    assert.equal(alarms[0]!.drillId, drill.id);
    assert.equal(alarms[0]!.priority, 1);
    // No door, PTZ or guard linkage was queued for it.
    assert.equal((await t.store.db.selectFrom('pending_actions').select('id').where('alarm_id', '=', alarmId).execute()).length, 0);

    // The operator handles it: acknowledges at 40 s, works the procedure, closes it.
    clock.set(start + 40_000);
    assert.equal((await t.call(operator, 'POST', `/api/alarms/${alarmId}/steps`, { step: 'acknowledge' })).statusCode, 200);
    const steps: { key: string; mandatory: boolean; requires: string }[] = json<{ sop: { key: string; mandatory: boolean; requires: string }[] }>(await t.call(operator, 'GET', `/api/alarms/${alarmId}`)).sop ?? [];
    assert.ok(steps.length > 0, 'the drill alarm has its procedure');
    let s = 60;
    for (const step of steps.filter((x) => x.mandatory)) {
      clock.set(start + s * 1000);
      s += 30;
      const done = await t.call(operator, 'POST', `/api/alarms/${alarmId}/sop/${step.key}`, step.requires === 'note' ? { note: '演练处置' } : {});
      assert.equal(done.statusCode, 200, `${step.key}: ${done.body}`);
    }
    assert.equal((await t.call(operator, 'POST', `/api/alarms/${alarmId}/steps`, { step: 'resolve' })).statusCode, 200);
    const closed = await t.call(operator, 'POST', `/api/alarms/${alarmId}/steps`, { step: 'close' });
    assert.equal(closed.statusCode, 200, closed.body);
    assert.equal(await t.services.training.checkDrills(), 1);

    const done = json<Drill>(await t.call(operator, 'GET', `/api/training/drills/${drill.id}`));
    assert.equal(done.state, 'finished');
    assert.equal(done.result!.computedAt, new Date(clock.now()).toISOString());
    assert.equal(done.result!.alarms[0]!.ackS, 40);
    assert.equal(done.result!.passed, true, JSON.stringify(done.result!.problems));
    assert.deepEqual(done.result!.operators.map((o) => o.accountId), [U.users.operator.id]);
    const record = json<{ line: { drills: number; drillsPassed: number }; sessions: { kind: string; drillId: string | null }[] }>(await t.call(operator, 'GET', `/api/training/records/${U.users.operator.id}?year=2026`));
    assert.equal(record.line.drills, 1);
    assert.equal(record.line.drillsPassed, 1);
    assert.ok(record.sessions.some((x) => x.kind === 'drill' && x.drillId === drill.id));

    // Never in alarm statistics: not the university's, not the city-wide admin's.
    const window = `from=${encodeURIComponent(new Date(start - 3600_000).toISOString())}&to=${encodeURIComponent(new Date(start + 3600_000).toISOString())}`;
    for (const who of [operator, await t.login('admin')]) {
      const stats = json<{ byState: Record<string, number> }>(await t.call(who, 'GET', `/api/alarm-stats?${window}`));
      assert.equal(Object.values(stats.byState).reduce((a, b) => a + b, 0), 0, 'a drill alarm is no statistic');
    }
    assert.equal(json(await t.call(operator, 'GET', `/api/alarm-stats?${window}`)).falseAlarmDevices?.length ?? 0, 0);
    // Nor marks the detector as seen (online rate and device health count real messages only).
    const health = json<Record<string, unknown>>(await t.call(director, 'GET', '/api/device-health'));
    assert.equal(health[detectorId], undefined);
    // The commission reads neither drills, training, alarms nor events.
    await t.services.accounts.create(SYSTEM_ACTOR, { username: 'analyst_t', displayName: '分析员', password: PASSWORD, role: 'commission_analyst' });
    const analyst = await t.login('analyst_t');
    for (const url of [`/api/training/drills?universityId=${U.universityId}`, `/api/training/sessions?universityId=${U.universityId}`, `/api/alarm-stats?universityId=${U.universityId}`, '/api/alarms', '/api/events']) {
      assert.equal((await t.call(analyst, 'GET', url)).statusCode, 403, url);
    }
    // The drill's case number is its own series; the audit log has the start and the finish.
    const caseFile = json<{ caseNo: string }>(await t.call(operator, 'GET', `/api/alarms/${alarmId}`));
    assert.match(caseFile.caseNo, /^YL-/);
    const audit = await t.store.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'drill').where('entity_id', '=', drill.id).orderBy('at').execute();
    assert.deepEqual(audit.map((a) => a.action), ['start', 'finish']);
  });
});
