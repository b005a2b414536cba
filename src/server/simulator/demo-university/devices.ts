/**
 * Where every device of the demo university goes. Cameras are aimed from the geometry: at a
 * building's door, along a corridor or road, along the fence, into a hall, yard or gate.
 * This module produces drafts (place, aim, context); finalize.ts adds vendors, ids, dates.
 */
import type { DeviceKind } from '../../../shared/domain.ts';
import { CORRIDOR_HALF, compassWord, floorName, gatePoint, type CampusLayout, type FloorPlan, type PlacedBuilding, type PlacedGate, type PlacedYard, type Room } from './campus-plan.ts';
import { add, dist, lerp, pointInRing, ringLength, scale, sub, type Pt, type Ring } from './geometry.ts';
import type { Random } from '../../util/random.ts';

/** Ids of everything a device can be placed in, per campus. */
export interface CampusCtx {
  layout: CampusLayout;
  campusId: string;
  /** Short campus name for device names (杨浦, 闵行). */
  short: string;
  buildingId: Map<PlacedBuilding, string>;
  floorId: Map<PlacedBuilding, Map<number, string>>;
  areaId: Map<Room, string>;
  siteOfBuilding: Map<PlacedBuilding, string>;
  siteOfRoom: Map<Room, string>;
  siteOfYard: Map<PlacedYard, string>;
  siteOfGate: Map<PlacedGate, string>;
  perimeterSiteId: string;
  avenueSiteId: string;
  /** The campus' (sub-)monitoring centre, where central equipment is placed. */
  control: { building: PlacedBuilding; room: Room };
}

export type CamContext =
  | 'corridor'
  | 'stair'
  | 'lobby'
  | 'elevator'
  | 'elevator_hall'
  | 'classroom'
  | 'hall'
  | 'room'
  | 'entrance'
  | 'facade'
  | 'road'
  | 'intersection'
  | 'perimeter'
  | 'gate'
  | 'gate_face'
  | 'lpr'
  | 'parking'
  | 'square'
  | 'stadium'
  | 'yard';

interface CtxParams {
  fov: [number, number];
  range: [number, number];
  mount: [number, number];
  placement: 'indoor' | 'outdoor';
  /** Preference for a PTZ camera (0 = never). */
  ptz: number;
  /** Preference for a newer (higher resolution) camera, in years. */
  newer: number;
}

export const CAM_CONTEXTS: Record<CamContext, CtxParams> = {
  corridor: { fov: [55, 90], range: [15, 35], mount: [2.6, 3.2], placement: 'indoor', ptz: 0, newer: 0 },
  stair: { fov: [80, 100], range: [10, 14], mount: [2.6, 3.0], placement: 'indoor', ptz: 0, newer: 0 },
  lobby: { fov: [80, 110], range: [12, 22], mount: [2.8, 4.0], placement: 'indoor', ptz: 0.3, newer: 1 },
  elevator: { fov: [100, 110], range: [10, 10], mount: [2.5, 2.7], placement: 'indoor', ptz: 0, newer: 0 },
  elevator_hall: { fov: [70, 100], range: [10, 16], mount: [2.6, 3.0], placement: 'indoor', ptz: 0, newer: 0 },
  classroom: { fov: [90, 110], range: [10, 14], mount: [2.8, 3.2], placement: 'indoor', ptz: 0, newer: 0 },
  hall: { fov: [70, 100], range: [20, 45], mount: [4, 8], placement: 'indoor', ptz: 0.5, newer: 0.5 },
  room: { fov: [80, 100], range: [10, 16], mount: [2.6, 3.2], placement: 'indoor', ptz: 0, newer: 1 },
  entrance: { fov: [60, 90], range: [15, 25], mount: [3.0, 4.5], placement: 'outdoor', ptz: 0.1, newer: 1 },
  facade: { fov: [50, 80], range: [30, 50], mount: [3.5, 6], placement: 'outdoor', ptz: 0.3, newer: 0 },
  road: { fov: [35, 60], range: [50, 80], mount: [6, 9], placement: 'outdoor', ptz: 0.3, newer: 0.5 },
  intersection: { fov: [60, 100], range: [50, 80], mount: [8, 12], placement: 'outdoor', ptz: 1, newer: 2 },
  perimeter: { fov: [30, 45], range: [55, 80], mount: [4, 6], placement: 'outdoor', ptz: 0.12, newer: 0 },
  gate: { fov: [70, 100], range: [30, 50], mount: [5, 8], placement: 'outdoor', ptz: 0.6, newer: 3 },
  gate_face: { fov: [30, 45], range: [10, 15], mount: [2.8, 3.5], placement: 'outdoor', ptz: 0, newer: 3 },
  lpr: { fov: [30, 40], range: [10, 20], mount: [1.2, 1.6], placement: 'outdoor', ptz: 0, newer: 3 },
  parking: { fov: [70, 100], range: [40, 70], mount: [6, 10], placement: 'outdoor', ptz: 0.6, newer: 1 },
  square: { fov: [60, 100], range: [50, 80], mount: [8, 12], placement: 'outdoor', ptz: 0.9, newer: 3 },
  stadium: { fov: [60, 100], range: [60, 80], mount: [8, 12], placement: 'outdoor', ptz: 0.9, newer: 2 },
  yard: { fov: [50, 80], range: [15, 30], mount: [3.5, 6], placement: 'outdoor', ptz: 0.1, newer: 0 },
};

