/**
 * Turns the catalog into geometry: campus boundary, road grid, building footprints on a
 * jittered lot grid along the roads, yards (parking, squares, the sports ground), gates on
 * the boundary, and simple floor plans (rooms on both sides of a corridor, or one hall).
 * Everything is in plan metres; CampusFrame converts to WGS84.
 */
import type { KeySiteCategory, PrivacyKind } from '../../../shared/domain.ts';
import {
  CampusFrame,
  RectFrame,
  add,
  centroid,
  insetDistance,
  offsetConvex,
  pointInRing,
  scale,
  sub,
  type Pt,
  type Ring,
} from './geometry.ts';
import { TYPE_DEFAULTS, type BuildingSpec, type BuildingType, type CampusSpec, type GateSpec, type Layout, type SpecialRoom, type YardSpec } from './catalog.ts';
import type { Random } from '../../util/random.ts';

/** Half width of a building corridor (metres). */
export const CORRIDOR_HALF = 1.5;
const WALL = 0.3;
const RING_ROAD_OFFSET = 14;
const EDGE = 30;
const GAP = 6;
/** Width of the perimeter key-site strip along the fence. */
export const PERIMETER_STRIP = 6;

export interface Road {
  name: string;
  a: Pt;
  b: Pt;
  halfWidth: number;
  avenue: boolean;
}

export interface Entrance {
  name: string;
  door: Pt;
  /** Unit plan vector pointing out of the building. */
  outward: Pt;
  main: boolean;
}

export type RoomKind = 'room' | 'classroom' | 'toilet' | 'bathroom' | 'changing_room' | 'lactation_room' | 'dormitory_room' | 'special' | 'lobby' | 'elevator_hall' | 'service';

export interface Room {
  name: string;
  level: number;
  kind: RoomKind;
  /** One or more rectangles (more than one becomes a MultiPolygon). */
  rings: Ring[];
  privacy: PrivacyKind | null;
  special: SpecialRoom | null;
  /** An org area is created for this room. */
  isArea: boolean;
  /** Where the room is entered from the corridor/hall. */
  door: Pt;
  center: Pt;
}

export interface FloorPlan {
  level: number;
  name: string;
  rooms: Room[];
}

export interface PlacedBuilding {
  spec: BuildingSpec;
  type: BuildingType;
  layout: Layout;
  code: string;
  frame: RectFrame;
  length: number;
  depth: number;
  footprint: Ring;
  center: Pt;
  entrances: Entrance[];
  elevators: number;
  levels: number[];
  floors: FloorPlan[];
  /** Key-site category of the whole building, if it is one. */
  category: KeySiteCategory | null;
  /** Core half width and stair length of a corridor floor (local u metres). */
  core: number;
  stair: number;
}

export interface PlacedYard {
  spec: YardSpec;
  ring: Ring;
  center: Pt;
  /** Unit plan vector towards the road it is entered from. */
  front: Pt;
}

export interface PlacedGate {
  spec: GateSpec;
  center: Pt;
  inward: Pt;
  along: Pt;
  width: number;
  ring: Ring;
}

export interface CampusLayout {
  spec: CampusSpec;
  frame: CampusFrame;
  boundary: Ring;
  perimeterInner: Ring;
  ringRoad: Ring;
  roads: Road[];
  intersections: Pt[];
  buildings: PlacedBuilding[];
  yards: PlacedYard[];
  gates: PlacedGate[];
}

export const floorName = (level: number) => (level > 0 ? `${level}F` : `B${-level}`);

const ROAD_NAMES_V = ['博学路', '明德路', '笃行路', '求是路'];
const ROAD_NAMES_H = ['致远路', '格致路', '弘毅路'];

const rotate = (v: Pt, deg: number): Pt => {
  const r = (deg * Math.PI) / 180;
  return [v[0] * Math.cos(r) - v[1] * Math.sin(r), v[0] * Math.sin(r) + v[1] * Math.cos(r)];
};

/** Compass word of a plan direction, for names (东/南/西/北). */
export function compassWord(frame: CampusFrame, direction: Pt): string {
  const b = frame.bearingOf(direction);
  return ['北', '东', '南', '西'][Math.round(b / 90) % 4];
}

function elevatorsFor(spec: BuildingSpec): number {
  if (spec.type === 'dorm_old') return 0;
  if (spec.floors >= 12) return 4;
  if (spec.floors >= 7) return 3;
  if (spec.floors >= 5) return 2;
  return spec.type === 'library' || spec.type === 'hospital' ? 1 : 0;
}

