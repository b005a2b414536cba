/**
 * 整改计划 (issue 16 item 5): every rule that does not pass, turned into measures with the points
 * each gains and what it costs, ranked by points per 10,000 yuan. Pure: a function of the score,
 * the inputs it was computed from and the placement suggestions.
 *
 * Gains follow the checkers of evaluate.ts:
 * - a rule without data (no_data) earns nothing; recording the data can bring at most all its points
 *   (marked as an upper bound: the data may show it fails);
 * - proportional rules (perFinding 0) earn points × compliant / all, so each failing object weighs
 *   points / all, i.e. (points − earned) / findings; S-COVER weighs each site by how far it falls
 *   short of minShare, and a site with placement suggestions gains what their shareAfter gives;
 * - per-finding rules deduct perFinding per finding down to 0, so fixing every finding regains
 *   points − earned; each finding is credited an equal part of it (perFinding when the deductions
 *   are not capped: with more findings than the points cover, fixing one alone regains less).
 */
import type { ComplianceScore, Finding, PackRule, RuleResult } from '../../../shared/compliance.ts';
import type { CostKey, RemediationItem } from '../../../shared/compliance-remediation.ts';
import type { ComplianceInputs, InputDevice, InputSite } from './evaluate.ts';
import type { SitePlacementResult } from './placement.ts';

/**
 * 估算 — estimated unit prices (yuan, 2026, Shanghai, installed) a measure is priced with. They are
 * planning figures, not quotes: a university replaces them with its own contract prices here.
 */
export const COST_TABLE: Record<CostKey, { label: string; unit: string; unitPrice: number; effort?: string }> = {
  camera_new: { label: '新增摄像机（含安装、布线）', unit: '台', unitPrice: 4_000 },
  camera_hd: { label: '更换为高清摄像机', unit: '台', unitPrice: 2_500 },
  camera_4k: { label: '更换为 4K 摄像机', unit: '台', unitPrice: 5_000 },
  storage_30d: { label: '延长存储（每台每 30 天的硬盘份额）', unit: '台·30 天', unitPrice: 200 },
  lpr_lane: { label: '车牌识别', unit: '车道', unitPrice: 15_000 },
  barrier_lane: { label: '道闸或闸机', unit: '车道', unitPrice: 12_000 },
  access_door: { label: '门禁点', unit: '门', unitPrice: 6_000 },
  intrusion: { label: '入侵探测', unit: '处', unitPrice: 1_500 },
  panic_button: { label: '紧急报警按钮', unit: '个', unitPrice: 800 },
  remove_private_camera: { label: '移除隐私区域摄像机', unit: '台', unitPrice: 300 },
  ledger_data: { label: '补录台账数据', unit: '项', unitPrice: 0, effort: '工作量：在台账或组织结构中补录' },
  roster: { label: '补排值班', unit: '时段', unitPrice: 0, effort: '工作量：在值班管理中补排并发布' },
  training: { label: '上岗证培训', unit: '人', unitPrice: 1_200 },
  documents: { label: '现场核查或上传证明材料', unit: '项', unitPrice: 0, effort: '工作量：整理材料、配合现场核查' },
  device_repair: { label: '故障设备维修（平均每台）', unit: '台', unitPrice: 500 },
  rule_config: { label: '调整报警规则', unit: '条', unitPrice: 0, effort: '工作量：在报警规则中修改布防时段或保持报警' },
  response_drill: { label: '接处警演练与培训', unit: '次', unitPrice: 2_000 },
};

export interface PlanContext {
  inputs: ComplianceInputs;
  /** Placement suggestions by key site id (sites below full coverage). */
  placements: Map<string, SitePlacementResult>;
}

type Draft = Omit<RemediationItem, 'rank' | 'scoreGain' | 'pointsPer10k' | 'ruleId' | 'ruleTitle'>;
type Line = { key: CostKey; quantity: number };

const pct = (x: number) => `${Math.round(x * 100)}%`;
const round2 = (x: number) => Math.round(x * 100) / 100;
const objectOf = (f: Finding) => ({ entityType: f.entityType, id: f.id, name: f.name });
const VIDEO_KINDS = new Set(['camera', 'lpr_camera']);

