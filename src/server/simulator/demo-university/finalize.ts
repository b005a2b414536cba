/**
 * Turns device drafts into ledger devices: camera resolutions and PTZ by quota, the blind spots
 * planted at uncovered key sites, recorders (≈ 1 per 64 cameras), vendors, models, serials,
 * IP addresses, GB/T 28181 ids, dates and statuses, plus maintenance records.
 */
import type { DeviceKind, DeviceStatus, MaintenanceKind } from '../../../shared/domain.ts';
import type { Device, MaintenanceRecord } from '../../../shared/devices.ts';
import { floorName } from './campus-plan.ts';
import { CAM_CONTEXTS, type CampusCtx, type Draft } from './devices.ts';
import { dist, lerp, ringsIntersect, sectorRing, type Pt, type Ring } from './geometry.ts';
import { SERVICE_COMPANIES } from './people.ts';
import { addDays, addYears, type Random } from '../../util/random.ts';
import { CAMERA_VENDORS, cameraModel, lprModel, nvrModel, otherVendorModel, serialFor, type CameraVendor } from './vendors.ts';

export const LATEST_INSTALL = '2025-11-30';
export const RECORDER_CHANNELS = 64;

export interface UncoveredSite {
  campus: CampusCtx;
  siteId: string;
  /** The part no camera may see: the site's outline, or half of it for a half-covered site. */
  ring: Ring;
  half?: boolean;
}

export interface FinalizeInput {
  drafts: Draft[];
  universityId: string;
  createdAt: string;
  rng: Random;
  nextId: () => string;
  uncovered: UncoveredSite[];
  /** How many ordinary recorders keep only 15 days (planted flaw). */
  shortRetentionRecorders: number;
  /** Key sites whose cameras keep fewer days than 90 (planted flaw), by site id. */
  shortSiteRetention?: ReadonlyMap<string, number>;
}

export interface RecorderInfo {
  device: Device;
  cameraIds: string[];
  keySites: boolean;
}

export interface FinalizeResult {
  devices: Device[];
  draftOf: Map<string, Draft>;
  recorders: RecorderInfo[];
  /** Cameras re-aimed or shortened so they no longer see an uncovered site, and cameras removed. */
  trimmed: number;
  dropped: number;
}

// ---- cameras: quotas ----------------------------------------------------------------------------

function installDate(rng: Random, year: number): string {
  const y = Math.min(2025, Math.max(2014, year));
  const d = rng.date(`${y}-01-01`, `${y}-12-31`);
  return d > LATEST_INSTALL ? LATEST_INSTALL : d;
}

function assignCameraQuotas(cams: Draft[], rng: Random, dates: Map<Draft, string>) {
  const yearMs = 365.25 * 86_400_000;
  const scored = cams.map((d) => ({ d, s: Date.parse(dates.get(d)!) / yearMs + CAM_CONTEXTS[d.cam!.ctx].newer + rng.jitter(1.5) }));
  scored.sort((a, b) => a.s - b.s);
  const n = cams.length;
  const analog = Math.round(n * 0.1);
  const p720 = Math.round(n * 0.2);
  const p1080 = Math.round(n * 0.6);
  const resolution = new Map<Draft, 'analog' | '720p' | '1080p' | '4k'>();
  scored.forEach(({ d }, i) => resolution.set(d, i < analog ? 'analog' : i < analog + p720 ? '720p' : i < analog + p720 + p1080 ? '1080p' : '4k'));

  const ptzTarget = Math.round(n * 0.15);
  const candidates = cams.filter((d) => CAM_CONTEXTS[d.cam!.ctx].ptz > 0).map((d) => ({ d, s: CAM_CONTEXTS[d.cam!.ctx].ptz * (0.5 + rng.next()) }));
  if (candidates.length < ptzTarget) throw new Error('demo: not enough PTZ candidates');
  candidates.sort((a, b) => b.s - a.s);
  const ptz = new Set(candidates.slice(0, ptzTarget).map((x) => x.d));
  for (const d of ptz) {
    const cam = d.cam!;
    cam.fov = rng.int(80, 110);
    cam.range = cam.placement === 'outdoor' ? rng.int(60, 80) : rng.int(30, 50);
    if (cam.placement === 'outdoor') cam.mount = Math.max(cam.mount, Math.round(rng.float(8, 12) * 10) / 10);
  }
  return { resolution, ptz };
}