const TOILET_TYPES: BuildingType[] = ['admin', 'security', 'office', 'hospital', 'teaching', 'lab', 'network', 'archives', 'isotope'];

// ---- floor plans --------------------------------------------------------------------------------

function rectRoom(frame: RectFrame, name: string, level: number, kind: RoomKind, u0: number, u1: number, w0: number, w1: number, door: [number, number], extra: Partial<Room> = {}): Room {
  return {
    name,
    level,
    kind,
    rings: [frame.rect(u0, u1, w0, w1)],
    privacy: null,
    special: null,
    isArea: false,
    door: frame.at(door[0], door[1]),
    center: frame.at((u0 + u1) / 2, (w0 + w1) / 2),
    ...extra,
  };
}

function splitSlots(u0: number, u1: number, target = 8.5): [number, number][] {
  const len = u1 - u0;
  if (len < 2) return [];
  const n = Math.max(1, Math.round(len / target));
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) out.push([u0 + (len * i) / n, u0 + (len * (i + 1)) / n]);
  return out;
}

function corridorFloor(b: Omit<PlacedBuilding, 'floors'>, level: number): FloorPlan {
  const { frame, length: L, depth: D, spec, type, core: C, stair: S, elevators } = b;
  const W0 = -L / 2 + WALL;
  const E0 = L / 2 - WALL;
  const back: [number, number] = [-D / 2 + WALL, -CORRIDOR_HALF];
  const front: [number, number] = [CORRIDOR_HALF, D / 2 - WALL];
  const rooms: Room[] = [];
  const specials = (spec.special ?? []).filter((s) => s.levels.includes(level));
  const isDorm = type.startsWith('dorm');
  const fname = floorName(level);

  // Segments per band and side (local u ranges).
  const seg = {
    back: { west: [W0 + S, -C] as [number, number] | null, east: [C, E0 - S] as [number, number] | null },
    front: { west: [W0, -C] as [number, number] | null, east: [C, E0] as [number, number] | null },
  };
  for (const sp of specials.filter((s) => s.band === 'both')) {
    const [u0, u1] = sp.side === 'west' ? [W0 + S, -C] : [C, E0 - S];
    rooms.push(
      rectRoom(frame, sp.name, level, 'special', u0, u1, -D / 2 + WALL, D / 2 - WALL, [sp.side === 'west' ? u1 : u0, 0], { special: sp, privacy: sp.privacy ?? null, isArea: true }),
    );
    seg.back[sp.side] = null;
    seg.front[sp.side] = sp.side === 'west' ? [W0, W0 + S] : [E0 - S, E0];
  }

  // Standard room slots; banded specials take the first slots from their end.
  const regular: { band: 'back' | 'front'; u0: number; u1: number }[] = [];
  for (const band of ['back', 'front'] as const) {
    for (const side of ['west', 'east'] as const) {
      const range = seg[band][side];
      if (!range) continue;
      let slots = splitSlots(range[0], range[1]);
      if (side === 'east') slots = slots.reverse();
      for (const sp of specials.filter((s) => s.band === band && s.side === side)) {
        const k = Math.min(sp.rooms ?? 1, slots.length);
        const taken = slots.splice(0, k);
        const u0 = Math.min(...taken.map((t) => t[0]));
        const u1 = Math.max(...taken.map((t) => t[1]));
        const [w0, w1] = band === 'back' ? back : front;
        const doorW = band === 'back' ? -CORRIDOR_HALF : CORRIDOR_HALF;
        rooms.push(
          rectRoom(frame, sp.name, level, sp.privacy ?? 'special', u0, u1, w0, w1, [(u0 + u1) / 2, doorW], {
            special: sp,
            privacy: sp.privacy ?? null,
            isArea: true,
            kind: sp.privacy ? (sp.privacy as RoomKind) : 'special',
          }),
        );
      }
      for (const [u0, u1] of slots) regular.push({ band, u0, u1 });
    }
  }

  // Core: toilets / wash rooms at the back, lobby or lift hall at the front.
  if (TOILET_TYPES.includes(type) && level >= 1) {
    rooms.push(rectRoom(frame, `${fname} 男卫生间`, level, 'toilet', -C, 0, back[0], back[1], [-C / 2, -CORRIDOR_HALF], { privacy: 'toilet', isArea: true }));
    rooms.push(rectRoom(frame, `${fname} 女卫生间`, level, 'toilet', 0, C, back[0], back[1], [C / 2, -CORRIDOR_HALF], { privacy: 'toilet', isArea: true }));
  } else if (type === 'dorm_old') {
    rooms.push(rectRoom(frame, `${fname} 公共卫生间（盥洗室）`, level, 'toilet', -C, 0, back[0], back[1], [-C / 2, -CORRIDOR_HALF], { privacy: 'toilet', isArea: true }));
    rooms.push(rectRoom(frame, `${fname} 淋浴间`, level, 'bathroom', 0, C, back[0], back[1], [C / 2, -CORRIDOR_HALF], { privacy: 'bathroom', isArea: true }));
  } else {
    rooms.push(rectRoom(frame, `${fname} ${isDorm ? '开水间' : '设备间'}`, level, 'service', -C, C, back[0], back[1], [0, -CORRIDOR_HALF]));
  }
  let frontCoreIsRoom = false;
  if (level === 1) rooms.push(rectRoom(frame, `${fname} 门厅`, level, 'lobby', -C, C, front[0], front[1], [0, CORRIDOR_HALF]));
  else if (elevators > 0) rooms.push(rectRoom(frame, `${fname} 电梯厅`, level, 'elevator_hall', -C, C, front[0], front[1], [0, CORRIDOR_HALF]));
  else frontCoreIsRoom = true;
  if (frontCoreIsRoom) regular.push({ band: 'front', u0: -C, u1: C });

  if (isDorm) {
    // All bedrooms of a floor form one privacy area (en-suite rooms include their bathrooms).
    const rings: Ring[] = [];
    const byBand = (band: 'back' | 'front') => regular.filter((r) => r.band === band).sort((a, c) => a.u0 - c.u0);
    for (const band of ['back', 'front'] as const) {
      const [w0, w1] = band === 'back' ? back : front;
      // Merge touching slots into runs.
      let run: [number, number] | null = null;
      for (const r of byBand(band)) {
        if (run && Math.abs(run[1] - r.u0) < 1e-6) run[1] = r.u1;
        else {
          if (run) rings.push(frame.rect(run[0], run[1], w0, w1));
          run = [r.u0, r.u1];
        }
      }
      if (run) rings.push(frame.rect(run[0], run[1], w0, w1));
    }
    if (rings.length) {
      rooms.push({
        name: `${fname} 学生寝室`,
        level,
        kind: 'dormitory_room',
        rings,
        privacy: 'dormitory_room',
        special: null,
        isArea: true,
        door: frame.at(W0 + S + 2, -CORRIDOR_HALF),
        center: centroid(rings[0]),
      });
    }
  } else {
    let n = 0;
    for (const r of regular.sort((a, c) => (a.band === c.band ? a.u0 - c.u0 : a.band === 'back' ? -1 : 1))) {
      n++;
      const [w0, w1] = r.band === 'back' ? back : front;
      const number = `${level > 0 ? level : 'B' + -level}${String(n).padStart(2, '0')}`;
      const kind: RoomKind = type === 'teaching' && level >= 1 ? 'classroom' : 'room';
      const label = kind === 'classroom' ? `${number}教室` : `${number}室`;
      rooms.push(rectRoom(frame, label, level, kind, r.u0, r.u1, w0, w1, [(r.u0 + r.u1) / 2, r.band === 'back' ? -CORRIDOR_HALF : CORRIDOR_HALF]));
    }
  }
  return { level, name: fname, rooms };
}