export interface CamDraft {
  ctx: CamContext;
  /** Plan position. */
  pos: Pt;
  /** Compass bearing. */
  bearing: number;
  fov: number;
  range: number;
  mount: number;
  placement: 'indoor' | 'outdoor';
}

export interface Draft {
  kind: DeviceKind;
  name: string;
  campus: CampusCtx;
  buildingId: string | null;
  floorId: string | null;
  areaId: string | null;
  pos: Pt;
  /** Year the device was installed (approximately). */
  year: number;
  /** Key site this device protects (cameras: that it covers). */
  keySiteId: string | null;
  /** Recording group of a camera (building code or outdoor zone). */
  group: string;
  cam: CamDraft | null;
  notes: string | null;
  /** Internal marker used to find planted flaws. */
  tag: string | null;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

export class DraftBuilder {
  readonly drafts: Draft[] = [];
  constructor(readonly rng: Random) {}

  camera(campus: CampusCtx, o: { name: string; ctx: CamContext; pos: Pt; aim: Pt; year: number; group: string; buildingId?: string | null; floorId?: string | null; areaId?: string | null; keySiteId?: string | null; range?: number; kind?: DeviceKind; tag?: string }): Draft {
    const p = CAM_CONTEXTS[o.ctx];
    const rng = this.rng;
    const bearing = r1(campus.layout.frame.bearing(o.pos, o.aim) % 360);
    let range = o.range ?? rng.float(p.range[0], p.range[1]);
    range = Math.max(10, Math.min(80, range));
    const d: Draft = {
      kind: o.kind ?? 'camera',
      name: o.name,
      campus,
      buildingId: o.buildingId ?? null,
      floorId: o.floorId ?? null,
      areaId: o.areaId ?? null,
      pos: o.pos,
      year: o.year,
      keySiteId: o.keySiteId ?? null,
      group: o.group,
      cam: {
        ctx: o.ctx,
        pos: o.pos,
        bearing: bearing === 360 ? 0 : bearing,
        fov: Math.round(rng.float(p.fov[0], p.fov[1])),
        range: Math.round(range),
        mount: r1(rng.float(p.mount[0], p.mount[1])),
        placement: p.placement,
      },
      notes: null,
      tag: o.tag ?? null,
    };
    this.drafts.push(d);
    return d;
  }

