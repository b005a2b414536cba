import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuleResult } from '../../../shared/compliance.ts';
import type { SiteCoverage } from './coverage.ts';
import { evaluate, type ComplianceInputs, type InputDevice, type InputSite } from './evaluate.ts';
import { BASELINE_PACK, type RulePack } from './packs.ts';

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