function priced(lines: Line[]): Pick<Draft, 'cost' | 'costLines' | 'effort'> {
  const costLines = lines.filter((l) => l.quantity > 0).map((l) => ({ key: l.key, label: COST_TABLE[l.key].label, unitPrice: COST_TABLE[l.key].unitPrice, quantity: round2(l.quantity) }));
  const cost = Math.round(costLines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0));
  const effort = cost === 0 ? (costLines.map((l) => COST_TABLE[l.key].effort).find(Boolean) ?? null) : null;
  return { cost, costLines, effort };
}

function item(action: string, objects: Finding[], objectsTotal: number, gain: number, lines: Line[] | null, extra: Partial<Draft> = {}): Draft {
  return {
    action,
    objects: objects.map(objectOf),
    objectsTotal,
    siteId: null,
    gain,
    gainIsUpperBound: false,
    ...(lines ? priced(lines) : { cost: null, costLines: [], effort: null }),
    ...extra,
  };
}

/** The rule's lost points spread evenly over its findings (see the module comment). */
const perFinding = (r: RuleResult, rule: PackRule) => (r.findingsTotal ? (rule.points - r.earned) / r.findingsTotal : 0);

/** The inputs narrowed to the score's campus, as evaluate() narrows them. */
function scoped(inputs: ComplianceInputs, campusId: string | null) {
  const devices = campusId ? inputs.devices.filter((d) => d.campusId === campusId) : inputs.devices;
  const sites = campusId ? inputs.sites.filter((s) => s.campusId === campusId) : inputs.sites;
  return { devices, sites, byId: new Map(devices.map((d) => [d.id, d])) };
}

type Scope = ReturnType<typeof scoped>;

