import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeEvidence, type EvidenceFact } from './evidence-judge.ts';
import { baselineVersion, checkOverrides, effectivePack } from './pack-settings.ts';
import { BASELINE_PACK } from './packs.ts';

const rule = (id: string, pack = BASELINE_PACK) => pack.rules.find((r) => r.id === id)!;
const evidence = (o: Partial<EvidenceFact>): EvidenceFact => ({ id: 'e1', status: 'accepted', fileName: 'a.pdf', uploadedAt: '2026-03-01T00:00:00Z', reviewedByName: '审计', reviewedAt: '2026-03-02T00:00:00Z', reason: null, facts: null, ...o });

describe('pack settings', () => {
  it('keeps the baseline without overrides and marks a tightened pack', () => {
    assert.equal(effectivePack(BASELINE_PACK, {}), BASELINE_PACK);
    assert.equal(effectivePack(BASELINE_PACK, undefined), BASELINE_PACK);
    const p = effectivePack(BASELINE_PACK, { 'S-RET-90': { days: 180 } });
    assert.equal(p.version, '2026.2+tightened');
    assert.equal(baselineVersion(p.version), BASELINE_PACK.version);
    assert.deepEqual([rule('S-RET-90', p).params, rule('S-RET-90', p).baselineParams], [{ days: 180 }, { days: 90 }]);
    assert.equal(rule('S-RET-30', p).baselineParams, undefined);
    assert.equal(rule('S-RET-90').params.days, 90, 'the baseline is untouched');
  });

  it('accepts tighter values only, naming each refused field', () => {
    const { overrides, problems } = checkOverrides(BASELINE_PACK, { 'S-RET-90': { days: 60 }, 'S-PERIM-200': { maxLengthM: 150 }, 'S-RET-30': { days: 30.5 }, 'S-4K': { targetShare: 0.5 } });
    assert.deepEqual(overrides, { 'S-PERIM-200': { maxLengthM: 150 }, 'S-4K': { targetShare: 0.5 } });
    assert.deepEqual(problems.map((p) => [p.field, p.rule]), [['params.S-RET-90.days', 'tighten_only'], ['params.S-RET-30.days', 'integer']]);
  });
});

describe('evidence rules', () => {
  it('has no data without evidence or while it waits for review', () => {
    assert.equal(judgeEvidence(rule('S-UPS-1H'), undefined).missing, '未上传材料（证明文件）');
    assert.equal(judgeEvidence(rule('S-UPS-1H'), evidence({ status: 'submitted' })).missing, '材料待审核');
  });

  it('fails a rejected document with the reason, passes an accepted one', () => {
    const j = judgeEvidence(rule('S-UPS-1H'), evidence({ status: 'rejected', reason: '仅 30 分钟' }));
    assert.deepEqual([j.fraction, j.findings[0]!.detail], [0, '驳回：仅 30 分钟']);
    assert.deepEqual(judgeEvidence(rule('S-UPS-1H'), evidence({})).findings, []);
  });

  it('judges the room from its facts against the (tightened) minimum area', () => {
    const facts = { areaM2: 12, temperatureC: 15, humidityPct: 80, illuminanceLx: 300 };
    assert.deepEqual(judgeEvidence(rule('S-ROOM'), evidence({ facts })).findings.map((f) => f.name), ['温度', '湿度', '照度']);
    const strict = effectivePack(BASELINE_PACK, { 'S-ROOM': { minAreaM2: 20 } });
    assert.deepEqual(judgeEvidence(rule('S-ROOM', strict), evidence({ facts })).findings.map((f) => f.name), ['面积', '温度', '湿度', '照度']);
  });
});