  other(campus: CampusCtx, o: { kind: DeviceKind; name: string; pos: Pt; year: number; buildingId?: string | null; floorId?: string | null; areaId?: string | null; keySiteId?: string | null; notes?: string | null; group?: string; tag?: string }): Draft {
    const d: Draft = {
      kind: o.kind,
      name: o.name,
      campus,
      buildingId: o.buildingId ?? null,
      floorId: o.floorId ?? null,
      areaId: o.areaId ?? null,
      pos: o.pos,
      year: o.year,
      keySiteId: o.keySiteId ?? null,
      group: o.group ?? '',
      cam: null,
      notes: o.notes ?? null,
      tag: o.tag ?? null,
    };
    this.drafts.push(d);
    return d;
  }
}

/** The room of a floor that contains a point, if any. */
export function roomAt(floor: FloorPlan | undefined, p: Pt): Room | undefined {
  return floor?.rooms.find((r) => r.rings.some((ring) => pointInRing(p, ring)));
}

const yearNear = (rng: Random, year: number) => Math.min(2025, Math.max(2014, year + (rng.chance(0.12) ? rng.int(3, 7) : 0)));

// ---- cameras in and around buildings --------------------------------------------------------------

export function buildingCameras(db: DraftBuilder, c: CampusCtx, b: PlacedBuilding): void {
  if (b.spec.noCameras) return;
  const rng = db.rng;
  const f = b.frame;
  const L = b.length;
  const D = b.depth;
  const bid = c.buildingId.get(b)!;
  const floors = c.floorId.get(b)!;
  const site = c.siteOfBuilding.get(b) ?? null;
  const name = b.spec.name;
  const year = b.spec.year;
  const word = (dir: Pt) => compassWord(c.layout.frame, dir);

  /** Adds an indoor camera unless its spot is in a privacy area; fills in the area. */
  const indoor = (level: number, label: string, ctx: CamContext, pos: Pt, aim: Pt, extra: { keySiteId?: string | null; range?: number } = {}) => {
    const plan = b.floors.find((x) => x.level === level);
    const room = roomAt(plan, pos);
    if (room?.privacy) return;
    db.camera(c, {
      name: `${name} ${floorName(level)} ${label}`,
      ctx,
      pos,
      aim,
      year: yearNear(rng, year),
      group: name,
      buildingId: bid,
      floorId: floors.get(level)!,
      areaId: room?.isArea ? c.areaId.get(room)! : null,
      keySiteId: extra.keySiteId ?? (room ? (c.siteOfRoom.get(room) ?? null) : null),
      range: extra.range,
    });
  };

  // Outside: one camera in front of every entrance, aimed at the door; facade cameras.
  for (const e of b.entrances) {
    const pos = add(e.door, scale(e.outward, rng.float(7, 11)));
    db.camera(c, { name: `${name} ${e.name} 室外`, ctx: 'entrance', pos, aim: e.door, year: yearNear(rng, year), group: name, buildingId: bid, keySiteId: site });
  }
  if (L >= 35) {
    const corners: [number, number, number][] =
      L >= 60
        ? [
            [-1, 1, 1],
            [1, 1, -1],
            [1, -1, -1],
            [-1, -1, 1],
          ]
        : [
            [-1, 1, 1],
            [1, -1, -1],
          ];
    for (const [su, sw, dirU] of corners) {
      const pos = f.at(su * (L / 2 + 1.5), sw * (D / 2 + 1.5));
      const aim = f.at(su * (L / 2 + 1.5) + dirU * 20, sw * (D / 2 + 1.5));
      const side = word(f.dir(0, sw));
      db.camera(c, { name: `${name} ${side}立面${word(f.dir(su, 0))}角`, ctx: 'facade', pos, aim, year: yearNear(rng, year), group: name, buildingId: bid, keySiteId: site, range: Math.min(50, L + rng.float(-5, 5)) });
    }
  }

  // Elevator cars (on the ground floor record).
  for (let k = 0; k < b.elevators; k++) {
    const pos = f.at(-b.core + 1.5 + k * 2.5, D / 2 - 1.2);
    db.camera(c, { name: `${name} ${k + 1}号电梯轿厢`, ctx: 'elevator', pos, aim: f.at(-b.core + 1.5 + k * 2.5, D / 2 - 5), year: yearNear(rng, year), group: name, buildingId: bid, floorId: floors.get(1)! });
  }

  for (const plan of b.floors) {
    const level = plan.level;
    if (b.layout === 'corridor') {
      const n = Math.max(2, Math.round(L / 25));
      for (let k = 0; k < n; k++) {
        const u = -L / 2 + 4 + (k * (L - 8)) / (n - 1);
        const towardsPlus = k < n / 2;
        const aim = f.at(towardsPlus ? L / 2 : -L / 2, 0);
        indoor(level, `走廊${k + 1}（朝${word(f.dir(towardsPlus ? 1 : -1, 0))}）`, 'corridor', f.at(u, 0), aim, { range: Math.min(35, Math.abs((towardsPlus ? L / 2 : -L / 2) - u)) });
      }
      for (const su of [-1, 1]) {
        const u = su * (L / 2 - 0.3 - b.stair / 2);
        indoor(level, `${word(f.dir(su, 0))}侧楼梯口`, 'stair', f.at(u, CORRIDOR_HALF * 0.5), f.at(u, -D / 2));
      }
      if (level === 1) {
        indoor(level, '门厅', 'lobby', f.at(b.core * 0.6, -0.5), f.at(0, D / 2));
        for (const e of b.entrances.filter((x) => !x.main)) {
          const inside = add(e.door, scale(e.outward, -5));
          indoor(level, `${e.name}内侧`, 'lobby', inside, e.door, { keySiteId: site });
        }
      } else if (b.elevators > 0 && level > 0) {
        indoor(level, '电梯厅', 'elevator_hall', f.at(b.core * 0.6, 0), f.at(-b.core * 0.5, D / 2));
      }
      if (b.type === 'teaching') {
        for (const room of plan.rooms.filter((r) => r.kind === 'classroom')) {
          const ring = room.rings[0];
          // Exam cameras (标准化考场): one at each end of the room, facing each other.
          const a = lerp(ring[0], ring[3], 0.5);
          const z = lerp(ring[1], ring[2], 0.5);
          const pa = lerp(a, z, 0.06);
          const pz = lerp(a, z, 0.94);
          indoor(level, `${room.name} 前`, 'classroom', pa, z, { range: 10 });
          indoor(level, `${room.name} 后`, 'classroom', pz, a, { range: 10 });
        }
      }
    } else {
      const small = L < 35;
      const inset = 1.5;
      const spots: [number, number][] = small
        ? [
            [-L / 2 + inset, D / 2 - inset],
            [L / 2 - inset, D / 2 - inset],
          ]
        : [
            [-L / 2 + inset, D / 2 - inset],
            [L / 2 - inset, D / 2 - inset],
            [-L / 2 + inset, 0],
            [L / 2 - inset, 0],
            [0, -D / 2 + inset],
            [0, D / 2 - inset],
          ];
      spots.forEach(([u, w], k) => indoor(level, `大厅${k + 1}`, small ? 'room' : 'hall', f.at(u, w), f.at(0, 0), { range: Math.min(45, Math.hypot(u, w) + 8) }));
      if (b.type === 'library' && level >= 1) {
        for (const [su, sw] of [
          [-1, 1],
          [1, 1],
          [-1, -1],
          [1, -1],
        ]) {
          indoor(level, `阅览区${word(f.dir(su, 0))}${sw > 0 ? '前' : '后'}`, 'hall', f.at((su * L) / 4, (sw * D) / 4), f.at((su * L) / 2, (sw * D) / 4), { range: Math.min(30, L / 4 + 4) });
        }
      }
      if (b.type === 'canteen') {
        for (let k = 0; k < 4; k++) {
          const u = -L / 2 + (L * (k + 0.5)) / 4;
          indoor(level, `售饭窗口${k + 1}`, 'hall', f.at(u, -D / 2 + 7), f.at(u, -D / 2), { range: 10 });
        }
      }
      if (level === 1) {
        for (const e of b.entrances) indoor(level, `${e.name}内侧`, 'lobby', add(e.door, scale(e.outward, -5)), e.door, { keySiteId: site });
      }
    }

    // Special rooms: aim a corridor camera at the door and put cameras inside where it is usual.
    for (const room of plan.rooms.filter((r) => r.special && !r.privacy)) {
      const siteId = c.siteOfRoom.get(room) ?? null;
      const sp = room.special!;
      const cat = sp.category;
      // A spot on the corridor axis, 8 m from the door towards the middle of the building.
      const [uDoor] = f.local(room.door);
      const corridorSpot = f.at(uDoor - Math.sign(uDoor || 1) * 8, 0);
      if (cat || sp.name.includes('库')) {
        indoor(level, `${sp.name}门口`, 'corridor', corridorSpot, room.door, { keySiteId: siteId, range: 15 });
      }
      const inside = cat === 'finance_office' ? 3 : cat === 'machine_room' ? 3 : cat === 'monitoring_center' ? 2 : cat === 'key_laboratory' || cat === 'hazardous_lab' ? 1 : 0;
      const ring = room.rings[0];
      for (let k = 0; k < inside; k++) {
        const corner = ring[k % 4];
        const pos = lerp(corner, room.center, 0.15);
        indoor(level, `${sp.name}内${k + 1}`, 'room', pos, room.center, { keySiteId: siteId });
      }
    }
  }
}

// ---- outdoor cameras -------------------------------------------------------------------------------

export function outdoorCameras(db: DraftBuilder, c: CampusCtx): void {
  const rng = db.rng;
  const L = c.layout;
  const group = (zone: string) => zone;

  // Roads: poles every ~60 m on alternating sides, aimed along the road.
  for (const road of L.roads) {
    const len = dist(road.a, road.b);
    const dir = scale(sub(road.b, road.a), 1 / len);
    const normal: Pt = [-dir[1], dir[0]];
    let k = 0;
    for (let s = 30; s < len - 25; s += 60) {
      const center = add(road.a, scale(dir, s));
      const nearCrossing = L.intersections.some((p) => dist(p, center) < road.halfWidth + 14);
      if (nearCrossing) continue;
      k++;
      const side = k % 2 === 0 ? 1 : -1;
      const pos = add(center, scale(normal, side * (road.halfWidth + 1.5)));
      const forward = k % 4 < 2 ? 1 : -1;
      db.camera(c, {
        name: `${road.name} ${k}号杆`,
        ctx: 'road',
        pos,
        aim: add(pos, scale(dir, forward * 40)),
        year: rng.int(2016, 2023),
        group: group('道路'),
        keySiteId: road.avenue ? c.avenueSiteId : null,
      });
    }
  }
  // Crossings: one camera per corner pair, aimed across the crossing.
  const roadAt = (p: Pt) => L.roads.filter((r) => Math.abs(r.a[0] - r.b[0]) < 1e-6 ? Math.abs(r.a[0] - p[0]) < 1e-6 : Math.abs(r.a[1] - p[1]) < 1e-6);
  for (const p of L.intersections) {
    const names = roadAt(p).map((r) => r.name);
    const label = `${names[0]}与${names[1] ?? '环校路'}交叉口`;
    const hw = Math.max(...roadAt(p).map((r) => r.halfWidth));
    for (const [sx, sy] of [
      [1, 1],
      [-1, -1],
    ]) {
      const pos: Pt = [p[0] + sx * (hw + 2), p[1] + sy * (hw + 2)];
      db.camera(c, { name: `${label}${sx > 0 ? '东北角' : '西南角'}`, ctx: 'intersection', pos, aim: p, year: rng.int(2017, 2024), group: group('道路'), keySiteId: roadAt(p).some((r) => r.avenue) ? c.avenueSiteId : null });
    }
  }

  // Perimeter: along the fence, 3 m inside, every ~70 m, aimed along the fence.
  const ring = L.boundary;
  let n = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    const len = dist(a, b);
    const dir = scale(sub(b, a), 1 / len);
    const inward: Pt = [-dir[1], dir[0]];
    const count = Math.max(1, Math.round(len / 70));
    for (let k = 0; k < count; k++) {
      const s = (len * (k + 0.5)) / count;
      const at = add(a, scale(dir, s));
      if (L.gates.some((g) => dist(g.center, at) < g.width / 2 + 8)) continue;
      n++;
      const pos = add(at, scale(inward, 3));
      const forward = n % 2 === 0 ? 1 : -1;
      db.camera(c, {
        name: `周界 ${c.short}-${String(n).padStart(2, '0')}`,
        ctx: 'perimeter',
        pos,
        aim: add(pos, scale(dir, forward * 50)),
        year: rng.int(2015, 2021),
        group: group('周界'),
        keySiteId: c.perimeterSiteId,
      });
    }
  }

