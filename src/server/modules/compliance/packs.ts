/**
 * Rule packs as data (issue 16 item 1): each rule with its source, level (应/宜), points, deduction
 * rule, what it applies to, how an inspector checks it and its parameters. A pack is versioned and
 * every score names the version it used. The checkers (checkers.ts) compute what can be computed;
 * a rule whose data the platform lacks answers 无数据 and earns nothing.
 */
import type { PackRule } from '../../../shared/compliance.ts';

export interface RulePack {
  id: string;
  version: string;
  title: string;
  rules: readonly PackRule[];
}

/** Key-site categories whose every entrance needs door access control (S-KEYDOOR). */
export const KEYDOOR_CATEGORIES = ['admin_building', 'key_laboratory', 'hazardous_lab', 'finance_office', 'secrets_room', 'machine_room', 'dormitory'] as const;

/** The rules of the first version (2026.1): its stored snapshots are replayed with exactly these. */
const RULES_2026_1: readonly PackRule[] = [
  {
    id: 'S-COVER',
    title: '重点部位视频全覆盖',
    source: '上海高校技防规划 §4.1.1；GB/T 31068-2014 附录A',
    level: 'required',
    points: 15,
    deduction: '按各重点部位覆盖率（达到 98% 记满）的平均值得分',
    perFinding: 0,
    appliesTo: '全部重点部位',
    evidenceMethod: 'system_data',
    params: { minShare: 0.98 },
  },
  {
    id: 'S-ENTRY-ID',
    title: '重点部位出入口视频可辨识人脸',
    source: 'GB 55029-2022 §3.1.4',
    level: 'required',
    points: 5,
    deduction: '按可辨识人脸（250 像素/米）的出入口比例得分',
    perFinding: 0,
    appliesTo: '重点部位出入口（门禁点、闸机、道闸）',
    evidenceMethod: 'system_data',
    params: { pixelsPerMetre: 250 },
  },
  {
    id: 'S-RET-30',
    title: '视频图像存储不少于 30 天',
    source: '上海高校技防规划 §4.4.1',
    level: 'required',
    points: 10,
    deduction: '按存储天数达标的摄像机、录像机比例得分（未登记存储天数按不达标计）',
    perFinding: 0,
    appliesTo: '全部在用摄像机和录像机',
    evidenceMethod: 'system_data',
    params: { days: 30 },
  },
  {
    id: 'S-RET-90',
    title: '重点部位视频存储不少于 90 天',
    source: '上海高校技防规划 §4.4.1',
    level: 'required',
    points: 10,
    deduction: '按拍摄重点部位的摄像机中存储达 90 天的比例得分',
    perFinding: 0,
    appliesTo: '拍摄重点部位的摄像机',
    evidenceMethod: 'system_data',
    params: { days: 90 },
  },
  {
    id: 'S-HD',
    title: '摄像机全部高清',
    source: '上海高校技防规划 §4.1.2',
    level: 'required',
    points: 10,
    deduction: '按高清摄像机比例得分',
    perFinding: 0,
    appliesTo: '全部在用摄像机',
    evidenceMethod: 'system_data',
    params: {},
  },
  {
    id: 'S-4K',
    title: '重点部位宜采用 4K 摄像机',
    source: '上海高校技防规划 §4.1.2',
    level: 'recommended',
    points: 2,
    deduction: '重点部位 4K 摄像机比例低于目标时按比例得分',
    perFinding: 0,
    appliesTo: '拍摄重点部位的摄像机',
    evidenceMethod: 'system_data',
    params: { targetShare: 0.3 },
  },
  {
    id: 'S-GATE',
    title: '校门设人员、车辆出入口控制及车牌识别',
    source: '上海高校技防规划 §4.1.3',
    level: 'required',
    points: 10,
    deduction: '每个缺少车牌识别或出入口控制（道闸/闸机）的校门扣 5 分，扣完为止',
    perFinding: 5,
    appliesTo: '校门（重点部位类别：校门）',
    evidenceMethod: 'system_data',
    params: {},
  },
  {
    id: 'S-KEYDOOR',
    title: '要害部位出入口设门禁',
    source: '上海高校技防规划 §4.1.3',
    level: 'required',
    points: 10,
    deduction: '每个没有门禁点的要害部位扣 2 分，扣完为止',
    perFinding: 2,
    appliesTo: '行政楼、重点实验室、危化品实验室、财务室、保密室、机房、学生宿舍',
    evidenceMethod: 'system_data',
    params: {},
  },
  {
    id: 'S-FIN-ALARM',
    title: '财务室设入侵探测和紧急报警',
    source: 'GB 51348-2019 §14.2.1',
    level: 'required',
    points: 5,
    deduction: '每个缺少入侵探测或紧急报警按钮的财务室扣 2.5 分，扣完为止',
    perFinding: 2.5,
    appliesTo: '财务室（重点部位类别：财务室）',
    evidenceMethod: 'system_data',
    params: {},
  },
  {
    id: 'S-NOCAM-PRIVATE',
    title: '隐私区域不得安装摄像机',
    source: '国务院令第 799 号（2025）',
    level: 'required',
    points: 10,
    deduction: '隐私区域内每台摄像机扣 10 分',
    perFinding: 10,
    appliesTo: '宿舍房间、浴室、卫生间、更衣室、母婴室',
    evidenceMethod: 'system_data',
    params: {},
  },
  {
    id: 'S-PERIM-200',
    title: '周界报警防区长度不宜大于 200 米',
    source: 'GB 51348-2019 §14.2.1',
    level: 'recommended',
    points: 3,
    deduction: '每个超长防区扣 1 分，扣完为止',
    perFinding: 1,
    appliesTo: '周界防区',
    evidenceMethod: 'system_data',
    params: { maxLengthM: 200 },
  },
  {
    id: 'S-DUTY24',
    title: '监控中心 24 小时值班',
    source: '上海高校技防规划 §4.3.1',
    level: 'required',
    points: 5,
    deduction: '已发布排班中每个无人值守时段扣 1 分，扣完为止',
    perFinding: 1,
    appliesTo: '监控中心值班岗位（未来 7 天已发布排班）',
    evidenceMethod: 'system_data',
    params: { lookaheadDays: 7 },
  },
  {
    id: 'S-CERT',
    title: '技防操作人员持证上岗',
    source: '上海高校技防规划 §4.5.2',
    level: 'required',
    points: 5,
    deduction: '已发布排班中每名无有效上岗证的指挥中心值班人员扣 1 分，扣完为止',
    perFinding: 1,
    appliesTo: '监控中心值班岗位（未来 7 天已发布排班）',
    evidenceMethod: 'system_data',
    params: { lookaheadDays: 7 },
  },
  {
    id: 'S-ROOM',
    title: '监控中心面积与环境',
    source: 'GB 50198-2011 §3.4.1',
    level: 'recommended',
    points: 2,
    deduction: '面积不足 10 m²、温湿度或照度不符各扣 0.5 分',
    perFinding: 0.5,
    appliesTo: '监控中心',
    evidenceMethod: 'site_visit',
    params: { minAreaM2: 10 },
  },
  {
    id: 'S-UPS-1H',
    title: '摄像机、录像机和主显示设备后备电源不少于 1 小时',
    source: 'GB/T 29315',
    level: 'recommended',
    points: 3,
    deduction: '无后备电源证明扣 3 分',
    perFinding: 3,
    appliesTo: '视频监控系统供电',
    evidenceMethod: 'document_review',
    params: { hours: 1 },
  },
];