/** Measures of one rule that does not pass. */
function measures(rule: PackRule, r: RuleResult, x: Scope, ctx: PlanContext): Draft[] {
  const lost = rule.points - r.earned;
  if (lost <= 0) return [];
  if (r.status === 'no_data') {
    const key: CostKey = rule.evidenceMethod === 'system_data' ? 'ledger_data' : 'documents';
    return [item(`补齐数据后重新评估：${r.missing ?? '缺少数据'}`, [], 0, lost, [{ key, quantity: 1 }], { gainIsUpperBound: true })];
  }
  const findings = r.findings;
  const each = perFinding(r, rule);
  // Findings past those listed are priced like the listed ones.
  const scale = findings.length ? r.findingsTotal / findings.length : 1;
  switch (rule.id) {
    case 'S-COVER':
      return coverMeasures(rule, x, ctx);
    case 'S-ENTRY-ID':
      return [item(`在 ${r.findingsTotal} 个重点部位出入口各增加 1 台人脸抓拍摄像机（出入口处不低于 250 像素/米）`, findings, r.findingsTotal, lost, [{ key: 'camera_new', quantity: r.findingsTotal }])];
    case 'S-RET-30':
    case 'S-RET-90': {
      const days = rule.params.days!;
      const devices = findings.map((f) => ({ f, d: x.byId.get(f.id) }));
      const unrecorded = devices.filter(({ d }) => !d || d.retentionDays === null);
      const short = devices.filter(({ d }) => d && d.retentionDays !== null);
      const out: Draft[] = [];
      if (unrecorded.length) {
        const n = Math.round(unrecorded.length * scale);
        out.push(item(`为 ${n} 台设备补录存储天数（台账）`, unrecorded.map((u) => u.f), n, each * n, [{ key: 'ledger_data', quantity: n }], { gainIsUpperBound: true }));
      }
      if (short.length) {
        const n = Math.round(short.length * scale);
        const shares = short.reduce((sum, { d }) => sum + Math.ceil((days - d!.retentionDays!) / 30), 0) * scale;
        const scope = rule.id === 'S-RET-90' ? '拍摄重点部位的 ' : '';
        out.push(item(`将${scope}${n} 台设备的录像存储延长到不少于 ${days} 天（扩容硬盘）`, short.map((s) => s.f), n, each * n, [{ key: 'storage_30d', quantity: shares }]));
      }
      return out;
    }
    case 'S-HD':
      return [item(`将 ${r.findingsTotal} 台模拟摄像机更换为高清摄像机`, findings, r.findingsTotal, lost, [{ key: 'camera_hd', quantity: r.findingsTotal }])];
    case 'S-4K': {
      const cams = siteCameras(x).filter((d) => d.resolution);
      const fourK = cams.filter((d) => d.resolution === '4k').length;
      const needed = Math.max(1, Math.ceil(rule.params.targetShare! * cams.length - fourK - 1e-9));
      return [item(`将拍摄重点部位的 ${needed} 台摄像机更换为 4K（达到 ${pct(rule.params.targetShare!)}）`, [], needed, lost, [{ key: 'camera_4k', quantity: needed }])];
    }
    case 'S-GATE':
      return findings.map((f) => {
        const kinds = kindsAt(x, f.id);
        const lines: Line[] = [
          { key: 'lpr_lane', quantity: kinds.has('lpr_camera') ? 0 : 1 },
          { key: 'barrier_lane', quantity: kinds.has('barrier_gate') || kinds.has('turnstile') ? 0 : 1 },
        ];
        const what = [...(lines[0]!.quantity ? ['车牌识别'] : []), ...(lines[1]!.quantity ? ['道闸'] : [])].join('和');
        return item(`为 ${f.name} 增加${what || '出入口控制'}（1 条车道）`, [f], 1, each, lines, { siteId: f.id });
      });
    case 'S-KEYDOOR':
      return findings.map((f) => item(`为 ${f.name} 的出入口增加 1 个门禁点`, [f], 1, each, [{ key: 'access_door', quantity: 1 }], { siteId: f.id }));
    case 'S-FIN-ALARM':
      return findings.map((f) => {
        const kinds = kindsAt(x, f.id);
        const lines: Line[] = [
          { key: 'intrusion', quantity: kinds.has('intrusion_zone') ? 0 : 1 },
          { key: 'panic_button', quantity: kinds.has('panic_button') ? 0 : 1 },
        ];
        const what = [...(lines[0]!.quantity ? ['入侵探测'] : []), ...(lines[1]!.quantity ? ['紧急报警按钮'] : [])].join('和');
        return item(`为 ${f.name} 安装${what}`, [f], 1, each, lines, { siteId: f.id });
      });
    case 'S-NOCAM-PRIVATE':
      return [item(`移除装在隐私区域（卫生间、浴室、宿舍房间等）的 ${r.findingsTotal} 台摄像机`, findings, r.findingsTotal, lost, [{ key: 'remove_private_camera', quantity: r.findingsTotal }])];
    case 'S-DUTY24':
      return [item(`补排监控中心 ${r.findingsTotal} 个无人值守时段并发布排班`, findings, r.findingsTotal, lost, [{ key: 'roster', quantity: r.findingsTotal }])];
    case 'S-CERT':
      return [item(`安排 ${r.findingsTotal} 名无有效上岗证的值班人员参加上岗证培训（或调整排班）`, findings, r.findingsTotal, lost, [{ key: 'training', quantity: r.findingsTotal }])];
    case 'S-FIX-24H':
    case 'S-ONLINE':
      return [item(`修复 ${r.findingsTotal} 台${rule.id === 'S-ONLINE' ? '离线' : '故障超过 24 小时未修复'}的设备（报修并跟踪到恢复上线）`, findings, r.findingsTotal, lost, [{ key: 'device_repair', quantity: r.findingsTotal }])];
    case 'S-REC':
      return [item(`排查 ${r.findingsTotal} 台摄像机的录像断流或提前清理（网络、存储空间、保存天数设置）`, findings, r.findingsTotal, lost, [{ key: 'device_repair', quantity: r.findingsTotal }])];
    case 'S-PANIC-24H':
      return [item('把紧急报警规则改为全天布防并保持报警（须人工复位）', findings, r.findingsTotal, lost, [{ key: 'rule_config', quantity: Math.max(1, r.findingsTotal) }])];
    case 'S-RESP':
      return [item(`组织接处警演练，缩短接警和到场时间（近 30 天 ${r.findingsTotal} 起报警超时）`, findings, r.findingsTotal, lost, [{ key: 'response_drill', quantity: 1 }])];
    default:
      // A rule the cost table has no measure for yet: listed, not priced (ranked last).
      return [item(`整改“${rule.title}”的 ${r.findingsTotal} 项问题`, findings, r.findingsTotal, lost, null)];
  }
}