  // Gates.
  for (const g of L.gates) {
    const site = c.siteOfGate.get(g)!;
    const gname = g.spec.name;
    const gy = rng.int(2019, 2024);
    const laneSpan = g.spec.vehicleLanes * 3.5;
    db.camera(c, { name: `${gname} 门外全景`, ctx: 'gate', pos: gatePoint(g, 0, 3), aim: gatePoint(g, 0, -30), year: gy, group: group('校门'), keySiteId: site });
    db.camera(c, { name: `${gname} 门内全景`, ctx: 'gate', pos: gatePoint(g, g.width / 2, 22), aim: gatePoint(g, 0, 2), year: gy, group: group('校门'), keySiteId: site });
    for (const side of [-1, 1]) {
      const a = side * (laneSpan / 2 + 3);
      db.camera(c, { name: `${gname} 人行通道${side < 0 ? '一' : '二'}人脸抓拍`, ctx: 'gate_face', pos: gatePoint(g, a, 11), aim: gatePoint(g, a, 0), year: gy, group: group('校门'), keySiteId: site });
    }
    db.camera(c, { name: `${gname} 门卫室`, ctx: 'gate', pos: gatePoint(g, g.width / 2 - 2, 14), aim: gatePoint(g, -g.width / 2, 10), year: gy, group: group('校门'), keySiteId: site, range: 30 });
  }

