import type { RuleDefinitionT, ScheduleT } from '../../../shared/alarms.ts';

/** Weeknights and weekends: when offices, labs and finance rooms are empty. */
const AFTER_HOURS: ScheduleT = {
  periods: [
    { days: [1, 2, 3, 4, 5], from: '19:00', to: '07:00' },
    { days: [6, 7], from: '00:00', to: '24:00' },
  ],
  holidays: 'armed',
  vacations: 'as_scheduled',
};

/**
 * Rules every university starts with; the security office adjusts them. Each cites the rule of
 * the standard it serves (see shared STANDARDS).
 */
export const DEFAULT_RULES: RuleDefinitionT[] = [
  {
    name: '紧急求助报警（24小时布防）',
    description: 'S-PANIC-24H, S-NOMISS: panic buttons are armed around the clock and latch until reset.',
    enabled: true,
    trigger: { type: 'event', kinds: ['panic'] },
    actions: [
      { type: 'create_alarm', alarmType: 'panic', priority: 1, latch: true },
      { type: 'link_cameras', max: 4 },
      { type: 'notify_guards', count: 2 },
    ],
  },
  {
    name: '入侵报警（非工作时间布防）',
    description: 'S-NOMISS: intrusion alarms latch until reset. Armed after hours, weekends and holidays.',
    enabled: true,
    trigger: { type: 'event', kinds: ['intrusion'] },
    schedule: AFTER_HOURS,
    actions: [
      { type: 'create_alarm', alarmType: 'intrusion', priority: 1, latch: true },
      { type: 'link_cameras', max: 4 },
      { type: 'notify_guards', count: 2 },
    ],
  },
  {
    name: '周界报警',
    description: 'S-PERIM: perimeter detection is armed around the clock.',
    enabled: true,
    trigger: { type: 'event', kinds: ['perimeter'] },
    actions: [
      { type: 'create_alarm', alarmType: 'perimeter', priority: 1, latch: true },
      { type: 'link_cameras', max: 4 },
      { type: 'notify_guards', count: 2 },
    ],
  },
  {
    name: '火警联动开启疏散门',
    description: 'S-FIRE-OPEN: on a fire alarm the doors of the building are opened for evacuation.',
    enabled: true,
    trigger: { type: 'event', kinds: ['fire'] },
    actions: [
      { type: 'create_alarm', alarmType: 'fire', priority: 1 },
      { type: 'door_command', command: 'hold_open', target: 'doors_in_building', timeoutSeconds: 2 },
      { type: 'link_cameras', max: 4 },
      { type: 'notify_guards', count: 3 },
    ],
  },
  {
    name: '烟感报警',
    enabled: true,
    trigger: { type: 'event', kinds: ['smoke'] },
    actions: [
      { type: 'create_alarm', alarmType: 'fire', priority: 2 },
      { type: 'link_cameras', max: 2 },
    ],
  },
  {
    name: '门被强行打开',
    enabled: true,
    trigger: { type: 'event', kinds: ['door.forced'] },
    actions: [
      { type: 'create_alarm', alarmType: 'door_forced', priority: 2 },
      { type: 'link_cameras', max: 2 },
    ],
  },
  {
    name: '连续刷卡失败（2分钟内5次）',
    description: 'S-AC-FAIL5: at most 5 failed attempts at one reader before an alarm.',
    enabled: true,
    trigger: { type: 'count', kinds: ['access.denied'], threshold: 5, windowSeconds: 120 },
    actions: [
      { type: 'create_alarm', alarmType: 'access_failures', priority: 3 },
      { type: 'link_cameras', max: 2 },
    ],
  },
  {
    name: '设备离线',
    description: 'S-FIX-24H: an offline device is a maintenance task.',
    enabled: true,
    trigger: { type: 'event', kinds: ['device.went_offline'] },
    actions: [{ type: 'create_alarm', alarmType: 'device_offline', priority: 4 }],
  },
  {
    name: '报警设备离线（紧急求助、周界、入侵、火警）',
    description: 'S-NOMISS: while a panic button, a perimeter or intrusion zone or a fire detector is offline, its alarms cannot reach anyone; more urgent than an ordinary device going offline (the most urgent matching rule names the alarm).',
    enabled: true,
    trigger: { type: 'event', kinds: ['device.went_offline'], deviceKinds: ['panic_button', 'perimeter_zone', 'intrusion_zone', 'fire_detector', 'alarm_panel'] },
    actions: [{ type: 'create_alarm', alarmType: 'device_offline', priority: 2 }],
  },
  {
    name: '重点部位设备离线',
    description: 'A device inside a key site (重点部位) going offline leaves that site unwatched.',
    enabled: true,
    trigger: {
      type: 'event',
      kinds: ['device.went_offline'],
      keySiteCategories: ['gate', 'key_laboratory', 'hazardous_lab', 'finance_office', 'secrets_room', 'archives', 'machine_room'],
    },
    actions: [{ type: 'create_alarm', alarmType: 'device_offline', priority: 3 }],
  },
  {
    name: '夜间巡更漏检（21:00–23:00 每个巡更点须签到）',
    description: 'Example absence rule: enable it once patrol routes and checkpoints are in the ledger.',
    enabled: false,
    trigger: { type: 'absence', kinds: ['patrol.checkin'], from: '21:00', by: '23:00', deviceKinds: ['patrol_checkpoint'] },
    actions: [{ type: 'create_alarm', alarmType: 'patrol_missed', priority: 3 }],
  },
  {
    // The patrol module raises patrol.missed once a checkpoint's window and grace passed unchecked.
    name: '巡更漏检',
    description: 'A checkpoint of a scheduled tour left unchecked past its window and grace is followed up by the command centre.',
    enabled: true,
    trigger: { type: 'event', kinds: ['patrol.missed'] },
    actions: [{ type: 'create_alarm', alarmType: 'patrol_missed', priority: 3 }],
  },
  {
    name: '设备防拆/视频遮挡',
    enabled: true,
    trigger: { type: 'event', kinds: ['tamper', 'video.loss'] },
    actions: [{ type: 'create_alarm', alarmType: 'tamper', priority: 3 }],
  },
  {
    name: '黑名单人员比中',
    enabled: true,
    trigger: { type: 'event', kinds: ['face.match'] },
    actions: [
      { type: 'create_alarm', alarmType: 'face_watchlist', priority: 2 },
      { type: 'link_cameras', max: 4 },
    ],
  },
  {
    // The gate refused it already (modules/vehicles); the command centre looks at who it is.
    name: '黑名单车辆闯卡',
    enabled: true,
    trigger: { type: 'event', kinds: ['vehicle.banned'] },
    actions: [
      { type: 'create_alarm', alarmType: 'blacklisted_plate', priority: 2 },
      { type: 'link_cameras', max: 4 },
    ],
  },
];
