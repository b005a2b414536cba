/**
 * Rules checked by document review or site visit (S-UPS-1H, S-ROOM), judged from the latest
 * evidence the university uploaded and its review, as the inputs carry it (pure, so a snapshot
 * reproduces it): accepted passes (S-ROOM from its measured facts), rejected fails with the
 * reviewer's reason, pending and missing evidence have no data.
 */
import { ROOM_LIMITS, ROOM_RULE_ID, type EvidenceStatus, type RoomFacts } from '../../../shared/compliance-evidence.ts';
import type { Finding, PackRule } from '../../../shared/compliance.ts';

/** The latest evidence of a rule as the score's inputs keep it. */
export interface EvidenceFact {
  id: string;
  status: EvidenceStatus;
  fileName: string;
  uploadedAt: string;
  reviewedByName: string | null;
  reviewedAt: string | null;
  reason: string | null;
  facts: RoomFacts | null;
}

const finding = (e: EvidenceFact, name: string, detail: string): Finding => ({ entityType: 'university', id: e.id, name, detail, campusId: null });

/** What does not meet GB 50198-2011 §3.4.1 in a command centre's measured facts. */
export function roomShortfalls(f: RoomFacts, minAreaM2: number): { name: string; detail: string }[] {
  const L = ROOM_LIMITS;
  return [
    ...(f.areaM2 >= minAreaM2 ? [] : [{ name: '面积', detail: `${f.areaM2} m²，不足 ${minAreaM2} m²` }]),
    ...(f.temperatureC >= L.minTempC && f.temperatureC <= L.maxTempC ? [] : [{ name: '温度', detail: `${f.temperatureC} °C，应为 ${L.minTempC}–${L.maxTempC} °C` }]),
    ...(f.humidityPct >= L.minHumidity && f.humidityPct <= L.maxHumidity ? [] : [{ name: '湿度', detail: `${f.humidityPct}%，应为 ${L.minHumidity}–${L.maxHumidity}%` }]),
    ...(f.illuminanceLx > L.minLux ? [] : [{ name: '照度', detail: `${f.illuminanceLx} lx，应大于 ${L.minLux} lx` }]),
  ];
}

export function judgeEvidence(rule: PackRule, e: EvidenceFact | undefined): { status?: 'no_data'; figure: string; findings: Finding[]; fraction?: number; missing?: string } {
  if (!e) return { status: 'no_data', figure: '无数据', findings: [], missing: rule.evidenceMethod === 'site_visit' ? '未上传材料（现场核查记录或照片）' : '未上传材料（证明文件）' };
  if (e.status === 'submitted') return { status: 'no_data', figure: `材料待审核（${e.fileName}）`, findings: [], missing: '材料待审核' };
  const by = `${e.reviewedByName ?? '审核人'} ${e.reviewedAt?.slice(0, 10) ?? ''}`.trim();
  if (e.status === 'rejected') return { figure: `材料未通过审核（${by}）`, findings: [finding(e, e.fileName, `驳回：${e.reason ?? ''}`)], fraction: 0 };
  if (rule.id !== ROOM_RULE_ID) return { figure: `材料已审核通过（${e.fileName}，${by}）`, findings: [] };
  if (!e.facts) return { status: 'no_data', figure: '无数据', findings: [], missing: '材料未记录面积、温湿度和照度' };
  const short = roomShortfalls(e.facts, rule.params.minAreaM2!);
  const f = e.facts;
  return {
    figure: `现场核查（${by}）：面积 ${f.areaM2} m²、温度 ${f.temperatureC} °C、湿度 ${f.humidityPct}%、照度 ${f.illuminanceLx} lx${short.length ? `，${short.length} 项不符` : '，均符合'}`,
    findings: short.map((s) => finding(e, s.name, s.detail)),
  };
}