function hallFloor(b: Omit<PlacedBuilding, 'floors'>, level: number): FloorPlan {
  const { frame, length: L, depth: D, spec, type } = b;
  const W0 = -L / 2 + WALL;
  const E0 = L / 2 - WALL;
  const B0 = -D / 2 + WALL;
  const fname = floorName(level);
  const rooms: Room[] = [];
  const corner = (name: string, side: 'west' | 'east', sx: number, sy: number, offset: number, extra: Partial<Room>): Room => {
    const [u0, u1] = side === 'west' ? [W0 + offset, W0 + offset + sx] : [E0 - offset - sx, E0 - offset];
    return rectRoom(frame, name, level, extra.kind ?? 'special', u0, u1, B0, B0 + sy, [(u0 + u1) / 2, B0 + sy], { isArea: true, ...extra });
  };
  if (level === 1 && type === 'gym') {
    rooms.push(corner(`${fname} 男更衣室`, 'east', 14, 8, 0, { kind: 'changing_room', privacy: 'changing_room' }));
    rooms.push(corner(`${fname} 女更衣室`, 'west', 14, 8, 0, { kind: 'changing_room', privacy: 'changing_room' }));
  }
  if (level === 1 && type === 'pool') {
    rooms.push(corner(`${fname} 男更衣室`, 'east', 12, 8, 0, { kind: 'changing_room', privacy: 'changing_room' }));
    rooms.push(corner(`${fname} 男淋浴间`, 'east', 8, 8, 12, { kind: 'bathroom', privacy: 'bathroom' }));
    rooms.push(corner(`${fname} 女更衣室`, 'west', 12, 8, 0, { kind: 'changing_room', privacy: 'changing_room' }));
    rooms.push(corner(`${fname} 女淋浴间`, 'west', 8, 8, 12, { kind: 'bathroom', privacy: 'bathroom' }));
  }
  for (const sp of (spec.special ?? []).filter((s) => s.levels.includes(level) && s.band === 'corner')) {
    const [sx, sy] = sp.size ?? [8, 6];
    rooms.push(
      corner(sp.name, sp.side, sx, sy, 0, {
        kind: sp.privacy ? (sp.privacy as RoomKind) : 'special',
        privacy: sp.privacy ?? null,
        special: sp,
      }),
    );
  }
  return { level, name: fname, rooms };
}

