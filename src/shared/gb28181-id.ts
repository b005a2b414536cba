/**
 * GB/T 28181 20-digit device/user codes (国标编码):
 *
 *   中心编码 (8) + 行业编码 (2) + 类型编码 (3) + 网络标识 (1) + 序号 (6)
 *   e.g. 31011500 11 132 0 000001 — Shanghai/Pudong, education (11), IP camera (132), private net, #1
 *
 * The 8-digit centre code is the GB/T 2260 administrative area of the monitoring centre
 * (province 2 + city 2 + district 2 + base-level unit 2, unused trailing levels are 00).
 * Browser-safe: only a type import.
 */

import type { DeviceKind } from './domain.ts';

export interface GbIdParts {
  /** 8-digit centre/administrative area code, e.g. `31011500`. */
  area: string;
  /** 2-digit province-level code, e.g. `31`. */
  province: string;
  /** English name of the province-level division, e.g. `Shanghai`. */
  provinceName: string;
  city: string;
  district: string;
  unit: string;
  /** 2-digit industry code, e.g. `11` (education). */
  industry: string;
  /** 3-digit type code, e.g. `132`. */
  type: string;
  typeName: string;
  /** Single network digit, e.g. `0`. */
  network: string;
  networkName: string;
  /** 6-digit serial number. */
  serial: string;
}

export type GbIdParseResult = { ok: true; parts: GbIdParts } | { ok: false; reason: string };

/** Province-level codes of GB/T 2260 (the first two digits of an area code). */
export const GB_PROVINCES: Readonly<Record<string, string>> = {
  '11': 'Beijing',
  '12': 'Tianjin',
  '13': 'Hebei',
  '14': 'Shanxi',
  '15': 'Inner Mongolia',
  '21': 'Liaoning',
  '22': 'Jilin',
  '23': 'Heilongjiang',
  '31': 'Shanghai',
  '32': 'Jiangsu',
  '33': 'Zhejiang',
  '34': 'Anhui',
  '35': 'Fujian',
  '36': 'Jiangxi',
  '37': 'Shandong',
  '41': 'Henan',
  '42': 'Hubei',
  '43': 'Hunan',
  '44': 'Guangdong',
  '45': 'Guangxi',
  '46': 'Hainan',
  '50': 'Chongqing',
  '51': 'Sichuan',
  '52': 'Guizhou',
  '53': 'Yunnan',
  '54': 'Tibet',
  '61': 'Shaanxi',
  '62': 'Gansu',
  '63': 'Qinghai',
  '64': 'Ningxia',
  '65': 'Xinjiang',
  '71': 'Taiwan',
  '81': 'Hong Kong',
  '82': 'Macao',
};

/** Named type codes; ranges without an individual name are resolved by {@link gbTypeName}. */
const NAMED_TYPES: Readonly<Record<number, string>> = {
  111: 'DVR',
  112: 'video server',
  113: 'encoder',
  114: 'decoder',
  115: 'video switching matrix',
  116: 'audio switching matrix',
  117: 'alarm controller',
  118: 'NVR',
  131: 'camera',
  132: 'IP camera',
  133: 'display',
  134: 'alarm input',
  135: 'alarm output',
  136: 'audio input',
  137: 'audio output',
  138: 'mobile transmission device',
  139: 'other front-end peripheral',
  200: 'SIP/centre server',
  201: 'web application server',
  202: 'media distribution server',
  203: 'proxy server',
  204: 'security server',
  205: 'alarm server',
  206: 'database server',
  207: 'GIS server',
  208: 'management server',
  209: 'access gateway',
  210: 'media storage server',
  211: 'signalling security routing gateway',
  215: 'business group',
  216: 'virtual organisation',
};

/** Network digit (网络标识) → meaning. 9 is reserved and therefore rejected. */
export const GB_NETWORKS: Readonly<Record<string, string>> = {
  '0': 'monitoring/alarm private network',
  '1': 'monitoring/alarm private network',
  '2': 'monitoring/alarm private network',
  '3': 'monitoring/alarm private network',
  '4': 'monitoring/alarm private network',
  '5': 'public-security information network',
  '6': 'government network',
  '7': 'Internet',
  '8': 'social resource access network',
};

/** Human name of a 3-digit type code, or null when the code is not assigned (000–110 or out of range). */
export function gbTypeName(type: string | number): string | null {
  const code = typeof type === 'number' ? type : /^\d{3}$/.test(type) ? Number(type) : NaN;
  if (!Number.isInteger(code)) return null;
  const named = NAMED_TYPES[code];
  if (named) return named;
  if (code >= 111 && code <= 130) return 'extended front-end main device';
  if (code >= 131 && code <= 199) return 'extended front-end peripheral';
  if (code >= 200 && code <= 299) return 'extended platform device';
  if (code >= 300 && code <= 399) return 'centre terminal';
  if (code >= 400 && code <= 499) return 'user';
  if (code >= 500 && code <= 999) return 'extension type';
  return null;
}

