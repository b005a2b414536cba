import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuleResult } from '../../../shared/compliance.ts';
import type { SiteCoverage } from './coverage.ts';
import { evaluate, type ComplianceInputs, type InputAlarm, type InputDevice, type InputPanicRule, type InputRecording, type InputSite } from './evaluate.ts';
import { BASELINE_PACK, SHIPPED_PACKS, type RulePack } from './packs.ts';

const AT = '2026-12-07T04:00:00.000Z';

const device = (id: string, extra: Partial<InputDevice> = {}): InputDevice => ({
  id,
  name: id,
  kind: 'camera',
  inService: true,
  campusId: 'c1',
  retentionDays: 90,
  resolution: '1080p',
  areaPrivacy: null,
  ...extra,
});

const coverage = (share: number, extra: Partial<SiteCoverage> = {}): SiteCoverage => ({
  siteId: 's',
  areaM2: 100,
  floors: [{ floorId: null, share }],
  cellM: 0.1,
  coveredM2: share * 100,
  share,
  identifiedM2: 0,
  identifiedShare: 0,
  blindSpots: { type: 'MultiPolygon', coordinates: [] },
  entrances: [],
  cameras: [],
  unplaced: [],
  ...extra,
});

const site = (id: string, category: InputSite['category'], share: number, deviceIds: string[] = [], extra: Partial<SiteCoverage> = {}, campusId = 'c1'): InputSite => ({
  id,
  name: id,
  category,
  campusId,
  coverage: coverage(share, { siteId: id, ...extra }),
  deviceIds,
});

const inputs = (x: Partial<ComplianceInputs>): ComplianceInputs => ({ universityId: 'u', asOf: AT, devices: [], sites: [], duty: null, ...x });

const resultOf = (x: ComplianceInputs, ruleId: string, campusId: string | null = null): RuleResult => evaluate(BASELINE_PACK, x, campusId, AT).rules.find((r) => r.rule.id === ruleId)!.result;