  // Yards: parking lots, squares, the sports ground, the gas station.
  for (const y of L.yards) {
    const site = c.siteOfYard.get(y)!;
    const ctx: CamContext = y.spec.yard === 'parking' ? 'parking' : y.spec.yard === 'square' ? 'square' : y.spec.yard === 'stadium' ? 'stadium' : 'yard';
    const corners = y.spec.yard === 'stadium' ? [y.ring[0], y.ring[8], y.ring[17], y.ring[25]] : y.ring;
    const count = y.spec.yard === 'gas' ? 2 : 4;
    for (let k = 0; k < count; k++) {
      const corner = count === 2 ? corners[k * 2] : corners[k % corners.length];
      const pos = lerp(corner, y.center, -0.04);
      db.camera(c, { name: `${y.spec.name} ${k + 1}号`, ctx, pos, aim: y.center, year: rng.int(2016, 2024), group: group('道路'), keySiteId: site, range: Math.min(80, dist(pos, y.center) * 1.3 + 5) });
    }
  }
}

// ---- gates: lanes, LPR, turnstiles -----------------------------------------------------------------

export function gateDevices(db: DraftBuilder, c: CampusCtx): void {
  const rng = db.rng;
  for (const g of c.layout.gates) {
    const site = c.siteOfGate.get(g)!;
    const gname = g.spec.name;
    const year = rng.int(2019, 2024);
    const lanes = g.spec.vehicleLanes;
    for (let k = 0; k < lanes; k++) {
      const a = (k - (lanes - 1) / 2) * 3.5;
      const inbound = k < lanes / 2;
      const label = `${k + 1}号车道（${inbound ? '入' : '出'}）`;
      db.other(c, { kind: 'barrier_gate', name: `${gname} ${label}道闸`, pos: gatePoint(g, a + 1.6, 8), year, keySiteId: site });
      if (g.spec.lpr) {
        // Faces the approaching vehicle: outward for inbound lanes, inward for outbound ones.
        const pos = inbound ? gatePoint(g, a + 1.6, 12) : gatePoint(g, a + 1.6, 3);
        const aim = inbound ? gatePoint(g, a, 0) : gatePoint(g, a, 16);
        db.camera(c, { kind: 'lpr_camera', name: `${gname} ${label}车牌识别`, ctx: 'lpr', pos, aim, year, group: '校门', keySiteId: site });
      }
    }
    const laneSpan = lanes * 3.5;
    for (let k = 0; k < g.spec.turnstiles; k++) {
      const side = k % 2 === 0 ? -1 : 1;
      const idx = Math.floor(k / 2);
      const a = side * (laneSpan / 2 + 2 + idx * 1.2);
      db.other(c, { kind: 'turnstile', name: `${gname} 人行闸机${k + 1}`, pos: gatePoint(g, a, 6), year, keySiteId: site });
    }
  }
}