// ---- blind spots at uncovered key sites -------------------------------------------------------------

/** Margins so that rounding (1 cm positions, 0.1° bearings) cannot bring a site back into view. */
const CLEAR_M = 2;
const CLEAR_DEG = 2;

function seesSite(d: Draft, site: UncoveredSite, bearing: number, range: number): boolean {
  const frame = site.campus.layout.frame;
  const apex = frame.enu(d.cam!.pos);
  const sector = sectorRing(apex, bearing, d.cam!.fov + CLEAR_DEG, range + CLEAR_M, 2);
  return ringsIntersect(sector, site.ring.map((p) => frame.enu(p)));
}

/** Re-aims or shortens every camera that would see an uncovered site; returns the drafts to drop. */
function trimForUncovered(cams: Draft[], sites: UncoveredSite[]): { trimmed: number; drop: Set<Draft> } {
  let trimmed = 0;
  const drop = new Set<Draft>();
  for (const d of cams) {
    const cam = d.cam!;
    const mine = sites.filter((s) => s.campus === d.campus && dist(s.ring[0], cam.pos) < cam.range + 120);
    if (!mine.some((s) => seesSite(d, s, cam.bearing, cam.range))) continue;
    trimmed++;
    const clear = (bearing: number, range: number) => !mine.some((s) => seesSite(d, s, bearing, range));
    // 1. shorten (keep at least 10 m), 2. turn round, 3. give up on the camera.
    let best = 0;
    for (let r = Math.floor(cam.range) - 1; r >= 10; r--) {
      if (clear(cam.bearing, r)) {
        best = r;
        break;
      }
    }
    if (best >= 10) {
      cam.range = best;
      continue;
    }
    const turned = [180, 90, 270].map((a) => (cam.bearing + a) % 360).find((b) => clear(b, cam.range));
    if (turned !== undefined) {
      cam.bearing = Math.round(turned * 10) / 10;
      continue;
    }
    drop.add(d);
  }
  return { trimmed, drop };
}

// ---- addresses and ids --------------------------------------------------------------------------------

class IpPool {
  private third: number;
  private host = 11;
  private usedInSubnet = 0;
  constructor(
    private readonly prefix: string,
    startThird = 1,
  ) {
    this.third = startThird;
  }
  /** Continue in a fresh /24 (a new building or zone). */
  newSubnet() {
    if (this.usedInSubnet > 0) {
      this.third++;
      this.host = 11;
      this.usedInSubnet = 0;
    }
  }
  next(): string {
    if (this.host > 250) {
      this.third++;
      this.host = 11;
    }
    if (this.third > 254) throw new Error('demo: IP pool exhausted');
    this.usedInSubnet++;
    return `${this.prefix}.${this.third}.${this.host++}`;
  }
}

const GB_TYPE: Partial<Record<DeviceKind, string>> = {
  lpr_camera: '132',
  recorder: '118',
  alarm_panel: '117',
  intrusion_zone: '134',
  perimeter_zone: '134',
  panic_button: '134',
  fire_detector: '134',
};

const IP_KINDS: DeviceKind[] = ['camera', 'lpr_camera', 'recorder', 'door', 'barrier_gate', 'turnstile', 'alarm_panel'];

// ---- main -------------------------------------------------------------------------------------------

