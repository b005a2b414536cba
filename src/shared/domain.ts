/**
 * Closed lists of the domain, shared by server and web. Chinese terms live in the i18n files
 * (`src/shared/i18n/`); code uses the English keys below.
 */

export const ROLES = ['admin', 'commission_analyst', 'security_director', 'operator', 'guard', 'maintainer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
/** Roles not bound to one university: they see every university (admin writes, analyst reads). */
export const CITY_WIDE_ROLES: readonly Role[] = ['admin', 'commission_analyst'];

export const ORG_KINDS = ['commission', 'university', 'campus', 'building', 'floor', 'area'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
/** Which kind may sit under which. */
export const ORG_PARENT_KIND: Record<OrgKind, OrgKind | null> = {
  commission: null,
  university: 'commission',
  campus: 'university',
  building: 'campus',
  floor: 'building',
  area: 'floor',
};

/** Areas where cameras are forbidden (S-NOCAM-PRIVATE). */
export const PRIVACY_KINDS = ['dormitory_room', 'bathroom', 'toilet', 'changing_room', 'lactation_room'] as const;
export type PrivacyKind = (typeof PRIVACY_KINDS)[number];

/** 重点部位 categories. */
export const KEY_SITE_CATEGORIES = [
  'gate', // 校门
  'admin_building', // 行政楼
  'key_laboratory', // 重点实验室
  'hazardous_lab', // 危化品/放射源/病原体实验室
  'finance_office', // 财务室
  'secrets_room', // 保密室
  'archives', // 档案室
  'machine_room', // 机房/网络中心
  'dormitory', // 学生宿舍
  'canteen', // 食堂
  'library', // 图书馆
  'sports_venue', // 体育场馆
  'auditorium', // 礼堂/报告厅
  'teaching_building', // 教学楼
  'perimeter', // 周界
  'parking', // 停车场
  'utility', // 水电气设施
  'road_square', // 主干道/广场
  'monitoring_center', // 监控中心
] as const;
export type KeySiteCategory = (typeof KEY_SITE_CATEGORIES)[number];

export const DEVICE_KINDS = [
  'camera',
  'door',
  'intrusion_zone',
  'perimeter_zone',
  'fire_detector',
  'barrier_gate',
  'lpr_camera',
  'turnstile',
  'patrol_checkpoint',
  'panic_button',
  'recorder',
  'alarm_panel',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];
/** Kinds that carry the camera fields (resolution, FOV …). */
export const CAMERA_KINDS: readonly DeviceKind[] = ['camera', 'lpr_camera'];

/** Ledger status (在用/维修中/停用/报废); online/offline is device health, not ledger. */
export const DEVICE_STATUSES = ['in_service', 'under_repair', 'out_of_service', 'retired'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export const CAMERA_RESOLUTIONS = ['analog', '720p', '1080p', '4k'] as const;
export type CameraResolution = (typeof CAMERA_RESOLUTIONS)[number];
export const CAMERA_TYPES = ['fixed', 'ptz'] as const;
export type CameraType = (typeof CAMERA_TYPES)[number];
export const PLACEMENTS = ['indoor', 'outdoor'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const MAINTENANCE_KINDS = ['inspection', 'repair', 'replacement', 'cleaning', 'firmware', 'other'] as const;
export type MaintenanceKind = (typeof MAINTENANCE_KINDS)[number];