// ---- layout -------------------------------------------------------------------------------------

function boundaryOf(spec: CampusSpec): Ring {
  const { width: W, height: H, chamfer: c } = spec;
  return [
    [c, 0],
    [W - c, 0],
    [W, c],
    [W, H - c],
    [W - c, H],
    [c, H],
    [0, H - c],
    [0, c],
  ];
}

function placeBuilding(
  spec: BuildingSpec,
  code: string,
  lot: { x0: number; x1: number; y0: number; y1: number },
  facing: Pt,
  rng: Random,
  frame: CampusFrame,
  boundary: Ring,
): PlacedBuilding {
  const defaults = TYPE_DEFAULTS[spec.type];
  const vertical = facing[0] === 0;
  const P = vertical ? lot.x1 - lot.x0 : lot.y1 - lot.y0;
  const Q = vertical ? lot.y1 - lot.y0 : lot.x1 - lot.x0;
  const [l0, d0] = spec.size ?? defaults.size;
  const L = Math.round(Math.min(l0 * (1 + rng.jitter(0.06)), P - 18) * 10) / 10;
  const D = Math.round(Math.min(d0 * (1 + rng.jitter(0.06)), Q - 26) * 10) / 10;
  const frontGap = rng.float(8, 14);
  const lateral = rng.jitter(Math.max(0, (P - L - 18) / 2) * 0.8);
  const mid: Pt = [(lot.x0 + lot.x1) / 2, (lot.y0 + lot.y1) / 2];
  const halfQ = Q / 2;
  const inwardDist = halfQ - frontGap - D / 2; // from lot centre towards the front
  const lateralDir: Pt = [facing[1], -facing[0]];
  const face = rotate(facing, rng.jitter(2.5));
  const fits = (ring: Ring) =>
    ring.every((p) => p[0] >= lot.x0 + 1 && p[0] <= lot.x1 - 1 && p[1] >= lot.y0 + 1 && p[1] <= lot.y1 - 1 && insetDistance(p, boundary) >= 25);
  // Set back from the front of the lot; in a chamfered corner, slide back and towards the middle until it fits.
  let center: Pt = add(add(mid, scale(facing, inwardDist)), scale(lateralDir, lateral));
  let rect = new RectFrame(center, L, D, face);
  for (let step = 0; !fits(rect.outline()); step++) {
    if (step > 40) throw new Error(`demo: ${spec.name} does not fit its lot`);
    const toMid = sub(mid, center);
    const len = Math.hypot(toMid[0], toMid[1]) || 1;
    center = add(center, scale(toMid, Math.min(2, len) / len));
    rect = new RectFrame(center, L, D, face);
  }
  const footprint = rect.outline();
  const layout = defaults.layout;
  const entrances: Entrance[] = [];
  const n = defaults.entrances;
  if (layout === 'corridor') {
    entrances.push({ name: '正门', door: rect.at(0, D / 2), outward: rect.n, main: true });
    if (n >= 2) entrances.push({ name: `${compassWord(frame, scale(rect.t, -1))}侧门`, door: rect.at(-L / 2, 0), outward: scale(rect.t, -1), main: false });
    if (n >= 3) entrances.push({ name: `${compassWord(frame, rect.t)}侧门`, door: rect.at(L / 2, 0), outward: rect.t, main: false });
  } else {
    const us = n === 1 ? [0] : n === 2 ? [-L / 4, L / 4] : [-L / 3, 0, L / 3];
    us.forEach((u, i) => entrances.push({ name: i === Math.floor(us.length / 2) && n !== 2 ? '正门' : `${i + 1}号入口`, door: rect.at(u, D / 2), outward: rect.n, main: i === 0 }));
  }
  const levels: number[] = [];
  for (let l = spec.basements; l >= 1; l--) levels.push(-l);
  for (let l = 1; l <= spec.floors; l++) levels.push(l);
  const partial: Omit<PlacedBuilding, 'floors'> = {
    spec,
    type: spec.type,
    layout,
    code,
    frame: rect,
    length: L,
    depth: D,
    footprint,
    center,
    entrances,
    elevators: elevatorsFor(spec),
    levels,
    category: defaults.category ?? null,
    core: Math.min(6, L * 0.12),
    stair: Math.min(6, L * 0.15),
  };
  const floors = levels.map((level) => (layout === 'corridor' ? corridorFloor(partial, level) : hallFloor(partial, level)));
  return { ...partial, floors };
}