export function finalizeDevices(input: FinalizeInput): FinalizeResult {
  const { rng, universityId, createdAt, nextId } = input;
  const r1 = (n: number) => Math.round(n * 10) / 10;
  let drafts = input.drafts;

  const dates = new Map<Draft, string>();
  for (const d of drafts) dates.set(d, installDate(rng, d.year));

  const cams = drafts.filter((d) => d.kind === 'camera');
  const { resolution, ptz } = assignCameraQuotas(cams, rng, dates);

  const { trimmed, drop } = trimForUncovered(
    drafts.filter((d) => d.cam),
    input.uncovered,
  );
  if (drop.size) drafts = drafts.filter((d) => !drop.has(d));

  // Recorders: key-site cameras on 90-day recorders in the monitoring centre, the others by building/zone.
  const campuses = [...new Set(drafts.map((d) => d.campus))];
  interface Group {
    campus: CampusCtx;
    label: string;
    key: boolean;
    cams: Draft[];
  }
  const recorderGroups: Group[] = [];
  const recorderOf = new Map<Draft, number>();
  for (const campus of campuses) {
    const mine = drafts.filter((d) => d.kind === 'camera' && d.campus === campus);
    const keyCams = mine.filter((d) => d.keySiteId);
    for (let i = 0; i < keyCams.length; i += RECORDER_CHANNELS) recorderGroups.push({ campus, label: '重点部位', key: true, cams: keyCams.slice(i, i + RECORDER_CHANNELS) });
    const byGroup = new Map<string, Draft[]>();
    for (const d of mine.filter((x) => !x.keySiteId)) {
      const list = byGroup.get(d.group) ?? [];
      list.push(d);
      byGroup.set(d.group, list);
    }
    // Fill each recorder to its channel count; a building's cameras may continue on the next one.
    let current: Group | null = null;
    for (const [label, list] of byGroup) {
      for (const d of list) {
        if (!current || current.cams.length >= RECORDER_CHANNELS) {
          current = { campus, label, key: false, cams: [] };
          recorderGroups.push(current);
        }
        current.cams.push(d);
      }
    }
  }
  recorderGroups.forEach((g, i) => g.cams.forEach((d) => recorderOf.set(d, i)));
  const ordinary = recorderGroups.map((g, i) => ({ g, i })).filter(({ g }) => !g.key && g.cams.every((d) => d.buildingId));
  const shortRetention = new Set(rng.shuffle(ordinary).slice(0, input.shortRetentionRecorders).map((x) => x.i));

  // Recorder drafts, placed in the monitoring centre (key sites, roads) or in their building.
  const recorderDrafts: Draft[] = [];
  const perCampusCount = new Map<CampusCtx, number>();
  recorderGroups.forEach((g, i) => {
    const k = (perCampusCount.get(g.campus) ?? 0) + 1;
    perCampusCount.set(g.campus, k);
    const first = g.cams[0];
    const inBuilding = !g.key && first.buildingId;
    const ctl = g.campus.control;
    let pos: Pt;
    let buildingId: string;
    let floorId: string;
    let areaId: string | null = null;
    if (inBuilding) {
      const b = [...g.campus.buildingId].find(([, id]) => id === first.buildingId)![0];
      const level = b.levels.includes(1) ? 1 : b.levels[0];
      pos = b.frame.at(-b.core * 0.5 + (k % 5) * 0.4, 0);
      buildingId = first.buildingId!;
      floorId = g.campus.floorId.get(b)!.get(level)!;
    } else {
      pos = lerp(ctl.room.center, ctl.room.rings[0][2], 0.3 + (k % 8) * 0.05);
      buildingId = g.campus.buildingId.get(ctl.building)!;
      floorId = g.campus.floorId.get(ctl.building)!.get(ctl.room.level)!;
      areaId = g.campus.areaId.get(ctl.room)!;
    }
    const labels = g.key ? [g.label] : [...new Set(g.cams.map((d) => d.group))];
    const label = labels.length > 1 ? `${labels[0]}等${labels.length}处` : labels[0];
    const years = g.cams.map((d) => Number(dates.get(d)!.slice(0, 4)));
    const year = Math.max(...years);
    const d: Draft = {
      kind: 'recorder',
      name: `NVR ${g.campus.short}-${String(k).padStart(2, '0')}（${label}）`,
      campus: g.campus,
      buildingId,
      floorId,
      areaId,
      pos,
      year,
      keySiteId: null,
      group: g.label,
      cam: null,
      notes: `${g.cams.length} 路接入${inBuilding ? '' : `，位于${ctl.building.spec.name}${floorName(ctl.room.level)}${ctl.room.special?.name ?? ''}`}`,
      tag: shortRetention.has(i) ? 'retention-15' : null,
    };
    dates.set(d, installDate(rng, year));
    recorderDrafts.push(d);
  });

  // Final order: everything but recorders as drafted, then the recorders.
  const ordered = [...drafts, ...recorderDrafts];

  // Vendors: one integrator per building/zone, most cameras of a group from its vendor.
  const groupVendor = new Map<string, CameraVendor>();
  const vendorOfGroup = (d: Draft) => {
    const key = `${d.campus.campusId}:${d.group}`;
    let v = groupVendor.get(key);
    if (!v) {
      v = rng.weighted(CAMERA_VENDORS);
      groupVendor.set(key, v);
    }
    return v;
  };

  const ipPools = new Map<string, IpPool>();
  const pool = (campus: CampusCtx, net: number) => {
    const key = `${campus.campusId}:${net}`;
    let p = ipPools.get(key);
    if (!p) {
      p = new IpPool(`10.${campus.layout.spec.ipOctet + net}`);
      ipPools.set(key, p);
    }
    return p;
  };
  const lastGroup = new Map<string, string>();
  const gbCounters = new Map<string, number>();
  const gbId = (campus: CampusCtx, type: string) => {
    const key = `${campus.layout.spec.gbArea}:${type}`;
    const n = (gbCounters.get(key) ?? 0) + 1;
    gbCounters.set(key, n);
    return `${campus.layout.spec.gbArea}11${type}0${String(n).padStart(6, '0')}`;
  };
  const serials = new Set<string>();

  const devices: Device[] = [];
  const draftOf = new Map<string, Draft>();
  const recorderDevices: Device[] = [];
  for (const d of ordered) {
    const campus = d.campus;
    const frame = campus.layout.frame;
    const [lon, lat] = frame.lonLat(d.pos);
    const date = dates.get(d)!;
    let vendor: string;
    let model: string;
    let camera: Device['camera'] = null;
    let retentionDays: number | null = null;
    let gb: string | null = null;
    let notes = d.notes;
    if (d.kind === 'camera') {
      const res = resolution.get(d)!;
      const type = ptz.has(d) ? 'ptz' : 'fixed';
      const v = rng.chance(0.85) ? vendorOfGroup(d) : rng.weighted(CAMERA_VENDORS);
      vendor = v;
      model = cameraModel(v, res, type, d.cam!.placement);
      camera = { resolution: res, type, mountHeightM: r1(d.cam!.mount), bearingDeg: r1(d.cam!.bearing), fovDeg: d.cam!.fov, rangeM: d.cam!.range, placement: d.cam!.placement };
      const rec = recorderOf.get(d)!;
      retentionDays = shortRetention.has(rec) ? 15 : d.keySiteId ? (input.shortSiteRetention?.get(d.keySiteId) ?? 90) : 30;
      gb = gbId(campus, res === 'analog' ? '131' : '132');
      notes = `录像存储：${recorderDrafts[rec].name}`;
    } else if (d.kind === 'lpr_camera') {
      const v = vendorOfGroup(d);
      vendor = v;
      model = lprModel(v);
      camera = { resolution: date >= '2023-01-01' ? '4k' : '1080p', type: 'fixed', mountHeightM: r1(d.cam!.mount), bearingDeg: r1(d.cam!.bearing), fovDeg: d.cam!.fov, rangeM: d.cam!.range, placement: 'outdoor' };
      retentionDays = 90;
      gb = gbId(campus, '132');
    } else if (d.kind === 'recorder') {
      const firstCam = ordered.find((x) => x.kind === 'camera' && recorderDrafts[recorderOf.get(x)!] === d);
      const v = firstCam ? vendorOfGroup(firstCam) : rng.weighted(CAMERA_VENDORS);
      vendor = v;
      model = nvrModel(v);
      const group = recorderGroups[recorderDrafts.indexOf(d)];
      retentionDays = d.tag === 'retention-15' ? 15 : group.key ? 90 : 30;
      gb = gbId(campus, '118');
    } else {
      [vendor, model] = otherVendorModel(d.kind, rng);
      const t = GB_TYPE[d.kind];
      if (t) gb = gbId(campus, t);
    }

    let ip: string | null = null;
    const analog = camera?.resolution === 'analog' && d.kind === 'camera';
    if (IP_KINDS.includes(d.kind) && !analog) {
      const net = d.kind === 'camera' ? 0 : d.kind === 'recorder' ? 1 : d.kind === 'alarm_panel' ? 3 : 2;
      const p = pool(campus, net);
      if (d.kind === 'camera') {
        const key = `${campus.campusId}`;
        if (lastGroup.get(key) !== d.group) {
          p.newSubnet();
          lastGroup.set(key, d.group);
        }
      }
      ip = p.next();
    }

    let serial = serialFor(vendor, date, rng);
    while (serials.has(serial)) serial = serialFor(vendor, date, rng);
    serials.add(serial);

    const years = rng.weighted([
      [3, 50],
      [4, 20],
      [5, 30],
    ] as const);
    const warrantyEnd = addDays(addYears(date, years), -1);
    const old = date < '2017-01-01';
    const status: DeviceStatus = d.tag
      ? 'in_service'
      : rng.weighted([
          ['in_service', old ? 90 : 93],
          ['under_repair', 4],
          ['out_of_service', old ? 6 : 3],
        ] as const);

    const device: Device = {
      id: nextId(),
      universityId,
      campusId: campus.campusId,
      buildingId: d.buildingId,
      floorId: d.floorId,
      areaId: d.areaId,
      name: d.name,
      kind: d.kind,
      status,
      lon,
      lat,
      vendor,
      model,
      serial,
      ip,
      gbId: gb,
      installDate: date,
      warrantyEnd,
      retentionDays,
      notes,
      camera,
      createdAt,
      updatedAt: createdAt,
    };
    devices.push(device);
    draftOf.set(device.id, d);
    if (d.kind === 'recorder') recorderDevices.push(device);
  }

  const camIdsByRecorder = new Map<number, string[]>();
  for (const dev of devices) {
    const d = draftOf.get(dev.id)!;
    if (d.kind !== 'camera') continue;
    const rec = recorderOf.get(d)!;
    const list = camIdsByRecorder.get(rec) ?? [];
    list.push(dev.id);
    camIdsByRecorder.set(rec, list);
  }
  const recorders: RecorderInfo[] = recorderDevices.map((device, i) => ({ device, cameraIds: camIdsByRecorder.get(i) ?? [], keySites: recorderGroups[i].key }));
  return { devices, draftOf, recorders, trimmed, dropped: drop.size };
}

