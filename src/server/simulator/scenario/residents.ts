/**
 * Consistent movement (全程可溯, issue 14): people of the register go through a plausible day, each
 * with their own dormitory, teaching building and canteen, using their real card numbers, so a
 * trajectory query shows a path (宿舍 → 教学楼 → 食堂 → 教学楼 → 食堂 → 宿舍; staff and contractors
 * through a campus gate in the morning and out in the evening). Deterministic from the seed.
 */
import type { CalendarDayKind } from '../../../shared/calendar.ts';
import { hashString, type Random } from '../../util/random.ts';
import { directionOf, doorRole, type SimDevice } from './devices.ts';
import { atShanghai } from './timetable.ts';

/** A person of the people register the scenario moves: their register id and an active card. */
export interface Resident {
  personId: string;
  cardNo: string;
  kind: 'student' | 'staff' | 'contractor';
}

export interface PlannedPass {
  atMs: number;
  device: SimDevice;
  resident: Resident;
  direction: 'in' | 'out';
  /** Campus gates report the person too (their face terminals know who it is); doors only the card. */
  withPerson: boolean;
}

type Place = 'dorm' | 'teaching' | 'canteen' | 'gate';

const CANTEEN = /食堂|餐厅/;
const TEACHING = /教学|实验|图书|学院|科研|办公|综合楼/;

/** One step of a day: where, which way, and the window (Beijing HH:MM) it falls in. */
type Step = [Place, 'in' | 'out', string, string];

const STUDENT_DAY: Step[] = [
  ['dorm', 'out', '07:05', '07:50'],
  ['teaching', 'in', '07:50', '08:15'],
  ['canteen', 'in', '11:45', '12:15'],
  ['teaching', 'in', '13:15', '13:55'],
  ['canteen', 'in', '17:20', '18:10'],
  ['dorm', 'in', '21:00', '22:40'],
];
const STUDENT_WEEKEND: Step[] = [
  ['dorm', 'out', '09:00', '10:30'],
  ['canteen', 'in', '11:30', '12:30'],
  ['dorm', 'in', '13:00', '14:00'],
  ['dorm', 'out', '16:30', '17:30'],
  ['canteen', 'in', '17:30', '18:30'],
  ['dorm', 'in', '19:00', '22:30'],
];
const STAFF_DAY: Step[] = [
  ['gate', 'in', '07:30', '08:40'],
  ['teaching', 'in', '08:00', '09:00'],
  ['canteen', 'in', '11:30', '12:20'],
  ['teaching', 'in', '12:30', '13:30'],
  ['gate', 'out', '17:00', '18:40'],
];
const CONTRACTOR_DAY: Step[] = [
  ['gate', 'in', '06:20', '07:10'],
  ['canteen', 'in', '07:00', '07:30'],
  ['gate', 'out', '19:00', '20:00'],
];

/** The register's card holders as residents (one card each: the first active one). */
export function residentsOf(holders: readonly { personId: string; kind: string; card: string }[]): Resident[] {
  const seen = new Set<string>();
  const out: Resident[] = [];
  for (const h of holders) {
    if (seen.has(h.personId)) continue;
    seen.add(h.personId);
    out.push({ personId: h.personId, cardNo: h.card, kind: h.kind === 'student' || h.kind === 'contractor' ? h.kind : 'staff' });
  }
  return out;
}

export class ResidentDays {
  private readonly dorms: SimDevice[][];
  private readonly teaching: SimDevice[][];
  private readonly canteens: SimDevice[][];
  private readonly gates: SimDevice[];

  constructor(
    private readonly residents: readonly Resident[],
    devices: readonly SimDevice[],
  ) {
    const doorsByBuilding = (test: (d: SimDevice) => boolean) => {
      const by = new Map<string, SimDevice[]>();
      for (const d of devices) {
        if (d.kind !== 'door' || !d.buildingId || !test(d)) continue;
        // Building entrances only (their name says which way), not rooms inside.
        if (!directionOf(d.name) && !/门门禁|大门|入口|出口/.test(d.name)) continue;
        let list = by.get(d.buildingId);
        if (!list) by.set(d.buildingId, (list = []));
        list.push(d);
      }
      return [...by.keys()].sort().map((k) => by.get(k)!);
    };
    this.dorms = doorsByBuilding((d) => doorRole(d) === 'dorm');
    // A canteen's entrance doors (card or face: 刷卡进食堂), not the kitchen's service door.
    this.canteens = doorsByBuilding((d) => doorRole(d) === 'class' && CANTEEN.test(d.buildingName ?? ''));
    this.teaching = doorsByBuilding((d) => doorRole(d) === 'class' && !CANTEEN.test(d.buildingName ?? '') && TEACHING.test(d.buildingName ?? ''));
    this.gates = devices.filter((d) => d.kind === 'turnstile').sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  get size(): number {
    return this.residents.length;
  }

  /**
   * Each person's own buildings, stable across days (by their id, not by the run's random stream),
   * all on one campus: a student's is their dormitory's, anyone else's their teaching building's.
   */
  private home(r: Resident, place: Place): SimDevice[] | null {
    const byHash = (list: SimDevice[][], salt: string) => (list.length ? list[hashString(`${salt}:${r.personId}`) % list.length]! : null);
    const anchor = r.kind === 'student' ? byHash(this.dorms, 'dorm') : byHash(this.teaching, 'teaching');
    const campus = anchor?.[0]?.campusId;
    if (place === 'gate') {
      const gates = this.gates.filter((g) => g.campusId === campus);
      return gates.length ? gates : this.gates.length ? this.gates : null;
    }
    const all = place === 'dorm' ? this.dorms : place === 'teaching' ? this.teaching : this.canteens;
    const local = all.filter((doors) => doors[0]!.campusId === campus);
    return byHash(local.length ? local : all, place);
  }

  /**
   * The passes of everyone on `date`, in time order: a few stay away on a working day, more at a
   * weekend, most on a public holiday or in the vacation (the school calendar's day kind).
   */
  plan(date: string, weekend: boolean, dayKind: CalendarDayKind | undefined, rng: Random): PlannedPass[] {
    const rest = dayKind === 'holiday' || dayKind === 'vacation' || (weekend && dayKind !== 'workday');
    const away = dayKind === 'holiday' ? 0.65 : dayKind === 'vacation' ? 0.5 : rest ? 0.3 : 0.08;
    weekend = rest;
    const out: PlannedPass[] = [];
    for (const r of this.residents) {
      if (rng.chance(away)) continue; // away today
      const steps = r.kind === 'student' ? (weekend ? STUDENT_WEEKEND : STUDENT_DAY) : weekend ? [] : r.kind === 'staff' ? STAFF_DAY : CONTRACTOR_DAY;
      // Students of the register live on campus: without a dormitory door in the ledger their day starts at the first building that has one.
      let last = 0;
      for (const [place, direction, from, to] of steps) {
        const doors = this.home(r, place);
        if (!doors) continue;
        const wanted = doors.filter((d) => (directionOf(d.name) ?? direction) === direction);
        // The reader for this way is out of service (the ledger's devices in service only): they walk through unseen.
        if (!wanted.length) continue;
        const device = rng.pick(wanted);
        const lo = Math.max(atShanghai(date, from), last + 60_000);
        const hi = Math.max(lo + 60_000, atShanghai(date, to));
        last = lo + rng.next() * (hi - lo);
        out.push({ atMs: last, device, resident: r, direction, withPerson: device.kind === 'turnstile' });
      }
    }
    return out.sort((a, b) => a.atMs - b.atMs);
  }
}
