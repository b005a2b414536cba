/**
 * Access control, alarm and fire devices, patrol checkpoints and panic buttons. Totals are
 * filled to exact targets from prioritised candidate lists (key sites first, then the rest).
 */
import type { DeviceKind, KeySiteCategory } from '../../../shared/domain.ts';
import { CORRIDOR_HALF, floorName, gatePoint, type PlacedBuilding, type Room } from './campus-plan.ts';
import type { BuildingType } from './catalog.ts';
import { roomAt, pointsAlongRing, type CampusCtx, type DraftBuilder } from './devices.ts';
import { add, lerp, scale, type Pt } from './geometry.ts';

interface Candidate {
  campus: CampusCtx;
  building: PlacedBuilding | null;
  level: number | null;
  pos: Pt;
  name: string;
  keySiteId?: string | null;
  notes?: string | null;
  year?: number;
}

// Canteens: card or face at the entrance (刷卡/刷脸进食堂), so a student's day shows where they ate (trajectories).
const ACCESS_TYPES: BuildingType[] = ['admin', 'security', 'office', 'library', 'hospital', 'lab', 'isotope', 'network', 'archives', 'substation', 'pump', 'dorm_old', 'dorm_new', 'dorm_grad', 'canteen'];
const ROOM_DOOR_TYPES: BuildingType[] = ['lab', 'admin', 'network', 'security', 'hospital', 'office'];
const WINDOW_ZONE_TYPES: BuildingType[] = ['admin', 'library', 'lab', 'network', 'hospital', 'security', 'isotope', 'archives', 'office'];
const FIRE_TYPES: BuildingType[] = ['archives', 'network', 'library', 'lab', 'isotope', 'admin', 'security', 'dorm_old', 'dorm_new', 'dorm_grad', 'hospital', 'office', 'canteen', 'teaching'];

/** Turns candidates into drafts of one kind (ids of building, floor and area resolved). */
function emit(db: DraftBuilder, kind: DeviceKind, list: Candidate[]): void {
  for (const c of list) {
    const b = c.building;
    let buildingId: string | null = null;
    let floorId: string | null = null;
    let areaId: string | null = null;
    if (b) {
      buildingId = c.campus.buildingId.get(b)!;
      if (c.level !== null) {
        floorId = c.campus.floorId.get(b)!.get(c.level)!;
        const room = roomAt(
          b.floors.find((f) => f.level === c.level),
          c.pos,
        );
        if (room?.isArea) areaId = c.campus.areaId.get(room)!;
      }
    }
    db.other(c.campus, {
      kind,
      name: c.name,
      pos: c.pos,
      year: c.year ?? (b ? Math.min(2025, b.spec.year + (db.rng.chance(0.2) ? db.rng.int(1, 5) : 0)) : db.rng.int(2016, 2022)),
      buildingId,
      floorId,
      areaId,
      keySiteId: c.keySiteId ?? null,
      notes: c.notes ?? null,
    });
  }
}

/** Takes candidates tier by tier, round-robin within the last tiers, until `target`. */
function fill(target: number, tiers: Candidate[][], roundRobin: Candidate[][] = []): Candidate[] {
  const out: Candidate[] = [];
  for (const tier of tiers) for (const c of tier) if (out.length < target) out.push(c);
  for (let round = 0; out.length < target; round++) {
    let took = false;
    for (const list of roundRobin) {
      if (out.length >= target) break;
      if (round < list.length) {
        out.push(list[round]);
        took = true;
      }
    }
    if (!took) throw new Error(`demo: not enough candidate places (${out.length} of ${target})`);
  }
  return out;
}

const buildingsOf = (ctxs: CampusCtx[]) => ctxs.flatMap((c) => c.layout.buildings.map((b) => ({ c, b })));
const specialRooms = (b: PlacedBuilding) => b.floors.flatMap((f) => f.rooms.filter((r) => r.special && !r.privacy));
const siteOf = (c: CampusCtx, b: PlacedBuilding, r?: Room) => (r ? (c.siteOfRoom.get(r) ?? null) : null) ?? c.siteOfBuilding.get(b) ?? null;
const catOf = (r: Room): KeySiteCategory | undefined => r.special?.category;