// ---- maintenance -------------------------------------------------------------------------------------

const REPAIR_NOTES: Partial<Record<DeviceKind, string[]>> = {
  camera: ['无视频信号，排查为POE供电故障', '夜间红外失效，更换红外灯板', '图像模糊，重新调焦并清洁护罩', '网络掉线，更换交换机端口', '云台转动卡滞，返厂维修'],
  lpr_camera: ['识别率下降，重新标定抓拍区域', '补光灯损坏，更换补光灯'],
  door: ['读卡器无响应，更换读头', '电磁锁吸合不牢，更换锁体', '人脸识别终端死机，升级固件后恢复'],
  barrier_gate: ['道闸杆断裂，更换闸杆', '地感线圈失灵，重新切槽布线'],
  turnstile: ['闸机翼板不复位，调整电机', '刷卡无响应，更换主控板'],
  intrusion_zone: ['探测器误报频繁，调整灵敏度', '防区断线，重新接线'],
  perimeter_zone: ['围栏线松动导致误报，重新紧线', '对射探头被遮挡，清理并校准'],
  fire_detector: ['探测器污染报警，清洗更换', '底座接触不良，更换底座'],
  panic_button: ['按钮复位失灵，更换按钮'],
  recorder: ['硬盘故障，更换4TB硬盘', '录像丢失，重建RAID'],
  alarm_panel: ['备用电池老化，更换蓄电池'],
  patrol_checkpoint: ['巡更点损坏，重新安装'],
};

