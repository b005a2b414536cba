/**
 * The checkers of a rule pack and the score (issue 16 items 3 and 4). Pure: a score is a function
 * of the pack and of its inputs alone, so storing both reproduces it. A rule without the data to
 * judge it answers `no_data` with what is missing and earns nothing: nothing passes silently.
 */
import { MAX_FINDINGS_LISTED, type ComplianceScore, type Finding, type PackRule, type RuleResult, type RuleStatus } from '../../../shared/compliance.ts';
import type { CameraResolution, DeviceKind, KeySiteCategory, PrivacyKind } from '../../../shared/domain.ts';
import type { SiteCoverage } from './coverage.ts';
import { judgeEvidence, type EvidenceFact } from './evidence-judge.ts';
import { KEYDOOR_CATEGORIES, type RulePack } from './packs.ts';

export interface InputDevice {
  id: string;
  name: string;
  kind: DeviceKind;
  inService: boolean;
  campusId: string;
  retentionDays: number | null;
  resolution: CameraResolution | null;
  /** The privacy kind of the area the device is registered in (S-NOCAM-PRIVATE). */
  areaPrivacy: PrivacyKind | null;
  /** Under repair (维修中) since the ledger's last change of it, else null (S-FIX-24H; absent before 2026.2). */
  underRepairSince?: string | null;
}

/** What the platform knows of an in-service device's liveness now (S-FIX-24H, S-ONLINE). */
export interface InputHealth {
  id: string;
  online: boolean;
  lastSeenAt: string;
}

/** A real alarm of the response window with its first handling times (S-RESP). */
export interface InputAlarm {
  id: string;
  type: string;
  campusId: string | null;
  createdAt: string;
  /** Seconds to the first person step (接警), null if none. */
  ackS: number | null;
  /** Seconds to a guard's arrival, null if no guard arrived; `dispatched` says whether one was sent. */
  arriveS: number | null;
  dispatched: boolean;
}

/** A camera the platform records, as the recordings module reports it (S-REC). */
export interface InputRecording {
  deviceId: string;
  /** Yesterday's recorded share of what its plan expected, null if nothing was expected. */
  complete: number | null;
  heldDays: number | null;
  retentionDays: number;
  planDays: number;
}

/** A rule that turns panic-button presses into alarms (S-PANIC-24H). */
export interface InputPanicRule {
  id: string;
  name: string;
  enabled: boolean;
  /** No arming schedule: armed 24 hours, every day. */
  armedAlways: boolean;
  latch: boolean;
}

export interface InputSite {
  id: string;
  name: string;
  category: KeySiteCategory;
  campusId: string;
  coverage: SiteCoverage;
  /** In-service devices inside the site or on its outline (its floors indoors). */
  deviceIds: string[];
}

export interface ComplianceInputs {
  universityId: string;
  asOf: string;
  devices: InputDevice[];
  sites: InputSite[];
  /**
   * The command centre's published roster ahead (S-DUTY24, S-CERT): its gaps, and the people on it
   * without a valid certificate on a rostered date; null when no command-centre post is set up.
   */
  duty: {
    gaps: { post: string; from: string; to: string }[];
    rostered: number;
    uncertified: { accountId: string; name: string; dates: string[] }[];
    /** Enabled operators without a certificate valid on the day (absent before 2026.2). */
    operatorsUncertified?: { accountId: string; name: string; lastValidTo: string | null }[];
  } | null;
  /** The rest are absent from the inputs of snapshots taken before pack 2026.2. */
  health?: InputHealth[];
  alarms?: InputAlarm[];
  panicRules?: InputPanicRule[];
  /** Cameras the platform records (S-REC). */
  recordings?: InputRecording[];
  /** The university's tightened parameters (ruleId → param → value), kept so a snapshot replays with them. */
  packOverrides?: Record<string, Record<string, number>>;
  /** The latest evidence of each rule checked by document review or site visit, with its review. */
  evidence?: Record<string, EvidenceFact>;
}

interface Judgement {
  status?: RuleStatus;
  figure: string;
  findings: Finding[];
  /** For rules scored by proportion instead of per finding: the share of points earned, 0–1. */
  fraction?: number;
  missing?: string;
}