// ---- perimeter zones -------------------------------------------------------------------------------

export interface PerimeterSegment {
  draft: Draft;
  lengthM: number;
  line: Pt[];
}

/**
 * Splits the fence into alarm zones of at most ~190 m; on the edges listed in `longEdges`
 * (edge index → zones) the zones are longer (planted flaw: a zone too long to locate an intruder).
 */
export function perimeterZones(db: DraftBuilder, c: CampusCtx, longEdges: Map<number, number>): PerimeterSegment[] {
  const ring = c.layout.boundary;
  const out: PerimeterSegment[] = [];
  let n = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    const len = dist(a, b);
    const count = longEdges.get(i) ?? Math.max(1, Math.ceil(len / 190));
    const dir = scale(sub(b, a), 1 / len);
    const inward: Pt = [-dir[1], dir[0]];
    const side = compassWord(c.layout.frame, [-inward[0], -inward[1]]);
    for (let k = 0; k < count; k++) {
      n++;
      const p0 = lerp(a, b, k / count);
      const p1 = lerp(a, b, (k + 1) / count);
      const segLen = Math.round(dist(p0, p1));
      const mid = add(lerp(p0, p1, 0.5), scale(inward, 1));
      const year = db.rng.int(2015, 2020);
      const draft = db.other(c, {
        kind: 'perimeter_zone',
        name: `周界防区 ${c.short}-P${String(n).padStart(2, '0')}（${side}侧）`,
        pos: mid,
        year,
        keySiteId: c.perimeterSiteId,
        notes: `防区长度 ${segLen} m`,
      });
      out.push({ draft, lengthM: segLen, line: [p0, p1] });
    }
  }
  return out;
}

/** Points every `step` metres along a ring, `inset` metres inside (CCW ring). */
export function pointsAlongRing(ring: Ring, step: number, inset: number): { pos: Pt; dir: Pt }[] {
  const out: { pos: Pt; dir: Pt }[] = [];
  const total = ringLength(ring);
  const count = Math.max(1, Math.round(total / step));
  const edges = ring.map((a, i) => ({ a, b: ring[(i + 1) % ring.length], len: dist(a, ring[(i + 1) % ring.length]) }));
  for (let k = 0; k < count; k++) {
    let s = (total * (k + 0.5)) / count;
    for (const e of edges) {
      if (s <= e.len) {
        const dir = scale(sub(e.b, e.a), 1 / e.len);
        const inward: Pt = [-dir[1], dir[0]];
        out.push({ pos: add(add(e.a, scale(dir, s)), scale(inward, inset)), dir });
        break;
      }
      s -= e.len;
    }
  }
  return out;
}