/** S-COVER: each short site weighs points × (1 − share / minShare) / sites (evaluate's fraction). */
function coverMeasures(rule: PackRule, x: Scope, ctx: PlanContext): Draft[] {
  const min = rule.params.minShare!;
  const credit = (share: number) => Math.min(1, share / min);
  const weight = rule.points / Math.max(1, x.sites.length);
  return x.sites
    .filter((s) => s.coverage.share < min)
    .map((s) => {
      const f: Finding = { entityType: 'key_site', id: s.id, name: s.name, detail: `覆盖 ${pct(s.coverage.share)}`, campusId: s.campusId };
      const full = weight * (1 - credit(s.coverage.share));
      const placement = ctx.placements.get(s.id);
      const unplaced = s.coverage.unplaced.length;
      if (placement && placement.suggestions.length > 0) {
        const k = placement.suggestions.length;
        const gain = weight * (credit(placement.shareAfter) - credit(s.coverage.share));
        return item(`为 ${s.name} 增加 ${k} 台摄像机（按建议位置和朝向安装，覆盖率 ${pct(s.coverage.share)} → ${pct(placement.shareAfter)}）`, [f], 1, gain, [{ key: 'camera_new', quantity: k }], { siteId: s.id });
      }
      if (unplaced > 0) {
        return item(`为 ${s.name} 附近 ${unplaced} 台摄像机补录位置、朝向或视场角（台账），再重新计算覆盖`, [f], 1, full, [{ key: 'ledger_data', quantity: unplaced }], { siteId: s.id, gainIsUpperBound: true });
      }
      return item(`现场勘查 ${s.name} 的盲区并增加摄像机（单台标准摄像机提升不足 2%，需按现场选型）`, [f], 1, full, [{ key: 'camera_new', quantity: 1 }], { siteId: s.id, gainIsUpperBound: true });
    });
}

/** In-service cameras that see a key site (inside it or credited with some of its area), as S-RET-90 and S-4K count them. */
function siteCameras(x: Scope): InputDevice[] {
  const ids = new Set<string>();
  for (const s of x.sites) {
    for (const c of s.coverage.cameras) ids.add(c.id);
    for (const id of s.deviceIds) if (VIDEO_KINDS.has(x.byId.get(id)?.kind ?? '')) ids.add(id);
  }
  return [...ids].map((id) => x.byId.get(id)).filter((d): d is InputDevice => !!d && d.inService);
}

function kindsAt(x: Scope, siteId: string): Set<string> {
  const site: InputSite | undefined = x.sites.find((s) => s.id === siteId);
  return new Set((site?.deviceIds ?? []).map((id) => x.byId.get(id)?.kind ?? ''));
}

/** Free first (most points first), then most points per 10,000 yuan, unpriced last; ties by rule order. */
export function rankItems(items: Omit<RemediationItem, 'rank'>[]): RemediationItem[] {
  const tier = (i: Omit<RemediationItem, 'rank'>) => (i.cost === null ? 2 : i.cost === 0 ? 0 : 1);
  return items
    .map((i, order) => ({ i, order }))
    .sort((a, b) => tier(a.i) - tier(b.i) || (tier(a.i) === 0 ? b.i.gain - a.i.gain : (b.i.pointsPer10k ?? 0) - (a.i.pointsPer10k ?? 0)) || a.order - b.order)
    .map(({ i }, k) => ({ rank: k + 1, ...i }));
}

/** The remediation plan of a score: its measures, ranked. */
export function planRemediation(score: ComplianceScore, ctx: PlanContext): RemediationItem[] {
  const x = scoped(ctx.inputs, score.campusId);
  const toScore = (points: number) => (score.possible ? (100 * points) / score.possible : 0);
  const items = score.rules.flatMap(({ rule, result }) =>
    result.status === 'pass'
      ? []
      : measures(rule, result, x, ctx)
          .filter((d) => d.gain > 0)
          .map((d) => ({
            ruleId: rule.id,
            ruleTitle: rule.title,
            ...d,
            gain: round2(d.gain),
            scoreGain: round2(toScore(d.gain)),
            pointsPer10k: d.cost ? round2((toScore(d.gain) * 10_000) / d.cost) : null,
          })),
  );
  return rankItems(items);
}