/** Parses a GB/T 28181 20-digit code. Whitespace is not trimmed: the code is an exact identifier. */
export function parseGbId(id: string): GbIdParseResult {
  if (typeof id !== 'string') return { ok: false, reason: `must be a string of 20 digits (got ${id === null ? 'null' : typeof id})` };
  if (id.length !== 20) return { ok: false, reason: `must be exactly 20 digits (got ${id.length})` };
  const bad = id.search(/[^0-9]/);
  if (bad >= 0) {
    const ch = id[bad] === ' ' ? 'a space' : `'${id[bad]}'`;
    return { ok: false, reason: `must contain only digits 0-9 (found ${ch} at position ${bad + 1})` };
  }

  const area = id.slice(0, 8);
  const province = id.slice(0, 2);
  const provinceName = GB_PROVINCES[province];
  if (!provinceName) return { ok: false, reason: `province code ${province} is not a valid Chinese province-level code` };

  const type = id.slice(10, 13);
  const typeName = gbTypeName(type);
  if (!typeName) return { ok: false, reason: `type code ${type} is not an assigned device type (valid: 111-999)` };

  const network = id.slice(13, 14);
  const networkName = GB_NETWORKS[network];
  if (!networkName) return { ok: false, reason: `network digit ${network} is reserved; use 0-4 (private), 5 (public-security), 6 (government), 7 (Internet) or 8 (social resources)` };

  return {
    ok: true,
    parts: {
      area,
      province,
      provinceName,
      city: id.slice(2, 4),
      district: id.slice(4, 6),
      unit: id.slice(6, 8),
      industry: id.slice(8, 10),
      type,
      typeName,
      network,
      networkName,
      serial: id.slice(14, 20),
    },
  };
}

interface KindRule {
  /** Noun phrase with article, used in reasons: "does not fit a camera". */
  label: string;
  accepts: (type: number) => boolean;
  /** What to use instead, e.g. "131 or 132". */
  hint: string;
}

const oneOf = (...codes: number[]) => (t: number) => codes.includes(t);
const frontEnd = (t: number) => t >= 111 && t <= 199;
const ALARM_INPUT: Omit<KindRule, 'label'> = { accepts: oneOf(134), hint: '134 (alarm input)' };
const FRONT_END: Omit<KindRule, 'label'> = { accepts: frontEnd, hint: 'a front-end device type 111-199' };

/** Which GB/T 28181 type codes fit each device kind (exhaustive over DeviceKind). */
const KIND_RULES: Readonly<Record<DeviceKind, KindRule>> = {
  camera: { label: 'a camera', accepts: oneOf(131, 132), hint: '131 or 132' },
  lpr_camera: { label: 'an LPR camera', accepts: oneOf(131, 132), hint: '131 or 132' },
  recorder: { label: 'a recorder', accepts: oneOf(111, 118), hint: '111 (DVR) or 118 (NVR)' },
  alarm_panel: { label: 'an alarm panel', accepts: oneOf(117), hint: '117 (alarm controller)' },
  intrusion_zone: { label: 'an intrusion zone', ...ALARM_INPUT },
  perimeter_zone: { label: 'a perimeter zone', ...ALARM_INPUT },
  panic_button: { label: 'a panic button', ...ALARM_INPUT },
  fire_detector: { label: 'a fire detector', ...ALARM_INPUT },
  door: { label: 'a door', ...FRONT_END },
  barrier_gate: { label: 'a barrier gate', ...FRONT_END },
  turnstile: { label: 'a turnstile', ...FRONT_END },
  patrol_checkpoint: { label: 'a patrol checkpoint', ...FRONT_END },
};

/** Device kinds that have a GB/T 28181 type rule. */
export const GB_RULED_DEVICE_KINDS = Object.keys(KIND_RULES) as readonly DeviceKind[];

/**
 * Checks that `id` is a valid GB/T 28181 code whose type fits the device kind.
 * Returns null when it fits, otherwise an English reason, e.g.
 * "type 118 (NVR) does not fit a camera; use 131 or 132".
 */
export function checkGbIdForDeviceKind(id: string, kind: DeviceKind | (string & {})): string | null {
  const parsed = parseGbId(id);
  if (!parsed.ok) return parsed.reason;
  const rule = Object.hasOwn(KIND_RULES, kind) ? KIND_RULES[kind as DeviceKind] : undefined;
  if (!rule) return `device kind '${kind}' has no GB/T 28181 type rule`;
  const { type, typeName } = parsed.parts;
  if (rule.accepts(Number(type))) return null;
  return `type ${type} (${typeName}) does not fit ${rule.label}; use ${rule.hint}`;
}