function placeYard(spec: YardSpec, lot: { x0: number; x1: number; y0: number; y1: number }, facing: Pt, rng: Random): PlacedYard {
  const mid: Pt = [(lot.x0 + lot.x1) / 2, (lot.y0 + lot.y1) / 2];
  const w = lot.x1 - lot.x0;
  const h = lot.y1 - lot.y0;
  let ring: Ring;
  if (spec.yard === 'stadium') {
    const R = Math.min(36, (h - 30) / 2);
    const straight = Math.min(100, w - 30 - 2 * R);
    ring = [];
    const steps = 16;
    for (let i = 0; i <= steps; i++) {
      const a = -Math.PI / 2 + (Math.PI * i) / steps;
      ring.push([mid[0] + straight / 2 + R * Math.cos(a), mid[1] + R * Math.sin(a)]);
    }
    for (let i = 0; i <= steps; i++) {
      const a = Math.PI / 2 + (Math.PI * i) / steps;
      ring.push([mid[0] - straight / 2 + R * Math.cos(a), mid[1] + R * Math.sin(a)]);
    }
  } else if (spec.yard === 'gas') {
    const fx = mid[0] + facing[0] * (w / 2 - 20);
    const fy = mid[1] + facing[1] * (h / 2 - 18);
    ring = [
      [fx - 10, fy - 7],
      [fx + 10, fy - 7],
      [fx + 10, fy + 7],
      [fx - 10, fy + 7],
    ];
  } else {
    const inset = spec.yard === 'square' ? 6 : 10;
    const maxW = spec.yard === 'parking' ? 80 : w;
    const maxH = spec.yard === 'parking' ? 64 : h;
    const ww = Math.min(w - 2 * inset, maxW) + rng.jitter(2);
    const hh = Math.min(h - 2 * inset, maxH) + rng.jitter(2);
    const cx = mid[0] + facing[0] * ((w - 2 * inset - ww) / 2);
    const cy = mid[1] + facing[1] * ((h - 2 * inset - hh) / 2);
    ring = [
      [cx - ww / 2, cy - hh / 2],
      [cx + ww / 2, cy - hh / 2],
      [cx + ww / 2, cy + hh / 2],
      [cx - ww / 2, cy + hh / 2],
    ];
  }
  return { spec, ring, center: centroid(ring), front: facing };
}

function placeGate(spec: GateSpec, W: number, H: number): PlacedGate {
  const side = spec.side;
  const center: Pt = side === 'S' ? [spec.at, 0] : side === 'N' ? [spec.at, H] : side === 'E' ? [W, spec.at] : [0, spec.at];
  const inward: Pt = side === 'S' ? [0, 1] : side === 'N' ? [0, -1] : side === 'E' ? [-1, 0] : [1, 0];
  const along: Pt = [inward[1], -inward[0]];
  const width = spec.vehicleLanes * 3.5 + spec.turnstiles * 1.2 + 14;
  const at = (a: number, i: number): Pt => [center[0] + along[0] * a + inward[0] * i, center[1] + along[1] * a + inward[1] * i];
  const ring = [at(-width / 2, 0.5), at(width / 2, 0.5), at(width / 2, 22), at(-width / 2, 22)];
  return { spec, center, inward, along, width, ring };
}