export function doorDevices(db: DraftBuilder, ctxs: CampusCtx[], target: number): void {
  const entrances: Candidate[] = [];
  const specials: Candidate[] = [];
  const staff: Candidate[] = [];
  const fireExits: Candidate[] = [];
  const rooms: Candidate[][] = [];
  for (const { c, b } of buildingsOf(ctxs)) {
    const n = b.spec.name;
    if (ACCESS_TYPES.includes(b.type)) {
      for (const e of b.entrances) {
        const dorm = b.type.startsWith('dorm') && e.main;
        for (const dir of dorm ? ['（进）', '（出）'] : ['']) {
          entrances.push({ campus: c, building: b, level: 1, pos: add(e.door, scale(e.outward, -0.5)), name: `${n} ${e.name}门禁${dir}`, keySiteId: c.siteOfBuilding.get(b) ?? null });
        }
      }
    } else {
      // At the back, beside the core (the toilets sit right behind the lobby).
      const u = b.layout === 'corridor' ? b.core + 2 : 0;
      staff.push({ campus: c, building: b, level: 1, pos: b.frame.at(u, -b.depth / 2 + 0.5), name: `${n} 后勤通道门禁` });
    }
    for (const r of specialRooms(b)) {
      const cat = catOf(r);
      const count = cat === 'finance_office' || cat === 'machine_room' ? 2 : 1;
      for (let k = 0; k < count; k++) {
        const pos = lerp(r.door, r.center, 0.05 + k * 0.02);
        specials.push({ campus: c, building: b, level: r.level, pos, name: `${n} ${floorName(r.level)} ${r.special!.name}门禁${count > 1 ? (k === 0 ? '（主门）' : '（备用门）') : ''}`, keySiteId: siteOf(c, b, r) });
      }
    }
    if (b.spec.floors >= 4 && b.layout === 'corridor') {
      for (const su of [-1, 1]) {
        const u = su * (b.length / 2 - 0.3 - b.stair / 2);
        fireExits.push({ campus: c, building: b, level: 1, pos: b.frame.at(u, -b.depth / 2 + 0.5), name: `${n} ${su < 0 ? '一' : '二'}号消防通道门` });
      }
    }
    if (ROOM_DOOR_TYPES.includes(b.type)) {
      for (const f of b.floors) {
        const list = f.rooms.filter((r) => r.kind === 'room').map((r) => ({ campus: c, building: b, level: f.level, pos: lerp(r.door, r.center, 0.05), name: `${n} ${r.name}门禁` }));
        if (list.length) rooms.push(list);
      }
    }
  }
  emit(db, 'door', fill(target, [entrances, specials, staff, fireExits], rooms));
}

export function intrusionZones(db: DraftBuilder, ctxs: CampusCtx[], target: number): void {
  const tier1: Candidate[] = [];
  const windows: Candidate[][] = [];
  const labels: Partial<Record<KeySiteCategory, string[]>> = {
    finance_office: ['门磁', '窗户', '室内红外'],
    secrets_room: ['门磁', '室内双鉴'],
    machine_room: ['门磁', '室内双鉴'],
    monitoring_center: ['门磁'],
    hazardous_lab: ['门磁', '室内双鉴'],
    key_laboratory: ['门磁', '室内双鉴'],
  };
  for (const { c, b } of buildingsOf(ctxs)) {
    const n = b.spec.name;
    for (const r of specialRooms(b)) {
      const cat = catOf(r);
      const ls = (cat && labels[cat]) ?? ['室内双鉴'];
      ls.forEach((label, k) => {
        const pos = lerp(r.center, r.door, 0.2 + k * 0.15);
        tier1.push({ campus: c, building: b, level: r.level, pos, name: `${n} ${floorName(r.level)} ${r.special!.name} ${label}防区`, keySiteId: siteOf(c, b, r) });
      });
    }
    if (WINDOW_ZONE_TYPES.includes(b.type)) {
      const list: Candidate[] = [];
      const count = Math.max(2, Math.round(b.length / 15));
      const ground = b.floors.find((f) => f.level === 1);
      for (let k = 0; k < count; k++) {
        const u = -b.length / 2 + (b.length * (k + 0.5)) / count;
        const pos = b.frame.at(u, -b.depth / 2 + 0.6);
        if (roomAt(ground, pos)?.privacy) continue; // no detector inside a toilet
        list.push({ campus: c, building: b, level: 1, pos, name: `${n} 1F 后窗防区${list.length + 1}`, keySiteId: c.siteOfBuilding.get(b) ?? null });
      }
      windows.push(list);
    }
  }
  emit(db, 'intrusion_zone', fill(target, [tier1], windows));
}

export function fireDetectors(db: DraftBuilder, ctxs: CampusCtx[], target: number): void {
  const tier1: Candidate[] = [];
  const floors: Candidate[][] = [];
  for (const { c, b } of buildingsOf(ctxs)) {
    const n = b.spec.name;
    for (const r of specialRooms(b)) {
      for (let k = 0; k < 2; k++) tier1.push({ campus: c, building: b, level: r.level, pos: lerp(r.center, r.rings[0][k * 2], 0.4), name: `${n} ${floorName(r.level)} ${r.special!.name} 感烟${k + 1}` });
    }
    if (!FIRE_TYPES.includes(b.type)) continue;
    for (const f of b.floors) {
      const list: Candidate[] = [];
      if (b.layout === 'corridor') {
        const count = Math.max(2, Math.round(b.length / 12));
        for (let k = 0; k < count; k++) {
          const u = -b.length / 2 + (b.length * (k + 0.5)) / count;
          list.push({ campus: c, building: b, level: f.level, pos: b.frame.at(u, CORRIDOR_HALF * 0.3), name: `${n} ${f.name} 走廊感烟${k + 1}` });
        }
      } else {
        for (const [u, w] of [
          [-0.25, 0.25],
          [0.25, -0.25],
          [0.25, 0.25],
          [-0.25, -0.25],
        ]) {
          list.push({ campus: c, building: b, level: f.level, pos: b.frame.at(u * b.length, w * b.depth), name: `${n} ${f.name} ${b.type === 'canteen' ? '感温' : '感烟'}${list.length + 1}` });
        }
      }
      // Interleave from both ends so a partial round still spreads over the floor.
      const spread: Candidate[] = [];
      for (let i = 0, j = list.length - 1; i <= j; i++, j--) {
        spread.push(list[i]);
        if (j !== i) spread.push(list[j]);
      }
      floors.push(spread);
    }
  }
  emit(db, 'fire_detector', fill(target, [tier1], floors));
}