type Checker = (rule: PackRule, x: Scoped) => Judgement;

/** The inputs narrowed to one campus (or the whole university), with lookups. */
interface Scoped extends ComplianceInputs {
  byId: Map<string, InputDevice>;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const VIDEO_KINDS: readonly DeviceKind[] = ['camera', 'lpr_camera'];
const isVideo = (d: InputDevice) => VIDEO_KINDS.includes(d.kind);
const deviceFinding = (d: InputDevice, detail: string): Finding => ({ entityType: 'device', id: d.id, name: d.name, detail, campusId: d.campusId });
const siteFinding = (s: InputSite, detail: string): Finding => ({ entityType: 'key_site', id: s.id, name: s.name, detail, campusId: s.campusId });
const noData = (missing: string): Judgement => ({ status: 'no_data', figure: '无数据', findings: [], missing });

/** Cameras that see a key site: inside it or credited with some of its area. */
function siteCameraIds(x: Scoped): Set<string> {
  const ids = new Set<string>();
  for (const s of x.sites) {
    for (const c of s.coverage.cameras) ids.add(c.id);
    for (const id of s.deviceIds) if (x.byId.get(id) && isVideo(x.byId.get(id)!)) ids.add(id);
  }
  return ids;
}

const CHECKERS: Record<string, Checker> = {
  'S-COVER': (rule, x) => {
    if (x.sites.length === 0) return noData('未登记重点部位（在“组织与重点部位”中绘制重点部位轮廓）');
    const short = x.sites.filter((s) => s.coverage.share < rule.params.minShare!);
    const area = x.sites.reduce((sum, s) => sum + s.coverage.areaM2, 0);
    const covered = x.sites.reduce((sum, s) => sum + s.coverage.coveredM2, 0);
    return {
      figure: `${x.sites.length - short.length} / ${x.sites.length} 个重点部位全覆盖；总面积覆盖 ${pct(area ? covered / area : 0)}`,
      fraction: x.sites.reduce((sum, s) => sum + Math.min(1, s.coverage.share / rule.params.minShare!), 0) / x.sites.length,
      findings: short.map((s) => siteFinding(s, `覆盖 ${pct(s.coverage.share)}，盲区 ${Math.round(s.coverage.areaM2 - s.coverage.coveredM2)} m²${s.coverage.unplaced.length ? `；${s.coverage.unplaced.length} 台摄像机缺少朝向或视场角，未计入` : ''}`)),
    };
  },
  'S-ENTRY-ID': (_rule, x) => {
    const entrances = x.sites.flatMap((s) => s.coverage.entrances.map((e) => ({ s, e })));
    if (entrances.length === 0) return noData('重点部位轮廓上没有登记门禁点、闸机或道闸（出入口）');
    const blind = entrances.filter(({ e }) => e.identifiedBy.length === 0);
    return {
      figure: `${entrances.length - blind.length} / ${entrances.length} 个出入口可辨识人脸`,
      fraction: (entrances.length - blind.length) / entrances.length,
      findings: blind.map(({ s, e }) => ({ entityType: 'entrance', id: e.id, name: `${s.name} · ${e.name}`, detail: e.seenBy.length ? `有 ${e.seenBy.length} 台摄像机拍到，但像素密度不足 250 像素/米` : '没有摄像机拍到', campusId: s.campusId })),
    };
  },
  'S-RET-30': (rule, x) => {
    const days = rule.params.days!;
    const video = x.devices.filter((d) => d.inService && (isVideo(d) || d.kind === 'recorder'));
    if (video.length === 0) return noData('台账中没有在用的摄像机或录像机');
    if (video.every((d) => d.retentionDays === null)) return noData('台账中没有登记存储天数');
    const short = video.filter((d) => d.retentionDays === null || d.retentionDays < days);
    return {
      figure: `${video.length - short.length} / ${video.length} 台存储不少于 ${days} 天`,
      fraction: (video.length - short.length) / video.length,
      findings: short.map((d) => deviceFinding(d, d.retentionDays === null ? '未登记存储天数' : `存储 ${d.retentionDays} 天`)),
    };
  },
  'S-RET-90': (rule, x) => {
    const days = rule.params.days!;
    const ids = siteCameraIds(x);
    const cams = [...ids].map((id) => x.byId.get(id)).filter((d): d is InputDevice => !!d && d.inService);
    if (cams.length === 0) return noData('没有拍摄重点部位的摄像机（或未登记重点部位）');
    const short = cams.filter((d) => d.retentionDays === null || d.retentionDays < days);
    return {
      figure: `${cams.length - short.length} / ${cams.length} 台拍摄重点部位的摄像机存储不少于 ${days} 天`,
      fraction: (cams.length - short.length) / cams.length,
      findings: short.map((d) => deviceFinding(d, d.retentionDays === null ? '未登记存储天数' : `存储 ${d.retentionDays} 天`)),
    };
  },
  'S-HD': (_rule, x) => {
    const cams = x.devices.filter((d) => d.inService && isVideo(d) && d.resolution);
    if (cams.length === 0) return noData('台账中没有登记分辨率的在用摄像机');
    const analog = cams.filter((d) => d.resolution === 'analog');
    return {
      figure: `高清 ${cams.length - analog.length} / ${cams.length}（${pct((cams.length - analog.length) / cams.length)}）`,
      findings: analog.map((d) => deviceFinding(d, '模拟摄像机')),
      fraction: (cams.length - analog.length) / cams.length,
    };
  },
  'S-4K': (rule, x) => {
    const cams = [...siteCameraIds(x)].map((id) => x.byId.get(id)).filter((d): d is InputDevice => !!d && d.inService && !!d.resolution);
    if (cams.length === 0) return noData('没有拍摄重点部位的摄像机');
    const share = cams.filter((d) => d.resolution === '4k').length / cams.length;
    return { figure: `重点部位 4K 摄像机 ${pct(share)}（目标 ${pct(rule.params.targetShare!)}）`, findings: [], fraction: Math.min(1, share / rule.params.targetShare!) };
  },
  'S-GATE': (_rule, x) => {
    const gates = x.sites.filter((s) => s.category === 'gate');
    if (gates.length === 0) return noData('未登记校门（重点部位类别“校门”）');
    const lacking = gates.flatMap((s) => {
      const kinds = new Set(s.deviceIds.map((id) => x.byId.get(id)?.kind));
      const missing = [...(kinds.has('lpr_camera') ? [] : ['车牌识别']), ...(kinds.has('barrier_gate') || kinds.has('turnstile') ? [] : ['道闸或闸机'])];
      return missing.length ? [siteFinding(s, `缺少${missing.join('、')}`)] : [];
    });
    return { figure: `${gates.length - lacking.length} / ${gates.length} 个校门设有车牌识别和出入口控制`, findings: lacking };
  },
  'S-KEYDOOR': (_rule, x) => {
    const sites = x.sites.filter((s) => (KEYDOOR_CATEGORIES as readonly string[]).includes(s.category));
    if (sites.length === 0) return noData('未登记行政楼、实验室、财务室、保密室、机房或宿舍等要害部位');
    const without = sites.filter((s) => s.coverage.entrances.length === 0);
    return { figure: `${sites.length - without.length} / ${sites.length} 个要害部位设有门禁点`, findings: without.map((s) => siteFinding(s, '轮廓上没有门禁点或闸机')) };
  },
  'S-FIN-ALARM': (_rule, x) => {
    const offices = x.sites.filter((s) => s.category === 'finance_office');
    if (offices.length === 0) return noData('未登记财务室（重点部位类别“财务室”）');
    const lacking = offices.flatMap((s) => {
      const kinds = new Set(s.deviceIds.map((id) => x.byId.get(id)?.kind));
      const missing = [...(kinds.has('intrusion_zone') ? [] : ['入侵探测']), ...(kinds.has('panic_button') ? [] : ['紧急报警按钮'])];
      return missing.length ? [siteFinding(s, `缺少${missing.join('、')}`)] : [];
    });
    return { figure: `${offices.length - lacking.length} / ${offices.length} 个财务室设有入侵探测和紧急报警`, findings: lacking };
  },
  'S-NOCAM-PRIVATE': (_rule, x) => {
    const cams = x.devices.filter((d) => isVideo(d) && d.inService);
    if (cams.length === 0) return noData('台账中没有在用摄像机');
    const inside = cams.filter((d) => d.areaPrivacy !== null);
    return { figure: inside.length ? `${inside.length} 台摄像机装在隐私区域` : '隐私区域内没有摄像机', findings: inside.map((d) => deviceFinding(d, `装在隐私区域（${PRIVACY_LABELS[d.areaPrivacy!]}）`)) };
  },
  'S-PERIM-200': () => noData('台账中没有周界防区的长度（防区长度字段尚未提供）'),
  'S-DUTY24': (_rule, x) => {
    if (!x.duty) return noData('未设置监控中心值班岗位（值班管理 → 岗位）');
    return {
      figure: x.duty.gaps.length ? `未来 7 天有 ${x.duty.gaps.length} 个无人值守时段` : '未来 7 天监控中心 24 小时有人值守',
      findings: x.duty.gaps.map((g) => ({ entityType: 'university', id: `${g.post}@${g.from}`, name: g.post, detail: `${g.from} – ${g.to} 无人值守`, campusId: null })),
    };
  },
  'S-CERT': (_rule, x) => {
    if (!x.duty) return noData('未设置监控中心值班岗位（值班管理 → 岗位）');
    const lapsed = x.duty.operatorsUncertified ?? [];
    if (x.duty.rostered === 0 && !lapsed.length) return noData('未来 7 天监控中心没有已发布的排班');
    const rostered = new Set(x.duty.uncertified.map((p) => p.accountId));
    return {
      figure:
        `未来 7 天排班的 ${x.duty.rostered} 名指挥中心值班人员中 ${x.duty.rostered - x.duty.uncertified.length} 名持有效上岗证` +
        (x.duty.operatorsUncertified ? `；${lapsed.length ? `${lapsed.length} 名值班员无有效上岗证` : '值班员全部持有效上岗证'}` : ''),
      findings: [
        ...x.duty.uncertified.map((p): Finding => ({ entityType: 'account', id: p.accountId, name: p.name, detail: `${p.dates.join('、')} 当班时无有效上岗证`, campusId: null })),
        ...lapsed
          .filter((p) => !rostered.has(p.accountId))
          .map((p): Finding => ({ entityType: 'account', id: p.accountId, name: p.name, detail: p.lastValidTo ? `上岗证已于 ${p.lastValidTo} 过期` : '没有上岗证', campusId: null })),
      ],
    };
  },
  'S-FIX-24H': (rule, x) => {
    if (!x.health) return noData('本次评估的输入中没有设备在线状态（规则包 2026.2 起提供）');
    const limitMs = rule.params.hours! * 3_600_000;
    const now = Date.parse(x.asOf);
    const hours = (since: string) => Math.floor((now - Date.parse(since)) / 3_600_000);
    const offline = x.health.filter((h) => !h.online && x.byId.get(h.id)?.inService && now - Date.parse(h.lastSeenAt) > limitMs);
    const repairing = x.devices.filter((d) => d.underRepairSince && now - Date.parse(d.underRepairSince) > limitMs);
    const known = x.health.filter((h) => x.byId.get(h.id)?.inService).length;
    if (known === 0 && !repairing.length) return noData('没有设备向平台上报过状态，无法判断故障时长');
    return {
      figure: `${offline.length + repairing.length} 台设备故障超过 ${rule.params.hours} 小时未修复（离线 ${offline.length} 台，维修中 ${repairing.length} 台）`,
      findings: [
        ...offline.map((h) => deviceFinding(x.byId.get(h.id)!, `离线 ${hours(h.lastSeenAt)} 小时（最后上报 ${h.lastSeenAt}）`)),
        ...repairing.map((d) => deviceFinding(d, `维修中已 ${hours(d.underRepairSince!)} 小时`)),
      ],
    };
  },
  'S-ONLINE': (rule, x) => {
    if (!x.health) return noData('本次评估的输入中没有设备在线状态（规则包 2026.2 起提供）');
    const known = x.health.filter((h) => x.byId.get(h.id)?.inService);
    if (known.length === 0) return noData('没有在用设备向平台上报过状态');
    const online = known.filter((h) => h.online).length;
    const rate = online / known.length;
    return {
      figure: `在线 ${online} / ${known.length}（${pct(rate)}，目标 ${pct(rule.params.minRate!)}）`,
      fraction: Math.min(1, rate / rule.params.minRate!),
      findings: known.filter((h) => !h.online).map((h) => deviceFinding(x.byId.get(h.id)!, `离线（最后上报 ${h.lastSeenAt}）`)),
    };
  },
  'S-RESP': (rule, x) => {
    if (!x.alarms) return noData('本次评估的输入中没有报警处置记录（规则包 2026.2 起提供）');
    const { ackS, arriveS, minShare, days } = rule.params as { ackS: number; arriveS: number; minShare: number; days: number };
    if (x.alarms.length === 0) return noData(`近 ${days} 天没有真实报警，无法衡量响应时间`);
    const lateAck = x.alarms.filter((a) => a.ackS === null || a.ackS > ackS);
    const sent = x.alarms.filter((a) => a.dispatched);
    const lateArrival = sent.filter((a) => a.arriveS === null || a.arriveS > arriveS);
    const ackShare = (x.alarms.length - lateAck.length) / x.alarms.length;
    const arriveShare = sent.length ? (sent.length - lateArrival.length) / sent.length : 1;
    const late = new Map<string, { a: InputAlarm; why: string[] }>();
    for (const a of lateAck) late.set(a.id, { a, why: [a.ackS === null ? '无人接警' : `${a.ackS} 秒接警`] });
    for (const a of lateArrival) {
      const why = a.arriveS === null ? '保安未到场' : `${a.arriveS} 秒到场`;
      late.set(a.id, { a, why: [...(late.get(a.id)?.why ?? []), why] });
    }
    return {
      figure: `近 ${days} 天 ${x.alarms.length} 起报警：${pct(ackShare)} 在 ${ackS} 秒内接警；派警 ${sent.length} 起中 ${pct(arriveShare)} 在 ${arriveS} 秒内到场`,
      fraction: (Math.min(1, ackShare / minShare) + Math.min(1, arriveShare / minShare)) / 2,
      findings: [...late.values()].map(({ a, why }) => ({ entityType: 'alarm', id: a.id, name: `${a.type} · ${a.createdAt}`, detail: why.join('，'), campusId: a.campusId })),
    };
  },
  'S-REC': (rule, x) => {
    if (!x.recordings) return noData('本次评估的输入中没有录像记录（规则包 2026.2 起提供）');
    const recorded = x.recordings.filter((r) => x.byId.get(r.deviceId)?.inService);
    if (recorded.length === 0) return noData('平台没有为任何在用摄像机录像（录像计划）；录像机上的录像需经 GB/T 28181 检索核验（尚未提供）');
    const min = rule.params.minComplete!;
    const findings = recorded.flatMap((r): Finding[] => {
      const problems = [
        ...(r.complete !== null && r.complete < min ? [`昨日录像完整率 ${pct(r.complete)}`] : []),
        // Only a plan that has run longer than the period can be asked to hold all of it (a day's slack for the cleaner's round).
        ...(r.planDays >= r.retentionDays + 1 && (r.heldDays ?? 0) < r.retentionDays ? [`实际保存 ${r.heldDays === null ? 0 : Math.floor(r.heldDays)} 天，应保存 ${r.retentionDays} 天`] : []),
      ];
      return problems.length ? [deviceFinding(x.byId.get(r.deviceId)!, problems.join('；'))] : [];
    });
    return {
      figure: `平台录像的 ${recorded.length} 台摄像机中 ${recorded.length - findings.length} 台录像完整且保存达标`,
      fraction: (recorded.length - findings.length) / recorded.length,
      findings,
    };
  },
  'S-PANIC-24H': (rule, x) => {
    if (!x.panicRules) return noData('本次评估的输入中没有报警规则（规则包 2026.2 起提供）');
    if (!x.devices.some((d) => d.kind === 'panic_button' && d.inService)) return noData('台账中没有在用的紧急报警按钮');
    const enabled = x.panicRules.filter((r) => r.enabled);
    const always = enabled.filter((r) => r.armedAlways);
    const ruleFinding = (r: InputPanicRule, detail: string): Finding => ({ entityType: 'rule', id: r.id, name: r.name, detail, campusId: null });
    if (always.length === 0) {
      return {
        figure: enabled.length ? `${enabled.length} 条紧急报警规则都按时段布防，没有全天布防的规则` : '没有启用的紧急报警规则',
        fraction: 0,
        findings: enabled.length ? enabled.map((r) => ruleFinding(r, '按时段布防，非全天')) : [{ entityType: 'university', id: 'panic-rule', name: '紧急报警规则', detail: '没有启用的把紧急报警按钮触发转为报警的规则', campusId: null }],
      };
    }
    const unlatched = always.filter((r) => !r.latch);
    return {
      figure: unlatched.length === always.length ? `${always.length} 条全天布防的紧急报警规则都不保持报警（无须人工复位）` : `${always.length} 条紧急报警规则全天布防并保持报警`,
      fraction: unlatched.length === always.length ? 1 - 2 / rule.points : 1,
      findings: unlatched.length === always.length ? unlatched.map((r) => ruleFinding(r, '不保持报警：报警可不经人工复位关闭（S-NOMISS）')) : [],
    };
  },
  'S-ROOM': (rule, x) => judgeEvidence(rule, x.evidence?.[rule.id]),
  'S-UPS-1H': (rule, x) => judgeEvidence(rule, x.evidence?.[rule.id]),
};

const PRIVACY_LABELS: Record<PrivacyKind, string> = { dormitory_room: '宿舍房间', bathroom: '浴室', toilet: '卫生间', changing_room: '更衣室', lactation_room: '母婴室' };

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

function judge(rule: PackRule, x: Scoped): RuleResult {
  const checker = CHECKERS[rule.id];
  const j = checker ? checker(rule, x) : noData('该规则尚无检查程序');
  let earned: number;
  let status: RuleStatus;
  if (j.status === 'no_data') {
    earned = 0;
    status = 'no_data';
  } else {
    earned = j.fraction !== undefined ? rule.points * j.fraction : Math.max(0, rule.points - rule.perFinding * j.findings.length);
    status = earned >= rule.points ? 'pass' : earned <= 0 ? 'fail' : 'partial';
  }
  return {
    ruleId: rule.id,
    status,
    points: rule.points,
    earned: round2(earned),
    figure: j.figure,
    findings: j.findings.slice(0, MAX_FINDINGS_LISTED),
    findingsTotal: j.findings.length,
    missing: j.missing ?? null,
  };
}

/** Scores a university (or one of its campuses) against a pack. */
export function evaluate(pack: RulePack, inputs: ComplianceInputs, campusId: string | null, computedAt: string): ComplianceScore {
  const devices = campusId ? inputs.devices.filter((d) => d.campusId === campusId) : inputs.devices;
  const scoped: Scoped = {
    ...inputs,
    devices,
    sites: campusId ? inputs.sites.filter((s) => s.campusId === campusId) : inputs.sites,
    alarms: campusId && inputs.alarms ? inputs.alarms.filter((a) => a.campusId === campusId) : inputs.alarms,
    byId: new Map(devices.map((d) => [d.id, d])),
  };
  const rules = pack.rules.map((rule) => ({ rule, result: judge(rule, scoped) }));
  const possible = rules.reduce((sum, r) => sum + r.rule.points, 0);
  const earned = rules.reduce((sum, r) => sum + r.result.earned, 0);
  const counts = { pass: 0, partial: 0, fail: 0, no_data: 0 };
  for (const r of rules) counts[r.result.status]++;
  return {
    universityId: inputs.universityId,
    campusId,
    pack: { id: pack.id, version: pack.version, title: pack.title },
    computedAt,
    score: possible ? round1((100 * earned) / possible) : 0,
    earned: round2(earned),
    possible,
    counts,
    rules,
  };
}