describe('rule checkers', () => {
  it('S-COVER: a fully covered site passes; the points follow the sites’ mean coverage (98 % counts as full); no key site is no data', () => {
    assert.equal(resultOf(inputs({ sites: [site('a', 'library', 1)] }), 'S-COVER').status, 'pass');
    const half = resultOf(inputs({ sites: [site('a', 'library', 1), site('b', 'finance_office', 0.5)] }), 'S-COVER');
    assert.equal(half.status, 'partial');
    // (1 + 0.5 / 0.98) / 2 × 15 = 11.33
    assert.equal(half.earned, 11.33);
    assert.deepEqual(half.findings.map((f) => [f.id, f.detail]), [['b', '覆盖 50%，盲区 50 m²']]);
    const five = resultOf(inputs({ sites: ['a', 'b', 'c', 'd', 'e'].map((id) => site(id, 'library', 0.2)) }), 'S-COVER');
    assert.equal(five.earned, 3.06);
    assert.equal(resultOf(inputs({ sites: [site('a', 'library', 0)] }), 'S-COVER').status, 'fail');
    const none = resultOf(inputs({}), 'S-COVER');
    assert.equal(none.status, 'no_data');
    assert.equal(none.earned, 0);
    assert.match(none.missing!, /重点部位/);
  });

  it('S-RET-30: cameras and recorders under 30 days or without a figure are findings; nothing recorded is no data', () => {
    const r = resultOf(inputs({ devices: [device('ok'), device('short', { retentionDays: 15 }), device('nvr', { kind: 'recorder', retentionDays: 15, resolution: null }), device('unknown', { retentionDays: null }), device('door', { kind: 'door', retentionDays: null, resolution: null }), device('off', { retentionDays: 1, inService: false })] }), 'S-RET-30');
    assert.deepEqual(r.findings.map((f) => [f.id, f.detail]), [['short', '存储 15 天'], ['nvr', '存储 15 天'], ['unknown', '未登记存储天数']]);
    // 1 of the 4 in-service cameras and recorders keeps 30 days: a quarter of 10 points.
    assert.equal(r.earned, 2.5);
    assert.equal(r.status, 'partial');
    assert.equal(resultOf(inputs({ devices: [device('a', { retentionDays: null })] }), 'S-RET-30').status, 'no_data');
  });

  it('S-RET-90: only cameras that see a key site (credited with its area, or inside it) need 90 days', () => {
    const x = inputs({
      devices: [device('sees', { retentionDays: 30 }), device('inside', { retentionDays: 60 }), device('elsewhere', { retentionDays: 30 })],
      sites: [site('fin', 'finance_office', 1, ['inside'], { cameras: [{ id: 'sees', name: 'sees', seesM2: 50 }] })],
    });
    assert.deepEqual(resultOf(x, 'S-RET-90').findings.map((f) => f.id), ['sees', 'inside']);
  });

  it('S-HD and S-4K: analog cameras deduct; the 4K share of key-site cameras scores in proportion to its target', () => {
    const x = inputs({
      devices: [device('a', { resolution: 'analog' }), device('k', { resolution: '4k' }), device('h'), device('h2'), device('h3')],
      sites: [site('s', 'library', 1, ['k', 'h', 'h2', 'h3'])],
    });
    const hd = resultOf(x, 'S-HD');
    assert.deepEqual(hd.findings.map((f) => f.id), ['a']);
    assert.equal(hd.earned, 8);
    const k = resultOf(x, 'S-4K');
    // 1 of 4 key-site cameras is 4K: 25 % of a 30 % target earns 2 × 25/30 = 1.67 points.
    assert.equal(k.earned, 1.67);
    assert.equal(k.status, 'partial');
  });

  it('S-GATE: a gate needs plate recognition and a barrier or turnstile', () => {
    const x = inputs({
      devices: [device('lpr', { kind: 'lpr_camera' }), device('bar', { kind: 'barrier_gate', resolution: null, retentionDays: null }), device('turn', { kind: 'turnstile', resolution: null, retentionDays: null })],
      sites: [site('north', 'gate', 1, ['lpr', 'bar']), site('south', 'gate', 1, ['turn'])],
    });
    const r = resultOf(x, 'S-GATE');
    assert.deepEqual(r.findings.map((f) => [f.id, f.detail]), [['south', '缺少车牌识别']]);
    assert.equal(r.earned, 5);
  });

  it('S-KEYDOOR and S-FIN-ALARM: entrances with access control; intrusion detection and a panic button in finance offices', () => {
    const entrance = { id: 'door', name: '门', seenBy: [], identifiedBy: [] };
    const x = inputs({
      devices: [device('pir', { kind: 'intrusion_zone' }), device('panic', { kind: 'panic_button' })],
      sites: [site('fin1', 'finance_office', 1, ['pir', 'panic'], { entrances: [entrance] }), site('fin2', 'finance_office', 1, ['pir']), site('lib', 'library', 0)],
    });
    assert.deepEqual(resultOf(x, 'S-KEYDOOR').findings.map((f) => f.id), ['fin2'], 'a library is not a 要害部位');
    assert.deepEqual(resultOf(x, 'S-FIN-ALARM').findings.map((f) => [f.id, f.detail]), [['fin2', '缺少紧急报警按钮']]);
    assert.equal(resultOf(inputs({ sites: [site('lib', 'library', 1)] }), 'S-FIN-ALARM').status, 'no_data');
  });

  it('S-ENTRY-ID: an entrance seen without face resolution is a finding that says so', () => {
    const x = inputs({ sites: [site('fin', 'finance_office', 1, [], { entrances: [{ id: 'd1', name: '东门', seenBy: ['c'], identifiedBy: [] }, { id: 'd2', name: '西门', seenBy: ['c'], identifiedBy: ['c'] }] })] });
    assert.deepEqual(resultOf(x, 'S-ENTRY-ID').findings.map((f) => [f.name, f.detail]), [['fin · 东门', '有 1 台摄像机拍到，但像素密度不足 250 像素/米']]);
  });

  it('S-NOCAM-PRIVATE: one camera in a toilet fails the rule', () => {
    const r = resultOf(inputs({ devices: [device('ok'), device('wc', { areaPrivacy: 'toilet' })] }), 'S-NOCAM-PRIVATE');
    assert.equal(r.status, 'fail');
    assert.deepEqual(r.findings.map((f) => [f.id, f.detail]), [['wc', '装在隐私区域（卫生间）']]);
  });

  it('S-DUTY24: gaps of the published roster deduct; no command-centre post is no data', () => {
    assert.equal(resultOf(inputs({ duty: null }), 'S-DUTY24').status, 'no_data');
    assert.equal(resultOf(inputs({ duty: { gaps: [], rostered: 4, uncertified: [] } }), 'S-DUTY24').status, 'pass');
    const r = resultOf(inputs({ duty: { gaps: [{ post: '监控席1', from: '2026-12-08T16:00:00.000Z', to: '2026-12-09T00:00:00.000Z' }], rostered: 4, uncertified: [] } }), 'S-DUTY24');
    assert.equal(r.earned, 4);
  });

  it('S-CERT: each person on the command-centre roster without a valid certificate deducts a point; no roster is no data', () => {
    assert.equal(resultOf(inputs({ duty: null }), 'S-CERT').status, 'no_data');
    assert.equal(resultOf(inputs({ duty: { gaps: [], rostered: 0, uncertified: [] } }), 'S-CERT').status, 'no_data');
    assert.equal(resultOf(inputs({ duty: { gaps: [], rostered: 3, uncertified: [] } }), 'S-CERT').status, 'pass');
    const r = resultOf(inputs({ duty: { gaps: [], rostered: 3, uncertified: [{ accountId: 'a', name: '值班员甲', dates: ['2026-12-08', '2026-12-09'] }] } }), 'S-CERT');
    assert.equal(r.earned, 4);
    assert.deepEqual(r.findings.map((f) => [f.name, f.detail]), [['值班员甲', '2026-12-08、2026-12-09 当班时无有效上岗证']]);
    assert.match(r.figure, /3 名指挥中心值班人员中 2 名持有效上岗证/);
  });

  it('S-CERT: an operator whose certificate lapsed (or who never had one) deducts a point even when kept off the roster', () => {
    const r = resultOf(
      inputs({
        duty: {
          gaps: [],
          rostered: 3,
          uncertified: [{ accountId: 'a', name: '值班员甲', dates: ['2026-12-08'] }],
          operatorsUncertified: [
            { accountId: 'a', name: '值班员甲', lastValidTo: '2026-12-01' },
            { accountId: 'b', name: '值班员乙', lastValidTo: '2026-11-30' },
            { accountId: 'c', name: '值班员丙', lastValidTo: null },
          ],
        },
      }),
      'S-CERT',
    );
    // 值班员甲 counts once (rostered without a certificate), 乙 and 丙 once each.
    assert.equal(r.earned, 2);
    assert.deepEqual(r.findings.map((f) => [f.id, f.detail]), [['a', '2026-12-08 当班时无有效上岗证'], ['b', '上岗证已于 2026-11-30 过期'], ['c', '没有上岗证']]);
    assert.match(r.figure, /3 名值班员无有效上岗证/);
    // No roster published but a lapsed certificate: still judged.
    assert.equal(resultOf(inputs({ duty: { gaps: [], rostered: 0, uncertified: [], operatorsUncertified: [{ accountId: 'b', name: '乙', lastValidTo: '2026-11-30' }] } }), 'S-CERT').status, 'partial');
  });

  const seen = (id: string, online: boolean, hoursAgo: number) => ({ id, online, lastSeenAt: new Date(Date.parse(AT) - hoursAgo * 3_600_000).toISOString() });

  it('S-FIX-24H: a device offline or under repair for more than 24 h deducts a point; nothing ever reported is no data', () => {
    const x = inputs({
      devices: [device('ok'), device('briefly'), device('long'), device('repair', { inService: false, underRepairSince: '2026-12-05T00:00:00.000Z' }), device('fresh', { inService: false, underRepairSince: '2026-12-07T00:00:00.000Z' }), device('retired', { inService: false })],
      health: [seen('ok', true, 0), seen('briefly', false, 23), seen('long', false, 49), seen('retired', false, 500)],
    });
    const r = resultOf(x, 'S-FIX-24H');
    assert.deepEqual(r.findings.map((f) => [f.id, f.detail.replace(/（.*）/, '')]), [['long', '离线 49 小时'], ['repair', '维修中已 52 小时']]);
    assert.equal(r.earned, 3);
    assert.match(r.figure, /2 台设备故障超过 24 小时未修复（离线 1 台，维修中 1 台）/);
    assert.equal(resultOf(inputs({ devices: [device('a')], health: [] }), 'S-FIX-24H').status, 'no_data');
    assert.equal(resultOf(inputs({ devices: [device('a')] }), 'S-FIX-24H').status, 'no_data', 'inputs of a snapshot before 2026.2');
  });

  it('S-ONLINE: points follow the online rate against 95 %; only in-service devices that reported count', () => {
    const devices = Array.from({ length: 10 }, (_, i) => device(`d${i}`));
    const health = devices.map((d, i) => seen(d.id, i >= 2, 1));
    const r = resultOf(inputs({ devices: [...devices, device('off', { inService: false })], health: [...health, seen('off', false, 1)] }), 'S-ONLINE');
    // 8 / 10 online: 0.8 / 0.95 × 5 = 4.21
    assert.equal(r.earned, 4.21);
    assert.equal(r.findingsTotal, 2);
    assert.equal(resultOf(inputs({ devices, health: devices.map((d) => seen(d.id, true, 0)) }), 'S-ONLINE').status, 'pass');
    assert.equal(resultOf(inputs({ devices, health: [] }), 'S-ONLINE').status, 'no_data');
  });

  it('S-RESP: the shares taken up within 60 s and reached within 300 s, each half the points; late alarms are findings', () => {
    const alarm = (id: string, ackS: number | null, arriveS: number | null, dispatched = arriveS !== null): InputAlarm => ({ id, type: 'intrusion', campusId: 'c1', createdAt: AT, ackS, arriveS, dispatched });
    const quick = Array.from({ length: 8 }, (_, i) => alarm(`q${i}`, 20, 200));
    const r = resultOf(inputs({ alarms: [...quick, alarm('slow', 90, 250), alarm('lost', null, null, true)] }), 'S-RESP');
    // Taken up in time 8 / 10 = 0.8; arrived in time 9 / 10 dispatched = 0.9 → (0.8 / 0.9 + 1) / 2 × 5 = 4.72
    assert.equal(r.earned, 4.72);
    assert.deepEqual(r.findings.map((f) => [f.id, f.detail]), [['slow', '90 秒接警'], ['lost', '无人接警，保安未到场']]);
    assert.equal(resultOf(inputs({ alarms: quick }), 'S-RESP').status, 'pass');
    assert.equal(resultOf(inputs({ alarms: [] }), 'S-RESP').status, 'no_data');
    assert.equal(resultOf(inputs({ alarms: [alarm('x', 10, null, false)] }), 'S-RESP').status, 'pass', 'no guard sent: arrival is not judged');
  });

  it('S-PANIC-24H: a latching rule without schedule passes; only scheduled ones fail; not latching deducts 2', () => {
    const panic = device('pb', { kind: 'panic_button', resolution: null, retentionDays: null });
    const rule = (id: string, extra: Partial<InputPanicRule> = {}): InputPanicRule => ({ id, name: id, enabled: true, armedAlways: true, latch: true, ...extra });
    assert.equal(resultOf(inputs({ devices: [panic], panicRules: [rule('a')] }), 'S-PANIC-24H').status, 'pass');
    const scheduled = resultOf(inputs({ devices: [panic], panicRules: [rule('night', { armedAlways: false })] }), 'S-PANIC-24H');
    assert.equal(scheduled.status, 'fail');
    assert.deepEqual(scheduled.findings.map((f) => [f.id, f.detail]), [['night', '按时段布防，非全天']]);
    assert.equal(resultOf(inputs({ devices: [panic], panicRules: [] }), 'S-PANIC-24H').status, 'fail');
    const loose = resultOf(inputs({ devices: [panic], panicRules: [rule('a', { latch: false })] }), 'S-PANIC-24H');
    assert.equal(loose.earned, 3);
    assert.equal(resultOf(inputs({ devices: [device('cam')], panicRules: [rule('a')] }), 'S-PANIC-24H').status, 'no_data', 'no panic button in the ledger');
  });

  it('S-REC: a recorded camera with gaps yesterday, or holding less than its period once its plan ran longer, is a finding', () => {
    const rec = (deviceId: string, extra: Partial<InputRecording> = {}): InputRecording => ({ deviceId, complete: 1, heldDays: 40, retentionDays: 30, planDays: 100, ...extra });
    const devices = ['ok', 'gappy', 'purged', 'young', 'off'].map((id) => device(id, id === 'off' ? { inService: false } : {}));
    const r = resultOf(inputs({ devices, recordings: [rec('ok'), rec('gappy', { complete: 0.9 }), rec('purged', { heldDays: 12.6 }), rec('young', { heldDays: 3, planDays: 3 }), rec('off', { complete: 0 })] }), 'S-REC');
    assert.deepEqual(r.findings.map((f) => [f.id, f.detail]), [['gappy', '昨日录像完整率 90%'], ['purged', '实际保存 12 天，应保存 30 天']]);
    // 2 of the 4 in-service recorded cameras are fine: half of 5 points.
    assert.equal(r.earned, 2.5);
    assert.equal(resultOf(inputs({ devices, recordings: [] }), 'S-REC').status, 'no_data');
    assert.equal(resultOf(inputs({ devices }), 'S-REC').status, 'no_data', 'inputs of a snapshot before 2026.2');
  });

  it('the inputs of a 2026.1 snapshot still give the 2026.1 score (the pack keeps its rules)', () => {
    const v1 = SHIPPED_PACKS.find((p) => p.version === '2026.1')!;
    assert.deepEqual(v1.rules.map((r) => r.id), ['S-COVER', 'S-ENTRY-ID', 'S-RET-30', 'S-RET-90', 'S-HD', 'S-4K', 'S-GATE', 'S-KEYDOOR', 'S-FIN-ALARM', 'S-NOCAM-PRIVATE', 'S-PERIM-200', 'S-DUTY24', 'S-CERT', 'S-ROOM', 'S-UPS-1H']);
    const x = inputs({ devices: [device('a')], duty: { gaps: [], rostered: 2, uncertified: [] } });
    assert.equal(evaluate(v1, x, null, AT).possible, 105);
    assert.equal(evaluate(BASELINE_PACK, x, null, AT).possible, 130);
    assert.equal(resultOf(x, 'S-CERT').status, 'pass');
  });

  it('rules the platform cannot compute yet say what is missing and earn nothing', () => {
    for (const id of ['S-PERIM-200', 'S-ROOM', 'S-UPS-1H']) {
      const r = resultOf(inputs({}), id);
      assert.equal(r.status, 'no_data', id);
      assert.equal(r.earned, 0, id);
      assert.ok(r.missing && r.missing.length > 4, id);
    }
  });
});