/** Local point of a gate: `a` metres along the fence, `i` metres inward. */
export function gatePoint(g: PlacedGate, a: number, i: number): Pt {
  return [g.center[0] + g.along[0] * a + g.inward[0] * i, g.center[1] + g.along[1] * a + g.inward[1] * i];
}

export function layoutCampus(spec: CampusSpec, rng: Random, codePrefix: string): CampusLayout {
  const frame = new CampusFrame(spec.lon0, spec.lat0, spec.rotationDeg);
  const boundary = boundaryOf(spec);
  const { width: W, height: H } = spec;
  const hwV = (x: number) => (x === spec.avenueX ? 12 : 7);
  const hwH = 7;

  const roads: Road[] = [];
  spec.vRoads.forEach((x, i) => roads.push({ name: x === spec.avenueX ? '主干道' : ROAD_NAMES_V[i % ROAD_NAMES_V.length], a: [x, RING_ROAD_OFFSET], b: [x, H - RING_ROAD_OFFSET], halfWidth: hwV(x), avenue: x === spec.avenueX }));
  spec.hRoads.forEach((y, i) => roads.push({ name: ROAD_NAMES_H[i % ROAD_NAMES_H.length], a: [RING_ROAD_OFFSET, y], b: [W - RING_ROAD_OFFSET, y], halfWidth: hwH, avenue: false }));
  const intersections: Pt[] = [];
  for (const x of spec.vRoads) for (const y of spec.hRoads) intersections.push([x, y]);

  const colX = (c: number, n: number): [number, number] => [
    c === 0 ? EDGE : spec.vRoads[c - 1] + hwV(spec.vRoads[c - 1]) + GAP,
    c === n - 1 ? W - EDGE : spec.vRoads[c] - hwV(spec.vRoads[c]) - GAP,
  ];
  const rowY = (r: number, n: number): [number, number] => [r === 0 ? EDGE : spec.hRoads[r - 1] + hwH + GAP, r === n - 1 ? H - EDGE : spec.hRoads[r] - hwH - GAP];

  const buildings: PlacedBuilding[] = [];
  const yards: PlacedYard[] = [];
  const nRows = spec.blocks.length;
  spec.blocks.forEach((row, r) => {
    const nCols = row.length;
    const [y0, y1] = rowY(r, nRows);
    row.forEach((block, c) => {
      const [x0, x1] = colX(c, nCols);
      const ym = (y0 + y1) / 2;
      block.forEach((lots, half) => {
        const ly0 = half === 0 ? y0 : ym + 3;
        const ly1 = half === 0 ? ym - 3 : y1;
        const spans = lots.map((u) => (u && 'building' in u ? (u.span ?? 1) : (u?.span ?? 1)));
        const total = spans.reduce((s, x) => s + x, 0);
        const lw = (x1 - x0) / total;
        let off = 0;
        lots.forEach((use, k) => {
          const lx0 = x0 + off * lw + (off === 0 ? 0 : 1.5);
          const lx1 = x0 + (off + spans[k]) * lw - (off + spans[k] === total ? 0 : 1.5);
          off += spans[k];
          if (!use) return;
          const lot = { x0: lx0, x1: lx1, y0: ly0, y1: ly1 };
          let facing: Pt = half === 0 ? [0, -1] : [0, 1];
          const eastIsAvenue = c < nCols - 1 && spec.vRoads[c] === spec.avenueX && off === total;
          const westIsAvenue = c > 0 && spec.vRoads[c - 1] === spec.avenueX && off - spans[k] === 0;
          if (eastIsAvenue) facing = [1, 0];
          if (westIsAvenue) facing = [-1, 0];
          if ('building' in use) {
            const code = `${codePrefix}${String(buildings.length + 1).padStart(2, '0')}`;
            buildings.push(placeBuilding(use.building, code, lot, facing, rng, frame, boundary));
          } else {
            yards.push(placeYard(use, lot, facing, rng));
          }
        });
      });
    });
  });

  const gates = spec.gates.map((g) => placeGate(g, W, H));
  // Sanity: yards and buildings stay inside the campus.
  for (const y of yards) for (const p of y.ring) if (!pointInRing(p, boundary)) throw new Error(`demo: yard ${y.spec.name} leaves the campus`);

  return {
    spec,
    frame,
    boundary,
    perimeterInner: offsetConvex(boundary, PERIMETER_STRIP),
    ringRoad: offsetConvex(boundary, RING_ROAD_OFFSET),
    roads,
    intersections,
    buildings,
    yards,
    gates,
  };
}