/** Added in 2026.2: how the system is kept and used — repairs, online rate, response, panic arming. */
const RULES_ADDED_2026_2: readonly PackRule[] = [
  {
    id: 'S-FIX-24H',
    title: '设备故障 24 小时内修复',
    source: 'GB/T 29315（中小学、幼儿园安全技术防范系统要求）',
    level: 'recommended',
    points: 5,
    deduction: '每台故障超过 24 小时未修复（离线或维修中）的在用设备扣 1 分，扣完为止',
    perFinding: 1,
    appliesTo: '全部在用设备（离线按最后一次上报计时，维修中按台账修改时间计时）',
    evidenceMethod: 'system_data',
    params: { hours: 24 },
  },
  {
    id: 'S-ONLINE',
    title: '设备在线率',
    source: '上海高校技防规划 §4.4.2（设备管理与维护）',
    level: 'recommended',
    points: 5,
    deduction: '在线率低于目标时按 在线率 / 目标 的比例得分',
    perFinding: 0,
    appliesTo: '平台已知在线状态的在用设备',
    evidenceMethod: 'system_data',
    params: { minRate: 0.95 },
  },
  {
    id: 'S-RESP',
    title: '报警快速响应',
    source: '上海高校技防规划 §4.5.2（快速响应、人机联动）',
    level: 'required',
    points: 5,
    deduction: '近 30 天报警中按时接警（≤ 60 秒）与按时到场（≤ 300 秒）的比例各占一半；达到 90% 记满',
    perFinding: 0,
    appliesTo: '近 30 天的真实报警（演练除外）',
    evidenceMethod: 'system_data',
    params: { ackS: 60, arriveS: 300, minShare: 0.9, days: 30 },
  },
  {
    id: 'S-PANIC-24H',
    title: '紧急报警 24 小时布防并保持报警',
    source: 'GB 55029-2022 §3.5.1；GB 50394-2007 §5.2.2',
    level: 'required',
    points: 5,
    deduction: '没有全天布防的紧急报警规则扣 5 分；规则不保持报警（须人工复位）扣 2 分',
    perFinding: 0,
    appliesTo: '紧急报警按钮的报警规则',
    evidenceMethod: 'system_data',
    params: {},
  },
];

/** The seed's plan (上海市高校校园安全技术防范规划) and the national standards restated in STANDARDS.md. */
export const BASELINE_PACK: RulePack = {
  id: 'sh-campus-techdefence',
  version: '2026.2',
  title: '高校校园安全技术防范评估（上海规划 + 国家标准）',
  rules: [
    ...RULES_2026_1.map((r) =>
      r.id === 'S-CERT'
        ? { ...r, deduction: '已发布排班中无有效上岗证的指挥中心值班人员、上岗证过期或没有上岗证的值班员，每人扣 1 分，扣完为止', appliesTo: '全部值班员及监控中心值班岗位（未来 7 天已发布排班）' }
        : r,
    ),
    ...RULES_ADDED_2026_2,
  ],
};

/** Every version shipped, so a stored score is recomputed with the pack it names. */
export const SHIPPED_PACKS: readonly RulePack[] = [{ ...BASELINE_PACK, version: '2026.1', rules: RULES_2026_1 }, BASELINE_PACK];
