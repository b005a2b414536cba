/** Scenario: every generated envelope is valid for the platform, content is realistic, time of day matters. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ValidateFunction } from 'ajv';
import { DEVICE_KINDS, type DeviceKind } from '../../../shared/domain.ts';
import { DEVICE_EVENT_KINDS, EVENT_KINDS, IngestEnvelope } from '../../../shared/events.ts';
import { createAjv } from '../../http/validator.ts';
import { doorRole, patrolAreaOf, segmentOf } from './devices.ts';
import { plateForDevice } from './population.ts';
import { BACKGROUND_STREAMS, RARE_STREAMS, Scenario, type ScenarioEvent, type SimDevice } from './scenario.ts';
import { atShanghai } from './timetable.ts';

const ajv = createAjv(false);
const envelopeSchema = ajv.compile(IngestEnvelope);
const payloadSchemas = new Map<string, ValidateFunction>(DEVICE_EVENT_KINDS.map((k) => [k, ajv.compile(EVENT_KINDS[k].payload)]));

/** A small campus named the way the demo university names its devices. */
function campus(): SimDevice[] {
  const out: SimDevice[] = [];
  let n = 0;
  const add = (kind: DeviceKind, name: string, buildingName: string | null = null, campusId = 'campus-yp') =>
    out.push({ id: `dev-${String(++n).padStart(4, '0')}`, kind, name, campusId, buildingId: buildingName ? `b-${buildingName}` : null, buildingName });
  for (const dorm of ['学生宿舍1号楼', '学生宿舍2号楼', '研究生公寓']) {
    add('door', `${dorm} 南门门禁（进）`, dorm);
    add('door', `${dorm} 南门门禁（出）`, dorm);
  }
  add('door', '图书馆 东门门禁', '图书馆');
  add('door', '化学实验楼 北门门禁', '化学实验楼');
  add('door', '行政楼 2F 财务处门禁（主门）', '行政楼');
  add('door', '第一教学楼 后勤通道门禁', '第一教学楼');
  for (const lane of ['1号车道（入）', '2号车道（入）', '3号车道（出）', '4号车道（出）']) {
    add('lpr_camera', `南大门（正门） ${lane}车牌识别`);
    add('barrier_gate', `南大门（正门） ${lane}道闸`);
  }
  add('barrier_gate', '西门 1号车道（入）道闸'); // no LPR at this gate
  for (let i = 1; i <= 4; i++) add('turnstile', `南大门（正门） 人行闸机${i}`);
  for (let i = 1; i <= 20; i++) add('camera', `第一教学楼 ${i}F 走廊 摄像机`, '第一教学楼');
  add('intrusion_zone', '行政楼 2F 财务处 室内双鉴防区', '行政楼');
  add('intrusion_zone', '图书馆 1F 后窗防区1', '图书馆');
  add('perimeter_zone', '周界防区 杨浦-P03（东侧）');
  add('fire_detector', '第一食堂 1F 感温1', '第一食堂');
  add('fire_detector', '图书馆 2F 走廊感烟1', '图书馆');
  add('panic_button', '南大门（正门）门卫室 紧急报警按钮');
  add('recorder', '安防监控中心 NVR-01');
  add('alarm_panel', '行政楼 报警主机', '行政楼');
  for (let i = 1; i <= 24; i++) add('patrol_checkpoint', `巡更点 杨浦-${String(i).padStart(3, '0')} 周界`);
  for (let i = 1; i <= 8; i++) add('patrol_checkpoint', `巡更点 闵行-${String(i).padStart(3, '0')} 周界`, null, 'campus-mh');
  return out;
}