describe('score', () => {
  it('is earned over possible points, names the pack version, and is the same from the same inputs', () => {
    const pack: RulePack = { id: 'p', version: '9', title: 't', rules: BASELINE_PACK.rules.filter((r) => ['S-HD', 'S-NOCAM-PRIVATE', 'S-ROOM'].includes(r.id)) };
    const x = inputs({ devices: [device('a', { resolution: 'analog' }), device('b')] });
    const s = evaluate(pack, x, null, AT);
    // S-HD half the cameras HD: 5 of 10; S-NOCAM-PRIVATE 10; S-ROOM no data 0 of 2: 15 / 22 = 68.2 %.
    assert.equal(s.possible, 22);
    assert.equal(s.earned, 15);
    assert.equal(s.score, 68.2);
    assert.deepEqual(s.counts, { pass: 1, partial: 1, fail: 0, no_data: 1 });
    assert.deepEqual(s.pack, { id: 'p', version: '9', title: 't' });
    assert.deepEqual(evaluate(pack, JSON.parse(JSON.stringify(x)) as ComplianceInputs, null, AT), s, 'reproducible from stored inputs');
  });

  it('a campus score judges only that campus’s devices and sites', () => {
    const x = inputs({
      devices: [device('a', { resolution: 'analog', campusId: 'c1' }), device('b', { campusId: 'c2' })],
      sites: [site('s1', 'library', 0.5, [], {}, 'c1'), site('s2', 'library', 1, [], {}, 'c2')],
    });
    assert.equal(resultOf(x, 'S-HD', 'c2').status, 'pass');
    assert.equal(resultOf(x, 'S-COVER', 'c2').status, 'pass');
    assert.equal(resultOf(x, 'S-COVER', 'c1').status, 'partial');
    assert.equal(evaluate(BASELINE_PACK, x, 'c2', AT).campusId, 'c2');
  });

  it('the pack’s rules all have a checker or say they have none, and ids are unique', () => {
    const ids = BASELINE_PACK.rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    const s = evaluate(BASELINE_PACK, inputs({}), null, AT);
    for (const r of s.rules) assert.notEqual(r.result.missing, '该规则尚无检查程序', `${r.rule.id} has no checker`);
  });
});