const ROUTINE: Record<string, string> = {
  inspection: '季度例行巡检，工作正常',
  cleaning: '清洁镜头及护罩',
  firmware: '升级固件至厂商最新版本',
  replacement: '设备老化，整机更换同型号设备',
  other: '调整安装角度，复核画面覆盖范围',
};

function companyFor(kind: DeviceKind, rng: Random): string {
  const family = kind === 'camera' || kind === 'lpr_camera' || kind === 'recorder' ? 'video' : kind === 'fire_detector' ? 'fire' : kind === 'door' || kind === 'barrier_gate' || kind === 'turnstile' ? 'access' : 'alarm';
  return rng.pick(SERVICE_COMPANIES[family]);
}

export function maintenanceRecords(devices: Device[], opts: { rng: Random; nextId: () => string; maintainer: { id: string; name: string }; technicians: string[]; target: number; until: string }): MaintenanceRecord[] {
  const { rng } = opts;
  const out: MaintenanceRecord[] = [];
  const at = (date: string) => `${date}T0${rng.int(1, 8)}:${String(rng.int(0, 59)).padStart(2, '0')}:00.000Z`;
  const record = (d: Device, date: string, kind: MaintenanceKind, notes: string) => {
    const byMaintainer = rng.chance(0.5);
    out.push({
      id: opts.nextId(),
      deviceId: d.id,
      universityId: d.universityId,
      date,
      kind,
      performedBy: byMaintainer ? opts.maintainer.name : rng.chance(0.5) ? rng.pick(opts.technicians) : companyFor(d.kind, rng),
      notes,
      createdBy: byMaintainer ? opts.maintainer.id : null,
      createdAt: at(date),
    });
  };
  // Every device under repair has its open repair ticket.
  for (const d of devices.filter((x) => x.status === 'under_repair')) {
    const date = rng.date('2025-10-01', opts.until);
    record(d, date < d.installDate! ? d.installDate! : date, 'repair', `报修：${rng.pick(REPAIR_NOTES[d.kind] ?? ['故障检修'])}`);
  }
  // Routine work on a sample of the rest.
  const pool = rng.shuffle(devices.filter((x) => x.status !== 'under_repair' && x.installDate! < '2025-06-01'));
  for (const d of pool) {
    if (out.length >= opts.target) break;
    const isVideo = d.kind === 'camera' || d.kind === 'lpr_camera';
    const kind = rng.weighted([
      ['inspection', 40],
      ['cleaning', isVideo ? 20 : 0],
      ['firmware', d.ip ? 15 : 0],
      ['repair', 15],
      ['replacement', 4],
      ['other', isVideo ? 6 : 2],
    ] as const);
    const date = rng.date(addDays(d.installDate!, 30), opts.until);
    record(d, date, kind, kind === 'repair' ? rng.pick(REPAIR_NOTES[d.kind] ?? ['故障检修']) : ROUTINE[kind]);
    if (rng.chance(0.2) && out.length < opts.target) record(d, rng.date(addDays(d.installDate!, 30), opts.until), 'inspection', ROUTINE.inspection);
  }
  return out;
}