export function patrolCheckpoints(db: DraftBuilder, ctxs: CampusCtx[], target: number): void {
  const gates: Candidate[] = [];
  const perimeter: Candidate[] = [];
  const keyEntrances: Candidate[] = [];
  const rooms: Candidate[] = [];
  const rest: Candidate[] = [];
  let n = 0;
  const label = (c: CampusCtx) => `巡更点 ${c.short}-${String(++n).padStart(3, '0')}`;
  for (const c of ctxs) {
    n = 0;
    for (const g of c.layout.gates) gates.push({ campus: c, building: null, level: null, pos: gatePoint(g, g.width / 2 - 3, 16), name: `${label(c)} ${g.spec.name}门卫室`, keySiteId: c.siteOfGate.get(g)! });
    for (const { pos } of pointsAlongRing(c.layout.boundary, 150, 9)) perimeter.push({ campus: c, building: null, level: null, pos, name: `${label(c)} 周界`, keySiteId: c.perimeterSiteId });
    for (const b of c.layout.buildings) {
      const main = b.entrances.find((e) => e.main) ?? b.entrances[0];
      const cand: Candidate = { campus: c, building: b, level: null, pos: add(main.door, scale(main.outward, 3)), name: `${label(c)} ${b.spec.name}${main.name}`, keySiteId: c.siteOfBuilding.get(b) ?? null };
      if (b.category && !b.type.startsWith('dorm')) keyEntrances.push(cand);
      else rest.push(cand);
      for (const r of specialRooms(b).filter((x) => x.special?.category)) {
        rooms.push({ campus: c, building: b, level: r.level, pos: b.frame.at(b.frame.local(r.door)[0], 0), name: `${label(c)} ${b.spec.name}${floorName(r.level)}${r.special!.name}`, keySiteId: siteOf(c, b, r) });
      }
    }
    for (const y of c.layout.yards) rest.push({ campus: c, building: null, level: null, pos: lerp(y.center, y.ring[0], 0.5), name: `${label(c)} ${y.spec.name}`, keySiteId: c.siteOfYard.get(y)! });
  }
  emit(db, 'patrol_checkpoint', fill(target, [gates, perimeter, keyEntrances, rooms, rest]));
}

export function panicButtons(db: DraftBuilder, ctxs: CampusCtx[]): void {
  const list: Candidate[] = [];
  for (const c of ctxs) {
    for (const g of c.layout.gates) list.push({ campus: c, building: null, level: null, pos: gatePoint(g, g.width / 2 - 2.5, 13), name: `${g.spec.name}门卫室 紧急报警按钮`, keySiteId: c.siteOfGate.get(g)! });
    for (const b of c.layout.buildings) {
      for (const r of specialRooms(b)) {
        const cat = catOf(r);
        const count = cat === 'finance_office' && !r.special!.noPanicButton ? 2 : cat === 'monitoring_center' ? 1 : r.special!.name === '药房' ? 1 : 0;
        for (let k = 0; k < count; k++) {
          list.push({ campus: c, building: b, level: r.level, pos: lerp(r.center, r.rings[0][k + 1], 0.5), name: `${b.spec.name} ${floorName(r.level)} ${r.special!.name} 紧急报警按钮${count > 1 ? k + 1 : ''}`, keySiteId: siteOf(c, b, r) });
        }
      }
    }
  }
  emit(db, 'panic_button', list);
}

/** One alarm panel in every building with alarm inputs, plus the perimeter panel of each campus. */
export function alarmPanels(db: DraftBuilder, ctxs: CampusCtx[]): void {
  const withInputs = new Set(db.drafts.filter((d) => ['intrusion_zone', 'panic_button'].includes(d.kind) && d.buildingId).map((d) => d.buildingId!));
  const list: Candidate[] = [];
  for (const c of ctxs) {
    for (const b of c.layout.buildings) {
      if (!withInputs.has(c.buildingId.get(b)!)) continue;
      const level = b.levels.includes(1) ? 1 : b.levels[0];
      list.push({ campus: c, building: b, level, pos: b.frame.at(0, 0), name: `${b.spec.name} 报警主机` });
    }
    const { building, room } = c.control;
    list.push({ campus: c, building, level: room.level, pos: lerp(room.center, room.door, 0.5), name: `${c.short}校区 周界报警主机`, keySiteId: c.perimeterSiteId });
  }
  emit(db, 'alarm_panel', list);
}
