import type { DeviceKind, DeviceStatus, KeySiteCategory } from '../../shared/domain.ts';

/** Device shapes on the map and in legends; a kind keeps its shape and colour everywhere. */
export type Shape = 'circle' | 'roundedSquare' | 'square' | 'triangle' | 'triangleDown' | 'diamond' | 'wide' | 'hexagon' | 'star' | 'octagon' | 'pentagon' | 'cross';

export const DEVICE_STYLE: Record<DeviceKind, { color: string; shape: Shape }> = {
  camera: { color: '#1677ff', shape: 'circle' },
  lpr_camera: { color: '#13a8a8', shape: 'roundedSquare' },
  door: { color: '#389e0d', shape: 'square' },
  intrusion_zone: { color: '#d4380d', shape: 'triangle' },
  perimeter_zone: { color: '#ad4e00', shape: 'triangleDown' },
  fire_detector: { color: '#cf1322', shape: 'diamond' },
  barrier_gate: { color: '#722ed1', shape: 'wide' },
  turnstile: { color: '#2f54eb', shape: 'hexagon' },
  patrol_checkpoint: { color: '#d48806', shape: 'star' },
  panic_button: { color: '#c41d7f', shape: 'octagon' },
  recorder: { color: '#434343', shape: 'pentagon' },
  alarm_panel: { color: '#874d00', shape: 'cross' },
};

/** Ledger status: antd Badge status and the ring drawn around a device on the map. */
export const STATUS_STYLE: Record<DeviceStatus, { badge: 'success' | 'warning' | 'default' | 'error'; ring: string | null }> = {
  in_service: { badge: 'success', ring: null },
  under_repair: { badge: 'warning', ring: '#fa8c16' },
  out_of_service: { badge: 'default', ring: '#8c8c8c' },
  retired: { badge: 'error', ring: '#262626' },
};

/** Key-site fills, grouped by kind of risk: security (reds), people (blues), infrastructure (greens/greys). */
export const KEY_SITE_COLOR: Record<KeySiteCategory, string> = {
  gate: '#fa541c',
  admin_building: '#2f54eb',
  key_laboratory: '#eb2f96',
  hazardous_lab: '#f5222d',
  finance_office: '#faad14',
  secrets_room: '#a8071a',
  archives: '#ad6800',
  machine_room: '#13c2c2',
  dormitory: '#1677ff',
  canteen: '#a0d911',
  library: '#722ed1',
  sports_venue: '#52c41a',
  auditorium: '#9254de',
  teaching_building: '#4096ff',
  perimeter: '#ff7a45',
  parking: '#8c8c8c',
  utility: '#08979c',
  road_square: '#bfbfbf',
  monitoring_center: '#cf1322',
};
