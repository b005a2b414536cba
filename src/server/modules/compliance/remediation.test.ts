import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CameraResolution, PrivacyKind } from '../../../shared/domain.ts';
import type { SiteCoverage } from './coverage.ts';
import { evaluate, type ComplianceInputs, type InputDevice } from './evaluate.ts';
import { BASELINE_PACK } from './packs.ts';
import type { SitePlacementResult } from './placement.ts';
import { COST_TABLE, planRemediation, rankItems } from './remediation.ts';

const device = (id: string, resolution: CameraResolution, extra: Partial<InputDevice> = {}): InputDevice => ({ id, name: id, kind: 'camera', inService: true, campusId: 'c', retentionDays: 90, resolution, areaPrivacy: null, ...extra });
const coverage = (siteId: string, share: number): SiteCoverage => ({
  siteId,
  areaM2: 100,
  floors: [{ floorId: null, share }],
  cellM: 0.1,
  coveredM2: 100 * share,
  share,
  identifiedM2: 0,
  identifiedShare: 0,
  blindSpots: { type: 'MultiPolygon', coordinates: [] },
  entrances: [],
  cameras: [],
  unplaced: [],
});

const inputs = (extra: Partial<ComplianceInputs> = {}): ComplianceInputs => ({
  universityId: 'u',
  asOf: '2026-12-01T00:00:00.000Z',
  devices: [device('a1', 'analog'), device('a2', 'analog'), device('h1', '1080p'), device('h2', '1080p')],
  sites: [],
  duty: null,
  ...extra,
});
const at = '2026-12-01T00:00:00.000Z';

describe('remediation plan (整改计划)', () => {
  it('puts a free data measure before an expensive camera measure, and prices and scores each', () => {
    const x = inputs();
    const score = evaluate(BASELINE_PACK, x, null, at);
    const items = planRemediation(score, { inputs: x, placements: new Map() });
    assert.equal(items[0]!.cost, 0);
    assert.equal(items[0]!.gainIsUpperBound, true, 'a no-data rule may still fail once its data is in');
    const hd = items.find((i) => i.ruleId === 'S-HD')!;
    // S-HD earns 10 × 2/4: replacing the two analog cameras gains the other 5 points for 2 × 2,500 yuan.
    assert.equal(hd.gain, 5);
    assert.equal(hd.cost, 2 * COST_TABLE.camera_hd.unitPrice);
    assert.equal(hd.action, '将 2 台模拟摄像机更换为高清摄像机');
    assert.deepEqual(hd.objects.map((o) => o.id), ['a1', 'a2']);
    assert.equal(hd.scoreGain, Math.round(((100 * 5) / score.possible) * 100) / 100);
    assert.equal(hd.pointsPer10k, Math.round((((100 * 5) / score.possible) * 10_000 * 100) / 5000) / 100);
    assert.ok(items.indexOf(hd) > items.findLastIndex((i) => i.cost === 0));
    assert.deepEqual(items.map((i) => i.rank), items.map((_, k) => k + 1));
    assert.ok(!items.some((i) => i.ruleId === 'S-RET-30'), 'a passing rule has no measure');
  });

  it('ranks paid measures by points per 10,000 yuan, unpriced last', () => {
    const base = { ruleId: 'R', ruleTitle: 'r', action: '', objects: [], objectsTotal: 1, siteId: null, gainIsUpperBound: false, costLines: [], effort: null };
    const ranked = rankItems([
      { ...base, action: 'camera', gain: 3, scoreGain: 3, cost: 12_000, pointsPer10k: 2.5 },
      { ...base, action: 'unpriced', gain: 9, scoreGain: 9, cost: null, pointsPer10k: null },
      { ...base, action: 'button', gain: 1, scoreGain: 1, cost: 800, pointsPer10k: 12.5 },
      { ...base, action: 'ledger', gain: 2, scoreGain: 2, cost: 0, pointsPer10k: null },
    ]);
    assert.deepEqual(ranked.map((i) => i.action), ['ledger', 'button', 'camera', 'unpriced']);
  });

  it('credits a covered site by evaluate’s fraction and a camera measure by the placement’s share after', () => {
    const x = inputs({
      sites: [
        { id: 's1', name: '财务处', category: 'finance_office', campusId: 'c', coverage: coverage('s1', 0.49), deviceIds: [] },
        { id: 's2', name: '机房', category: 'machine_room', campusId: 'c', coverage: coverage('s2', 1), deviceIds: [] },
      ],
    });
    const score = evaluate(BASELINE_PACK, x, null, at);
    const cover = score.rules.find((r) => r.rule.id === 'S-COVER')!.result;
    // S-COVER: 15 × mean(min(1, 0.49/0.98), 1) = 15 × 0.75 = 11.25.
    assert.equal(cover.earned, 11.25);
    const placement: SitePlacementResult = { siteId: 's1', shareBefore: 0.49, shareAfter: 0.98, suggestions: [{} as never, {} as never] };
    const items = planRemediation(score, { inputs: x, placements: new Map([['s1', placement]]) });
    const m = items.find((i) => i.ruleId === 'S-COVER')!;
    assert.equal(m.action, '为 财务处 增加 2 台摄像机（按建议位置和朝向安装，覆盖率 49% → 98%）');
    assert.equal(m.gain, 3.75, 'the 3.75 points S-COVER lacks');
    assert.equal(m.cost, 8000);
    assert.equal(m.siteId, 's1');
  });

  it('spreads a per-finding rule’s lost points over its findings', () => {
    const privacy: PrivacyKind = 'toilet';
    const x = inputs({ devices: [device('h1', '1080p'), device('t1', '1080p', { areaPrivacy: privacy }), device('t2', '1080p', { areaPrivacy: privacy })] });
    const score = evaluate(BASELINE_PACK, x, null, at);
    const m = planRemediation(score, { inputs: x, placements: new Map() }).find((i) => i.ruleId === 'S-NOCAM-PRIVATE')!;
    assert.equal(m.gain, 10, 'two cameras deduct 20 of 10 points: removing both regains all 10');
    assert.equal(m.cost, 600);
    assert.equal(m.objectsTotal, 2);
  });
});
