import type { AlarmType } from '../../../shared/alarms.ts';

export interface SopStepTemplate {
  key: string;
  title: string;
  mandatory: boolean;
  /** What finishing the step needs besides a click. */
  requires: 'none' | 'note' | 'photo';
}

const s = (key: string, title: string, mandatory = true, requires: SopStepTemplate['requires'] = 'none'): SopStepTemplate => ({ key, title, mandatory, requires });

/** Closing steps every procedure ends with: what happened, and who was told. */
const CLOSE = [s('record', '填写处置情况（原因、经过、结果）', true, 'note'), s('report', '按规定报告值班领导/保卫处处长', false, 'note')];

/**
 * Default procedures (报警处置程序, R14) per alarm type, written the way a duty room's wall chart
 * reads. A security office edits its own copy; these are where a new university starts.
 */
export const DEFAULT_SOPS: Partial<Record<AlarmType, SopStepTemplate[]>> = {
  intrusion: [
    s('video', '调取联动视频，确认现场是否有人员活动'),
    s('dispatch', '派最近的巡逻队员赶赴现场'),
    s('onsite', '队员到场核查门窗、财物情况并拍照', true, 'photo'),
    s('police', '确认盗窃/破坏的，立即报警（110）并保护现场', false, 'note'),
    s('reset', '确认安全后由现场人员复位报警'),
    ...CLOSE,
  ],
  perimeter: [
    s('video', '调取周界联动视频，确认有无翻越、破坏'),
    s('dispatch', '派巡逻队员沿周界核查'),
    s('onsite', '现场核查围墙/围栏及电子围栏状态并拍照', true, 'photo'),
    s('track', '发现可疑人员的，通过视频追踪其去向', false, 'note'),
    s('reset', '确认安全后复位报警'),
    ...CLOSE,
  ],
  fire: [
    s('video', '调取联动视频确认火情（烟雾、明火）'),
    s('call119', '确认火情的立即拨打119，报告地址与燃烧物', true, 'note'),
    s('evacuate', '确认疏散门已开启，组织人员疏散（核对门禁回执）'),
    s('dispatch', '派义务消防队/保安携带灭火器材到场'),
    s('guide', '派人到路口引导消防车'),
    s('onsite', '现场情况拍照留存', false, 'photo'),
    ...CLOSE,
  ],
  panic: [
    s('video', '调取联动视频，查看求助人及周边情况'),
    s('callback', '回拨/喊话联系求助人，了解求助原因', false, 'note'),
    s('dispatch', '派最近的巡逻队员立即赶赴现场'),
    s('onsite', '队员到场处置，必要时联系120/110', true, 'note'),
    s('reset', '现场确认后复位紧急按钮'),
    ...CLOSE,
  ],
  door_forced: [
    s('video', '调取门口联动视频，查看进出人员'),
    s('dispatch', '派巡逻队员到场检查'),
    s('onsite', '检查门锁、门体是否损坏并拍照', true, 'photo'),
    ...CLOSE,
  ],
  device_offline: [
    s('check', '在地图与设备台账中确认设备位置及同区域其他设备状态'),
    s('repair', '通知运维人员检修（24小时内修复）', true, 'note'),
    s('cover', '检修期间安排人员巡查该区域', false),
    ...CLOSE,
  ],
  patrol_missed: [
    s('contact', '联系当班巡逻队员，核实是否漏巡或签到设备故障', true, 'note'),
    s('recheck', '安排人员补巡该巡更点', true),
    s('inspect', '补巡时检查巡更点周边有无异常', false, 'note'),
    ...CLOSE,
  ],
  blacklisted_plate: [
    s('video', '调取卡口联动视频，核对车牌与车辆特征'),
    s('stop', '通知门岗拦停车辆，核实身份与来访事由'),
    s('police', '涉嫌违法的报警处理', false, 'note'),
    ...CLOSE,
  ],
};

/** Procedure for alarm types without their own: look, decide, record. */
export const GENERIC_SOP: SopStepTemplate[] = [s('video', '调取联动视频，确认报警情况'), s('decide', '判断是否需要派人到场', false, 'note'), ...CLOSE];

export const sopFor = (type: AlarmType) => DEFAULT_SOPS[type] ?? GENERIC_SOP;
