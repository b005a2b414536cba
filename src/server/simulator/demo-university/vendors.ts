/**
 * Vendors, models and serial-number formats of the security equipment common on Shanghai
 * campuses (海康威视, 大华, 宇视 for video; access, alarm and fire suppliers for the rest).
 */
import type { DeviceKind } from '../../../shared/domain.ts';
import type { Random } from '../../util/random.ts';

export type CameraVendor = '海康威视' | '大华' | '宇视';
export const CAMERA_VENDORS: readonly (readonly [CameraVendor, number])[] = [
  ['海康威视', 50],
  ['大华', 30],
  ['宇视', 20],
];

type Res = 'analog' | '720p' | '1080p' | '4k';

/** Camera models by vendor → resolution → [indoor dome, outdoor bullet, PTZ]. */
const CAMERA_MODELS: Record<CameraVendor, Record<Res, [string, string, string]>> = {
  海康威视: {
    analog: ['DS-2CE56D0T-IT3F', 'DS-2CE16D0T-IT3F', 'DS-2AE4225TI-D'],
    '720p': ['DS-2CD2110F-I', 'DS-2CD2010F-I', 'DS-2DE4120I-D'],
    '1080p': ['DS-2CD3326WDV3-I', 'DS-2CD3T26WDV3-I3', 'DS-2DE4225IW-DE'],
    '4k': ['DS-2CD2185FWD-IS', 'DS-2CD2T87G2-L', 'DS-2DE7A825IW-AEB'],
  },
  大华: {
    analog: ['DH-HAC-HDW1200M', 'DH-HAC-HFW1200R', 'DH-SD49225I-HC'],
    '720p': ['DH-IPC-HDW1120S', 'DH-IPC-HFW1120S', 'DH-SD6C120T-HN'],
    '1080p': ['DH-IPC-HDW2230T-AS', 'DH-IPC-HFW2230S-S', 'DH-SD49225XA-HNR'],
    '4k': ['DH-IPC-HDW2831T-AS', 'DH-IPC-HFW2831T-ZAS', 'DH-SD6AL830V-HNI'],
  },
  宇视: {
    analog: ['UAC-D112-F28', 'UAC-T112-F28', 'UAC-P6212-X20'],
    '720p': ['IPC311SR-DVPF28', 'IPC2111LR3-PF40', 'IPC6412LR-X5P'],
    '1080p': ['IPC322LR3-VSPF28-D', 'IPC2122LR3-PF40-C', 'IPC6622SR-X33-VF'],
    '4k': ['IPC3618SR3-DPF28M', 'IPC2128LR3-DPF40', 'IPC6658SR-X38-VF'],
  },
};

const LPR_MODELS: Record<CameraVendor, string> = { 海康威视: 'DS-TCG227-AIR', 大华: 'DHI-ITC237-PW6M-IRLZF', 宇视: 'HC121@TS8CR-Z' };
const NVR_MODELS: Record<CameraVendor, string> = { 海康威视: 'DS-9664NI-I8', 大华: 'DH-NVR608-64-4KS2', 宇视: 'NVR308-64E-B' };

export function cameraModel(vendor: CameraVendor, res: Res, type: 'fixed' | 'ptz', placement: 'indoor' | 'outdoor'): string {
  const [dome, bullet, ptz] = CAMERA_MODELS[vendor][res];
  return type === 'ptz' ? ptz : placement === 'indoor' ? dome : bullet;
}
export const lprModel = (vendor: CameraVendor) => LPR_MODELS[vendor];
export const nvrModel = (vendor: CameraVendor) => NVR_MODELS[vendor];

/** Other kinds: weighted vendor/model choices. */
const OTHER: Partial<Record<DeviceKind, readonly (readonly [[string, string], number])[]>> = {
  door: [
    [['海康威视', 'DS-K1T671M'], 40],
    [['海康威视', 'DS-K2604T'], 20],
    [['大华', 'DHI-ASI7213X'], 25],
    [['中控智慧', 'inBio460'], 15],
  ],
  barrier_gate: [
    [['海康威视', 'DS-TMG4B5-R'], 50],
    [['捷顺', 'JSDZ0601'], 30],
    [['大华', 'DHI-IPMECD-2032'], 20],
  ],
  turnstile: [
    [['海康威视', 'DS-K3B501S-L/M'], 60],
    [['大华', 'DHI-ASGB610X'], 40],
  ],
  intrusion_zone: [
    [['博世', 'ISC-BDL2-WP12G'], 45],
    [['霍尼韦尔', 'IS3016'], 35],
    [['海康威视', 'DS-PDD12P-EG2'], 20],
  ],
  perimeter_zone: [
    [['艾礼富', 'ABT-100'], 55],
    [['富盛', 'FS-DZW-6'], 45],
  ],
  fire_detector: [
    [['海湾', 'JTY-GD-G3T'], 70],
    [['北大青鸟', 'JTY-GD-JBF-3100'], 20],
    [['海湾', 'JTW-ZCD-G3N'], 10],
  ],
  panic_button: [
    [['霍尼韦尔', 'HEB-270'], 60],
    [['艾礼富', 'AL-201'], 40],
  ],
  alarm_panel: [
    [['霍尼韦尔', 'VISTA-120'], 50],
    [['博世', 'B6512'], 30],
    [['海康威视', 'DS-19A08-BN'], 20],
  ],
  patrol_checkpoint: [
    [['兰德华', 'L-9000E'], 70],
    [['国网', 'GN-TAG-EM'], 30],
  ],
};

export function otherVendorModel(kind: DeviceKind, rng: Random): [string, string] {
  const options = OTHER[kind];
  if (!options) throw new Error(`demo: no vendor list for ${kind}`);
  return rng.weighted(options);
}

/** A serial number in the vendor's usual shape; `date` is the install date (YYYY-MM-DD). */
export function serialFor(vendor: string, date: string, rng: Random): string {
  const ymd = date.replaceAll('-', '');
  switch (vendor) {
    case '海康威视':
      return `${ymd}AACH${rng.alnum(1, 'DEFGJK')}${rng.digits(8)}`;
    case '大华':
      return `${rng.digits(1)}${rng.alnum(4)}${ymd.slice(2, 4)}PA${rng.alnum(2)}${rng.digits(5)}`;
    case '宇视':
      return `210235${rng.alnum(4)}${ymd.slice(2, 4)}${rng.digits(8)}`;
    case '中控智慧':
      return `CJDE${ymd.slice(2, 6)}${rng.digits(5)}`;
    case '捷顺':
      return `JS${ymd.slice(0, 6)}${rng.digits(6)}`;
    case '博世':
      return `BS${rng.digits(10)}`;
    case '霍尼韦尔':
      return `HW${ymd.slice(2, 4)}${rng.digits(8)}`;
    case '海湾':
      return `GST${ymd.slice(2, 6)}${rng.digits(6)}`;
    case '北大青鸟':
      return `JBF${ymd.slice(2, 6)}${rng.digits(6)}`;
    default:
      return `${rng.alnum(3)}${ymd.slice(2, 6)}${rng.digits(6)}`;
  }
}