function assertValid(e: ScenarioEvent) {
  const env = e.envelope;
  assert.ok(envelopeSchema(env), `envelope ${JSON.stringify(env)}: ${ajv.errorsText(envelopeSchema.errors)}`);
  const check = payloadSchemas.get(env.kind);
  assert.ok(check, `${env.kind} is a device event kind`);
  assert.ok(check(env.payload ?? {}), `${env.kind} payload ${JSON.stringify(env.payload)}: ${ajv.errorsText(check.errors)}`);
  assert.match(env.occurredAt!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
  assert.ok(env.sourceEventId);
}

const MONDAY = '2026-03-02'; // a teaching week
const SATURDAY = '2026-03-07';
const flat = (x: ScenarioEvent | ScenarioEvent[] | null): ScenarioEvent[] => (x === null ? [] : Array.isArray(x) ? x : [x]);

describe('scenario', () => {
  it('produces only envelopes valid against IngestEnvelope and the payload schema of their kind', () => {
    const s = new Scenario({ devices: campus(), seed: 7, runTag: 't1' });
    const seen = new Set<string>();
    const ids = new Set<string>();
    const check = (e: ScenarioEvent) => {
      assertValid(e);
      seen.add(e.envelope.kind);
      assert.ok(!ids.has(e.envelope.sourceEventId!), 'sourceEventId unique');
      ids.add(e.envelope.sourceEventId!);
    };
    for (const hhmm of ['00:30', '03:00', '07:45', '09:50', '12:10', '17:40', '21:30', '23:40']) {
      for (const date of [MONDAY, SATURDAY]) {
        const at = atShanghai(date, hhmm);
        for (const stream of BACKGROUND_STREAMS) for (let i = 0; i < 30; i++) flat(s.background(stream, at)).forEach(check);
        for (const r of RARE_STREAMS) for (let i = 0; i < 10; i++) flat(s.rareEvent(r, at)).forEach(check);
      }
    }
    // Scheduled follow-ups (barrier after a plate read) and a whole patrol round.
    assert.ok(s.startRound(atShanghai(MONDAY, '22:00')) > 0);
    const late = atShanghai(MONDAY, '23:59');
    s.step(late, 1000, 0).forEach(check);
    for (const d of s.devices) check({ device: d, envelope: s.eventFor(d, late) });
    for (const d of s.devices) assert.ok(envelopeSchema(s.heartbeat(d, late, 1234)));
    const kinds = ['access.granted', 'access.denied', 'plate.read', 'motion', 'door.held_open', 'door.forced', 'intrusion', 'perimeter', 'smoke', 'fire', 'panic', 'tamper', 'device.fault', 'video.loss', 'patrol.checkin'];
    for (const k of kinds) assert.ok(seen.has(k), `generated some ${k}`);
  });

  it('covers every device kind in eventFor', () => {
    const s = new Scenario({ devices: [], seed: 1, runTag: 'k' });
    for (const kind of DEVICE_KINDS) {
      const d: SimDevice = { id: `x-${kind}`, kind, name: `测试 ${kind}`, campusId: 'c', buildingId: null, buildingName: null };
      assertValid({ device: d, envelope: s.eventFor(d, Date.now()) });
    }
  });

  it('is deterministic for a seed and run tag', () => {
    const run = () => {
      const s = new Scenario({ devices: campus(), seed: 42, runTag: 'same' });
      const out: unknown[] = [];
      for (let k = 0; k < 40; k++) out.push(...s.step(atShanghai(MONDAY, '07:40') + k * 250, 250, 50).map((e) => [e.device.id, e.envelope]));
      return out;
    };
    const a = run();
    assert.ok(a.length > 200);
    assert.deepEqual(a, run());
  });

  it('keeps about the configured rate, lower at night and higher in the rushes', () => {
    const s = new Scenario({ devices: campus(), seed: 3, runTag: 'r', rarePerHour: { 'door.held_open': 0, 'device.fault': 0 } });
    const count = (date: string, hhmm: string) => {
      let n = 0;
      const t0 = atShanghai(date, hhmm);
      for (let k = 1; k <= 240; k++) n += s.step(t0 + k * 250, 250, 20).filter((e) => e.envelope.kind !== 'patrol.checkin').length;
      return n / 60; // per second
    };
    let mean = 0;
    for (let h = 0; h < 24; h++) mean += s.rateFactor(atShanghai(MONDAY, `${String(h).padStart(2, '0')}:30`)) / 24;
    assert.ok(mean > 0.8 && mean < 1.2, `daily mean factor ${mean}`);
    const rush = count(MONDAY, '07:45');
    const night = count(MONDAY, '03:00');
    assert.ok(rush > 25 && rush < 45, `rush ${rush}/s`);
    assert.ok(night > 4 && night < 16, `night ${night}/s`);
    assert.ok(rush > 2 * night);
  });

  it('shows plausible content: student ids, plates, curfew denials, morning in / evening out', () => {
    const s = new Scenario({ devices: campus(), seed: 11, runTag: 'c' });
    const many = (stream: (typeof BACKGROUND_STREAMS)[number], date: string, hhmm: string, n = 400) => {
      const at = atShanghai(date, hhmm);
      const out: ScenarioEvent[] = [];
      for (let i = 0; i < n; i++) out.push(...flat(s.background(stream, at)));
      return out;
    };
    const dormNight = many('door.dorm', MONDAY, '23:40');
    const curfew = dormNight.filter((e) => (e.envelope.payload as { reason?: string }).reason === 'time_restricted');
    assert.ok(curfew.length > 20 && curfew.length < dormNight.length / 2, `curfew denials ${curfew.length}/${dormNight.length}`);
    assert.ok(curfew.every((e) => (e.envelope.payload as { direction?: string }).direction === 'in'));
    const dormDay = many('door.dorm', MONDAY, '10:30');
    assert.equal(dormDay.filter((e) => (e.envelope.payload as { reason?: string }).reason === 'time_restricted').length, 0);
    const students = dormDay.map((e) => (e.envelope.payload as { personId?: string }).personId).filter(Boolean) as string[];
    assert.ok(students.every((id) => /^20(21|22|23|24|25)\d{6}$/.test(id)), students.slice(0, 5).join());
    const denied = many('door.class', MONDAY, '09:50', 2000).filter((e) => e.envelope.kind === 'access.denied');
    const reasons = new Set(denied.map((e) => (e.envelope.payload as { reason: string }).reason));
    assert.ok(reasons.has('unknown_credential') && reasons.has('no_permission'), [...reasons].join());
    assert.ok(denied.length < 150, `denied ${denied.length}/2000`);

    const reads = (hhmm: string) => many('gate.vehicle', MONDAY, hhmm).filter((e) => e.envelope.kind === 'plate.read').map((e) => e.envelope.payload as { plate: string; colour: string; direction: string; confidence: number });
    const morning = reads('07:50');
    const evening = reads('17:45');
    const inShare = (l: { direction: string }[]) => l.filter((r) => r.direction === 'in').length / l.length;
    assert.ok(inShare(morning) > 0.7, `morning in ${inShare(morning)}`);
    assert.ok(inShare(evening) < 0.3, `evening in ${inShare(evening)}`);
    for (const r of [...morning, ...evening]) {
      assert.ok(r.confidence >= 0.85 && r.confidence <= 0.99, String(r.confidence));
      if (r.colour === 'green') assert.match(r.plate, /^[\u4e00-\u9fa5][A-Z][DF][A-Z0-9]{5}$/);
      else assert.match(r.plate, /^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5}$/);
    }
    const colours = new Map<string, number>();
    for (const r of morning) colours.set(r.colour, (colours.get(r.colour) ?? 0) + 1);
    assert.ok((colours.get('blue') ?? 0) > morning.length / 2 && (colours.get('green') ?? 0) > 0, JSON.stringify([...colours]));
    assert.ok(morning.some((r) => r.plate.startsWith('沪')));
    assert.equal(plateForDevice('沪A·12345'), '沪A12345');
  });

  it('opens the lane barrier after a plate read and walks patrol routes with guards', () => {
    const s = new Scenario({ devices: campus(), seed: 5, runTag: 'p', guards: ['guard01', 'guard02', 'guard03'] });
    const t0 = atShanghai(MONDAY, '07:50');
    for (let i = 0; i < 50; i++) s.background('gate.vehicle', t0);
    const follow = s.step(t0 + 120_000, 1000, 0).filter((e) => e.device.kind === 'barrier_gate');
    assert.ok(follow.length > 0);
    assert.ok(follow.every((e) => (e.envelope.payload as { credentialType: string }).credentialType === 'remote'));

    // Rounds start by themselves when the clock passes 22:00.
    const start = atShanghai(MONDAY, '21:59:50');
    s.step(start, 250, 0);
    const checkins: ScenarioEvent[] = [];
    for (let t = start + 1000; t < start + 2 * 3600_000; t += 1000) checkins.push(...s.step(t, 1000, 0).filter((e) => e.envelope.kind === 'patrol.checkin'));
    assert.ok(checkins.length > 20, `check-ins ${checkins.length}`);
    const byRoute = new Map<string, string[]>();
    for (const e of checkins) {
      const p = e.envelope.payload as { guardId: string; routeId: string };
      assert.ok(['guard01', 'guard02', 'guard03'].includes(p.guardId));
      byRoute.set(p.routeId, [...(byRoute.get(p.routeId) ?? []), e.device.name]);
    }
    assert.ok([...byRoute.keys()].some((r) => r.startsWith('杨浦-R')) && [...byRoute.keys()].some((r) => r.startsWith('闵行-R')), [...byRoute.keys()].join());
    for (const names of byRoute.values()) {
      const nums = names.map((n) => Number(/-(\d+)/.exec(n)![1]));
      assert.deepEqual(nums, [...nums].sort((a, b) => a - b), 'checkpoints visited in route order');
    }
  });

  it('classifies doors from the ledger names', () => {
    assert.equal(doorRole({ name: '学生宿舍3号楼 东门门禁（进）', buildingName: '学生宿舍3号楼' }), 'dorm');
    assert.equal(doorRole({ name: '行政楼 2F 财务处门禁（主门）', buildingName: '行政楼' }), 'secure');
    assert.equal(doorRole({ name: '物理楼 一号消防通道门', buildingName: '物理楼' }), 'service');
    assert.equal(doorRole({ name: '图书馆 东门门禁', buildingName: '图书馆' }), 'class');
    assert.equal(segmentOf('周界防区 杨浦-P03（东侧）'), '杨浦-P03');
    assert.equal(patrolAreaOf('巡更点 闵行-012 第四食堂正门'), '闵行');
  });

  it('answers door commands: a remote opening and a command.ack', () => {
    const s = new Scenario({ devices: campus(), seed: 1, runTag: 'cmd', commandFailureRate: 0 });
    const door = s.devices.find((d) => d.kind === 'door')!;
    const ackKnown = 'command.ack' in EVENT_KINDS;
    const answers = s.commandAck(door, { id: 'act-1:door-1', command: 'door.unlock', issuedAt: new Date().toISOString() }, Date.now());
    assert.equal(answers[0].kind, 'access.granted');
    assert.equal((answers[0].payload as { credentialType: string }).credentialType, 'remote');
    for (const a of answers) assertValid({ device: door, envelope: a });
    if (ackKnown) {
      assert.equal(answers[1].kind, 'command.ack');
      assert.deepEqual(answers[1].payload, { commandId: 'act-1:door-1', result: 'ok' });
      const lock = s.commandAck(door, { id: 'act-2', command: 'door.lock' }, Date.now());
      assert.deepEqual(lock.map((a) => a.kind), ['command.ack']);
      const camera = s.devices.find((d) => d.kind === 'camera')!;
      const refused = s.commandAck(camera, { id: 'act-3', command: 'door.unlock' }, Date.now());
      assert.equal((refused[0].payload as { result: string }).result, 'failed');
    }
    assert.deepEqual(s.commandAck(door, 'not json', Date.now()), []);
    assert.deepEqual(s.commandAck(door, { command: 'reboot' }, Date.now()), []);
  });
});
