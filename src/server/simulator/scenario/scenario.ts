/**
 * The simulated campus day: which device reports what, and when. Background traffic (door and
 * turnstile passages, plate reads, camera motion) scales with the configured event rate and
 * follows the timetable; alarms and faults have fixed hourly rates for the whole university, so
 * "very rare" stays rare whatever the rate; stories with several steps (a car at the gate, a
 * guard's patrol round) are scheduled ahead and come out when due.
 *
 * Pure apart from the seeded PRNG: the caller passes the time, so tests can replay any hour.
 */
import type { DeviceKind } from '../../../shared/domain.ts';
import { EVENT_KINDS, type DENY_REASONS, type EventKind, type EventPayload, type IngestEnvelopeT } from '../../../shared/events.ts';
import { detectorOf, directionOf, doorRole, laneKey, laneNumber, patrolAreaOf, patrolNumber, segmentOf, type DoorRole, type SimDevice } from './devices.ts';
import { Fleet, Population, randomVehicle, type Person, type Vehicle } from './population.ts';
import { Random } from '../../util/random.ts';
import type { CalendarDayKind } from '../../../shared/calendar.ts';
import { ResidentDays, type Resident } from './residents.ts';
import {
  classDoorCurve,
  classDoorInShare,
  dayAlarmCurve,
  dormDoorCurve,
  dormInShare,
  gateWalkCurve,
  gateWalkInShare,
  isCurfew,
  isNight,
  motionCurve,
  nightAlarmCurve,
  patrolRoundsBetween,
  shanghaiIso,
  shanghaiTime,
  vehicleCurve,
  vehicleInShare,
  type ShanghaiTime,
} from './timetable.ts';

export type { SimDevice } from './devices.ts';

export interface ScenarioEvent {
  device: SimDevice;
  envelope: IngestEnvelopeT;
}

type DenyReason = (typeof DENY_REASONS)[number];
type Direction = 'in' | 'out';

/** Traffic that scales with the configured rate. */
export const BACKGROUND_STREAMS = ['door.class', 'door.dorm', 'door.secure', 'door.service', 'gate.walk', 'gate.vehicle', 'camera.motion'] as const;
export type BackgroundStream = (typeof BACKGROUND_STREAMS)[number];

/** Share of the daily background traffic per stream (renormalised over the streams that have devices). */
const SHARES: Record<BackgroundStream, number> = {
  'camera.motion': 0.3,
  'door.dorm': 0.2,
  'door.class': 0.16,
  'gate.walk': 0.15,
  'gate.vehicle': 0.14,
  'door.service': 0.03,
  'door.secure': 0.02,
};

/** Alarms and faults: events per hour for the whole university, on average over the day. */
export const RARE_PER_HOUR = {
  'door.held_open': 10,
  'door.forced': 0.4,
  intrusion: 1.5,
  perimeter: 0.8,
  smoke: 0.3,
  fire: 0.04,
  panic: 0.1,
  tamper: 0.8,
  'device.fault': 1.5,
  'video.loss': 0.4,
} as const;
export type RareStream = keyof typeof RARE_PER_HOUR;
export const RARE_STREAMS = Object.keys(RARE_PER_HOUR) as RareStream[];

export interface ScenarioOptions {
  devices: SimDevice[];
  seed?: number;
  /** Guard account usernames (patrol check-ins); default guard01 … guard40. */
  guards?: string[];
  /** Part of every sourceEventId, unique per run (default: the start time in base 36). */
  runTag?: string;
  /** Override hourly rates (0 disables a kind). */
  rarePerHour?: Partial<Record<RareStream, number>>;
  /** Share of door commands the lock fails to carry out. Default 0.02. */
  commandFailureRate?: number;
  /** Seed of the registered vehicles (default `seed`): the demo's fleet is the one its vehicle list holds (DEMO_FLEET_SEED). */
  fleetSeed?: number;
  /** People of the register to move through consistent days with their real cards (residents.ts); none by default. */
  residents?: readonly Resident[];
  /** The school calendar's kind of a date (holiday, 调休 workday, vacation): how many of them come. */
  dayKind?: (date: string) => CalendarDayKind | undefined;
}

interface Scheduled {
  due: number;
  make: (at: number) => ScenarioEvent | null;
}

interface PatrolRoute {
  id: string;
  checkpoints: SimDevice[];
}

const FIRMWARE: Partial<Record<DeviceKind, string[]>> = {
  camera: ['V5.7.3 build 230512', 'V5.5.820 build 221108', 'V2.800.0000000.15.R'],
  lpr_camera: ['V4.3.2 build 220720', 'V5.6.12 build 231010'],
  door: ['ACS V3.2.1', 'ACS V2.8.5'],
  turnstile: ['GATE V1.9.3'],
  barrier_gate: ['BRG V2.1.0'],
  fire_detector: ['JTY-GD V1.06'],
  recorder: ['V4.74.010 build 230601'],
};

const FAULTS: Partial<Record<DeviceKind, [string, string][]>> = {
  camera: [
    ['E-VIDEO-0102', '视频编码异常'],
    ['E-NET-0201', '网络丢包率过高'],
    ['E-SD-0301', '存储卡故障'],
    ['E-IR-0105', '红外补光灯失效'],
  ],
  lpr_camera: [
    ['E-LPR-0105', '补光灯故障'],
    ['E-LPR-0110', '识别率持续低于阈值'],
  ],
  door: [
    ['E-LOCK-0101', '电锁反馈异常'],
    ['E-READER-0203', '读卡器通信中断'],
    ['E-PWR-0301', '备用电池电压低'],
  ],
  turnstile: [['E-GATE-0107', '红外对射故障']],
  barrier_gate: [['E-BAR-0102', '道闸电机过流']],
  fire_detector: [
    ['F-0101', '探测器污染，需清洗'],
    ['F-0203', '回路故障'],
  ],
  recorder: [
    ['E-HDD-0301', '硬盘坏道'],
    ['E-HDD-0302', '硬盘满，已覆盖'],
  ],
  alarm_panel: [['E-PNL-0401', '交流电源掉电，电池供电中']],
  intrusion_zone: [['E-ZONE-0501', '防区线路开路']],
  perimeter_zone: [['E-FENCE-0601', '脉冲主机通信故障']],
  panic_button: [['E-PB-0701', '按钮回路故障']],
  patrol_checkpoint: [['E-PAT-0801', '巡更点电池电量低']],
};

const SOURCE_PREFIX: Partial<Record<DeviceKind, string>> = {
  camera: 'IPC',
  lpr_camera: 'LPR',
  door: 'ACS',
  turnstile: 'GATE',
  barrier_gate: 'BRG',
  fire_detector: 'FAS',
  intrusion_zone: 'IAS',
  perimeter_zone: 'PER',
  panic_button: 'PB',
  patrol_checkpoint: 'PAT',
  recorder: 'NVR',
  alarm_panel: 'PNL',
};

/** The event a device answers a command with (see commandAck). */
const ACK_KIND = 'command.ack';

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Mean of a curve over the day (per-minute samples). */
function dailyMean(curve: (minute: number, weekend: boolean) => number): number {
  let s = 0;
  for (let m = 0; m < 1440; m++) s += curve(m + 0.5, false);
  return s / 1440;
}

export class Scenario {
  readonly devices: SimDevice[];
  private readonly rng: Random;
  private readonly population: Population;
  private readonly fleet: Fleet;
  private readonly guards: string[];
  private readonly runTag: string;
  private readonly commandFailureRate: number;
  private seq = 0;
  private readonly queue: Scheduled[] = [];
  private lastMinute: number | null = null;
  private roundCount = 0;

  // Device pools.
  private readonly doors: Record<DoorRole, SimDevice[]> = { dorm: [], class: [], secure: [], service: [] };
  private readonly dormIndex = new Map<string, number>();
  private readonly turnstiles: SimDevice[] = [];
  private readonly lpr: Record<Direction | 'any', SimDevice[]> = { in: [], out: [], any: [] };
  private readonly barrierOfLane = new Map<string, SimDevice>();
  private readonly loneBarriers: SimDevice[] = [];
  private readonly cameras: SimDevice[] = [];
  private readonly byKind = new Map<DeviceKind, SimDevice[]>();
  private readonly routes: PatrolRoute[] = [];
  /** Plates inside each campus (for plausible exits). */
  private readonly inside = new Map<string, Vehicle[]>();
  private readonly registered = new Set<string>();
  /** The register's people on their daily paths, planned a day at a time from a stream of their own (the others' draws stay as they were). */
  private readonly residentDays: ResidentDays | null;
  private readonly residentRng: Random;
  private plannedDate: string | null = null;
  private readonly dayKind: (date: string) => CalendarDayKind | undefined;

  private readonly shares: [BackgroundStream, number][];
  private readonly curves: Record<BackgroundStream, (m: number, weekend: boolean) => number>;
  private readonly means: Record<BackgroundStream, number>;
  private readonly sqrtMean: number;
  private readonly rare: Record<RareStream, number>;
  private readonly rareMeans: Record<RareStream, number>;

  constructor(opts: ScenarioOptions) {
    const seed = opts.seed ?? 20260101;
    this.rng = new Random(seed).fork('scenario');
    this.population = new Population(seed);
    this.fleet = new Fleet(opts.fleetSeed ?? seed);
    this.guards = opts.guards?.length ? opts.guards : Array.from({ length: 40 }, (_, i) => `guard${String(i + 1).padStart(2, '0')}`);
    this.runTag = opts.runTag ?? Date.now().toString(36);
    this.commandFailureRate = opts.commandFailureRate ?? 0.02;
    this.devices = opts.devices;
    this.residentDays = opts.residents?.length ? new ResidentDays(opts.residents, opts.devices) : null;
    this.residentRng = new Random(seed).fork('residents');
    this.dayKind = opts.dayKind ?? (() => undefined);
    for (const d of opts.devices) this.classify(d);
    const dormBuildings = [...new Set(this.doors.dorm.map((d) => d.buildingId ?? d.id))].sort();
    dormBuildings.forEach((b, i) => this.dormIndex.set(b, i));
    this.buildRoutes();

    this.curves = {
      'door.class': classDoorCurve,
      'door.dorm': dormDoorCurve,
      'door.secure': (m) => dayAlarmCurve(m) * 0.8 + 0.2 * classDoorCurve(m),
      'door.service': (m) => 0.05 + dayAlarmCurve(m),
      'gate.walk': gateWalkCurve,
      'gate.vehicle': vehicleCurve,
      'camera.motion': motionCurve,
    };
    this.means = Object.fromEntries(BACKGROUND_STREAMS.map((s) => [s, dailyMean(this.curves[s])])) as Record<BackgroundStream, number>;
    const has: Record<BackgroundStream, boolean> = {
      'door.class': this.doors.class.length > 0,
      'door.dorm': this.doors.dorm.length > 0,
      'door.secure': this.doors.secure.length > 0,
      'door.service': this.doors.service.length > 0,
      'gate.walk': this.turnstiles.length > 0,
      'gate.vehicle': this.lpr.any.length + this.lpr.in.length + this.lpr.out.length + this.loneBarriers.length > 0,
      'camera.motion': this.cameras.length > 0,
    };
    const active = BACKGROUND_STREAMS.filter((s) => has[s]);
    const total = active.reduce((s, k) => s + SHARES[k], 0);
    this.shares = active.map((k) => [k, SHARES[k] / total]);
    // The rate follows the square root of the activity: rushes stand out without swamping the store.
    this.sqrtMean = this.shares.length ? dailyMean((m) => Math.sqrt(this.intensity(m, false))) : 1;
    this.rare = { ...RARE_PER_HOUR, ...opts.rarePerHour };
    this.rareMeans = Object.fromEntries(RARE_STREAMS.map((r) => [r, dailyMean((m) => this.rareCurve(r, m))])) as Record<RareStream, number>;
  }

  private classify(d: SimDevice) {
    let list = this.byKind.get(d.kind);
    if (!list) this.byKind.set(d.kind, (list = []));
    list.push(d);
    switch (d.kind) {
      case 'door':
        this.doors[doorRole(d)].push(d);
        break;
      case 'turnstile':
        this.turnstiles.push(d);
        break;
      case 'lpr_camera':
        this.lpr[directionOf(d.name) ?? 'any'].push(d);
        break;
      case 'camera':
        this.cameras.push(d);
        break;
    }
  }

  /** Barrier gates are paired with the LPR camera of their lane; gates without one take cards. */
  private pairBarriers() {
    const lprLanes = new Set([...this.lpr.in, ...this.lpr.out, ...this.lpr.any].map((d) => laneKey(d.name)).filter(Boolean));
    for (const b of this.byKind.get('barrier_gate') ?? []) {
      const key = laneKey(b.name);
      if (key && lprLanes.has(key)) this.barrierOfLane.set(key, b);
      else this.loneBarriers.push(b);
    }
  }

  /** Patrol routes: the checkpoints of each campus in their numbered order, about ten a route. */
  private buildRoutes() {
    this.pairBarriers();
    const byArea = new Map<string, SimDevice[]>();
    for (const d of this.byKind.get('patrol_checkpoint') ?? []) {
      const area = patrolAreaOf(d.name) ?? d.campusId;
      let list = byArea.get(area);
      if (!list) byArea.set(area, (list = []));
      list.push(d);
    }
    let campusNo = 0;
    for (const [area, list] of [...byArea].sort(([a], [b]) => (a < b ? -1 : 1))) {
      campusNo++;
      list.sort((a, b) => patrolNumber(a.name) - patrolNumber(b.name) || (a.name < b.name ? -1 : 1));
      // Consecutive numbers are neighbours (gate lodges, then along the fence …): one stretch per route.
      const count = Math.max(1, Math.round(list.length / 10));
      const size = Math.ceil(list.length / count);
      const label = area.length <= 8 ? area : `C${campusNo}`; // a campus id (no short name) is too long for a label
      for (let r = 0; r < count; r++) {
        const checkpoints = list.slice(r * size, (r + 1) * size);
        if (checkpoints.length) this.routes.push({ id: `${label}-R${String(r + 1).padStart(2, '0')}`, checkpoints });
      }
    }
  }

  get patrolRoutes(): readonly PatrolRoute[] {
    return this.routes;
  }

  // ---- rates ----------------------------------------------------------------------------------

  /** Multiplier of the configured rate at this time: about 1 over the day, lower at night, higher in rushes. */
  rateFactor(atMs: number): number {
    const t = shanghaiTime(atMs);
    return 0.3 + (0.7 * Math.sqrt(this.intensity(t.minute, t.weekend))) / this.sqrtMean;
  }

  /** Relative activity of the campus (1 = daily mean of the background traffic). */
  private intensity(minute: number, weekend: boolean): number {
    let w = 0;
    for (const [s, share] of this.shares) w += share * (this.curves[s](minute, weekend) / this.means[s]);
    return w;
  }

  /** Probability of each background stream at this time. */
  mix(atMs: number): Record<BackgroundStream, number> {
    const t = shanghaiTime(atMs);
    const out = Object.fromEntries(BACKGROUND_STREAMS.map((s) => [s, 0])) as Record<BackgroundStream, number>;
    let total = 0;
    for (const [s, share] of this.shares) total += out[s] = share * (this.curves[s](t.minute, t.weekend) / this.means[s]);
    for (const s of BACKGROUND_STREAMS) out[s] = total ? out[s] / total : 0;
    return out;
  }

  private rareCurve(r: RareStream, minute: number): number {
    switch (r) {
      case 'door.forced':
      case 'intrusion':
      case 'perimeter':
        return nightAlarmCurve(minute);
      case 'door.held_open':
      case 'panic':
      case 'smoke':
        return dayAlarmCurve(minute);
      default:
        return 1;
    }
  }

  // ---- the clock ------------------------------------------------------------------------------

  /**
   * Everything that happens in (atMs − dtMs, atMs]: background traffic at about
   * `ratePerS × rateFactor`, rare events at their hourly rates, and scheduled steps now due.
   */
  step(atMs: number, dtMs: number, ratePerS: number): ScenarioEvent[] {
    const out: ScenarioEvent[] = [];
    const t = shanghaiTime(atMs);
    const from = atMs - dtMs;
    const at = () => from + this.rng.next() * dtMs;

    if (this.shares.length && ratePerS > 0) {
      const n = this.rng.poisson((ratePerS * this.rateFactor(atMs) * dtMs) / 1000);
      if (n) {
        const weights = this.shares.map(([s, share]) => [s, share * (this.curves[s](t.minute, t.weekend) / this.means[s])] as const);
        for (let i = 0; i < n; i++) this.push(out, this.background(this.rng.weighted(weights), at(), t));
      }
    }
    for (const r of RARE_STREAMS) {
      const perHour = this.rare[r];
      if (!perHour) continue;
      const lambda = ((perHour / 3600) * (dtMs / 1000) * this.rareCurve(r, t.minute)) / this.rareMeans[r];
      for (let n = this.rng.poisson(lambda); n > 0; n--) this.push(out, this.rareEvent(r, at()));
    }
    this.schedulePatrols(atMs, t);
    this.planResidents(from, t);
    this.drainDue(atMs, out);
    return out;
  }

  /** On the first step of each Beijing day, the day's passes of the register's people (those still ahead). */
  private planResidents(fromMs: number, t: ShanghaiTime) {
    if (!this.residentDays || this.plannedDate === t.date) return;
    this.plannedDate = t.date;
    const passes = this.residentDays.plan(t.date, t.weekend, this.dayKind(t.date), this.residentRng.fork(t.date)).filter((p) => p.atMs > fromMs);
    for (const p of passes) {
      const person: Person | null = p.withPerson ? { personId: p.resident.personId, cardNo: p.resident.cardNo, student: p.resident.kind === 'student' } : null;
      this.queue.push({ due: p.atMs, make: (at) => this.access(p.device, at, { person, credentialType: 'card', credentialId: p.resident.cardNo, direction: p.direction }) });
    }
    // Stable: entries due at the same instant keep their order.
    this.queue.sort((a, b) => a.due - b.due);
  }

  private push(out: ScenarioEvent[], e: ScenarioEvent | ScenarioEvent[] | null) {
    if (!e) return;
    if (Array.isArray(e)) out.push(...e);
    else out.push(e);
  }

  private schedule(due: number, make: Scheduled['make']) {
    // Few entries (patrol steps, barrier follow-ups): an insertion into a sorted array is enough.
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].due > due) i--;
    this.queue.splice(i, 0, { due, make });
  }

  private drainDue(atMs: number, out: ScenarioEvent[]) {
    let n = 0;
    while (n < this.queue.length && this.queue[n].due <= atMs) n++;
    if (!n) return;
    for (const s of this.queue.splice(0, n)) this.push(out, s.make(s.due));
  }

  /** Scheduled steps not yet due (tests, stats). */
  get pending(): number {
    return this.queue.length;
  }

  // ---- background -----------------------------------------------------------------------------

  /** One event of a background stream (tests call this directly). */
  background(stream: BackgroundStream, atMs: number, t: ShanghaiTime = shanghaiTime(atMs)): ScenarioEvent | ScenarioEvent[] | null {
    switch (stream) {
      case 'door.class':
        return this.classDoor(this.rng.pick(this.doors.class), atMs, t);
      case 'door.dorm':
        return this.dormDoor(this.rng.pick(this.doors.dorm), atMs, t);
      case 'door.secure':
        return this.secureDoor(this.rng.pick(this.doors.secure), atMs);
      case 'door.service':
        return this.serviceDoor(this.rng.pick(this.doors.service), atMs);
      case 'gate.walk':
        return this.turnstile(this.rng.pick(this.turnstiles), atMs, t);
      case 'gate.vehicle':
        return this.vehicle(atMs, t);
      case 'camera.motion':
        return this.motion(this.rng.pick(this.cameras), atMs, t);
    }
  }

  private envelope<K extends EventKind>(device: SimDevice, kind: K, payload: EventPayload<K>, atMs: number): ScenarioEvent {
    const prefix = SOURCE_PREFIX[device.kind] ?? 'DEV';
    return {
      device,
      envelope: {
        kind,
        sourceEventId: `${prefix}-${this.runTag}-${(++this.seq).toString(36)}`,
        occurredAt: shanghaiIso(Math.floor(atMs)),
        payload: payload as Record<string, unknown>,
      },
    };
  }

  private access(device: SimDevice, atMs: number, a: { person: Person | null; credentialType: 'card' | 'qr' | 'face' | 'fingerprint' | 'pin' | 'remote'; credentialId?: string; direction?: Direction; deny?: DenyReason }): ScenarioEvent {
    const base = {
      credentialType: a.credentialType,
      ...(a.credentialId !== undefined ? { credentialId: a.credentialId } : {}),
      ...(a.person ? { personId: a.person.personId } : {}),
      ...(a.direction ? { direction: a.direction } : {}),
    };
    return a.deny ? this.envelope(device, 'access.denied', { ...base, reason: a.deny }, atMs) : this.envelope(device, 'access.granted', base, atMs);
  }

  /** Card, face or app QR code of a known person. */
  private credential(person: Person, mix: { card: number; face: number; qr: number }): { credentialType: 'card' | 'face' | 'qr'; credentialId?: string } {
    const type = this.rng.weighted([
      ['card', mix.card],
      ['face', mix.face],
      ['qr', mix.qr],
    ] as const);
    if (type === 'card') return { credentialType: 'card', credentialId: person.cardNo };
    if (type === 'qr') return { credentialType: 'qr', credentialId: `Q${this.rng.digits(12)}` };
    return { credentialType: 'face' }; // the face terminal reports the person, no credential number
  }

  private classDoor(device: SimDevice, atMs: number, t: ShanghaiTime): ScenarioEvent {
    const direction = directionOf(device.name) ?? (this.rng.chance(classDoorInShare(t.minute)) ? 'in' : 'out');
    const r = this.rng.next();
    if (r < 0.015) return this.access(device, atMs, { person: null, credentialType: 'card', credentialId: this.population.unknownCard(this.rng), direction, deny: 'unknown_credential' });
    const person = this.population.randomPerson(this.rng, 0.15);
    const deny: DenyReason | undefined = r < 0.04 ? 'no_permission' : r < 0.045 ? 'expired' : undefined;
    return this.access(device, atMs, { person, ...this.credential(person, { card: 0.6, face: 0.33, qr: 0.07 }), direction, deny });
  }

  private dormDoor(device: SimDevice, atMs: number, t: ShanghaiTime): ScenarioEvent {
    const direction = directionOf(device.name) ?? (this.rng.chance(dormInShare(t.minute)) ? 'in' : 'out');
    const dorm = this.dormIndex.get(device.buildingId ?? device.id) ?? 0;
    const r = this.rng.next();
    if (r < 0.01) return this.access(device, atMs, { person: null, credentialType: 'card', credentialId: this.population.unknownCard(this.rng), direction, deny: 'unknown_credential' });
    if (r < 0.025) {
      const visitor = this.population.randomStudent(this.rng); // a student of another dormitory
      return this.access(device, atMs, { person: visitor, ...this.credential(visitor, { card: 0.5, face: 0.5, qr: 0 }), direction, deny: 'no_permission' });
    }
    const person = this.population.resident(this.rng, dorm, this.dormIndex.size);
    // Curfew: the doors refuse entry; some late returners try anyway (the 宿管 lets them in later).
    const deny = isCurfew(t.minute) && direction === 'in' && this.rng.chance(0.4) ? 'time_restricted' : undefined;
    return this.access(device, atMs, { person, ...this.credential(person, { card: 0.4, face: 0.6, qr: 0 }), direction, deny });
  }

  private secureDoor(device: SimDevice, atMs: number): ScenarioEvent {
    const person = this.population.randomStaff(this.rng);
    const type = this.rng.weighted([
      ['card', 0.6],
      ['fingerprint', 0.25],
      ['pin', 0.15],
    ] as const);
    const r = this.rng.next();
    const deny: DenyReason | undefined = r < 0.08 ? 'no_permission' : type === 'pin' && r < 0.2 ? 'wrong_pin' : undefined;
    return this.access(device, atMs, { person, credentialType: type, ...(type === 'card' ? { credentialId: person.cardNo } : {}), direction: directionOf(device.name) ?? 'in', deny });
  }

  private serviceDoor(device: SimDevice, atMs: number): ScenarioEvent {
    const person = this.population.randomStaff(this.rng);
    const deny: DenyReason | undefined = this.rng.chance(0.03) ? 'no_permission' : undefined;
    return this.access(device, atMs, { person, credentialType: 'card', credentialId: person.cardNo, direction: directionOf(device.name) ?? (this.rng.chance(0.5) ? 'in' : 'out'), deny });
  }

  private turnstile(device: SimDevice, atMs: number, t: ShanghaiTime): ScenarioEvent {
    const direction: Direction = directionOf(device.name) ?? (this.rng.chance(gateWalkInShare(t.minute)) ? 'in' : 'out');
    const r = this.rng.next();
    if (r < 0.08) {
      // Visitor with a reservation QR code (预约码); now and then an expired one.
      return this.access(device, atMs, { person: null, credentialType: 'qr', credentialId: this.population.visitorPass(this.rng, t.date), direction, deny: r < 0.006 ? 'expired' : undefined });
    }
    if (r < 0.1) return this.access(device, atMs, { person: null, credentialType: 'card', credentialId: this.population.unknownCard(this.rng), direction, deny: 'unknown_credential' });
    const person = this.population.randomPerson(this.rng, 0.2);
    const deny: DenyReason | undefined = r < 0.104 ? 'anti_passback' : undefined;
    return this.access(device, atMs, { person, ...this.credential(person, { card: 0.4, face: 0.55, qr: 0.05 }), direction, deny });
  }

  /** A vehicle at a gate: the LPR camera reads the plate, the lane's barrier opens (or a guard checks a visitor). */
  private vehicle(atMs: number, t: ShanghaiTime): ScenarioEvent[] {
    const wantIn = this.rng.chance(vehicleInShare(t.minute));
    const lprCount = this.lpr.in.length + this.lpr.out.length + this.lpr.any.length;
    if (!lprCount || (this.loneBarriers.length && this.rng.chance(this.loneBarriers.length / (lprCount + this.loneBarriers.length)))) {
      const barrier = this.rng.pick(this.loneBarriers);
      const person = this.population.randomStaff(this.rng);
      return [this.access(barrier, atMs, { person, credentialType: 'card', credentialId: person.cardNo, direction: directionOf(barrier.name) ?? (wantIn ? 'in' : 'out') })];
    }
    const pool = (wantIn ? this.lpr.in : this.lpr.out).length ? (wantIn ? this.lpr.in : this.lpr.out) : this.lpr.any.length ? this.lpr.any : [...this.lpr.in, ...this.lpr.out];
    const camera = this.rng.pick(pool);
    const direction: Direction = directionOf(camera.name) ?? (wantIn ? 'in' : 'out');
    const { vehicle, registered } = direction === 'in' ? this.arriving(camera.campusId) : this.leaving(camera.campusId);
    const confidence = round(0.85 + 0.14 * Math.sqrt(this.rng.next()), 3);
    const lane = laneNumber(camera.name);
    const read = this.envelope(camera, 'plate.read', { plate: vehicle.plate, colour: vehicle.colour, direction, confidence, ...(lane !== undefined ? { lane } : {}), vehicleType: vehicle.vehicleType }, atMs);
    const key = laneKey(camera.name);
    const barrier = key ? this.barrierOfLane.get(key) : undefined;
    if (barrier) {
      const open = (due: number) => this.schedule(due, (at) => this.access(barrier, at, { person: null, credentialType: 'remote', credentialId: vehicle.plate, direction }));
      if (registered || direction === 'out') open(atMs + this.rng.float(600, 2000));
      else {
        // A visitor's car: not on the list, the barrier stays shut until the guard registers it.
        this.schedule(atMs + this.rng.float(500, 1500), (at) => this.access(barrier, at, { person: null, credentialType: 'remote', credentialId: vehicle.plate, direction, deny: 'unknown_credential' }));
        if (this.rng.chance(0.85)) open(atMs + this.rng.float(20_000, 90_000));
      }
    }
    return [read];
  }

  private arriving(campusId: string): { vehicle: Vehicle; registered: boolean } {
    const registered = this.rng.chance(0.7);
    const vehicle = registered ? this.fleet.random(this.rng) : randomVehicle(this.rng);
    if (registered) this.registered.add(vehicle.plate);
    let list = this.inside.get(campusId);
    if (!list) this.inside.set(campusId, (list = []));
    if (list.length < 3000) list.push(vehicle);
    return { vehicle, registered };
  }

  private leaving(campusId: string): { vehicle: Vehicle; registered: boolean } {
    const list = this.inside.get(campusId);
    if (list?.length && this.rng.chance(0.9)) {
      const i = this.rng.int(0, list.length - 1);
      const vehicle = list[i];
      list[i] = list[list.length - 1];
      list.pop();
      return { vehicle, registered: this.registered.has(vehicle.plate) };
    }
    return { vehicle: this.fleet.random(this.rng), registered: true };
  }

  private motion(device: SimDevice, atMs: number, t: ShanghaiTime): ScenarioEvent {
    const night = isNight(t.minute);
    const objectType = this.rng.weighted([
      ['person', night ? 0.4 : 0.7],
      ['vehicle', night ? 0.12 : 0.18],
      ['animal', night ? 0.3 : 0.03], // the campus cats
      ['unknown', night ? 0.18 : 0.09],
    ] as const);
    return this.envelope(device, 'motion', { objectType, region: this.rng.weighted([['区域1', 5], ['区域2', 3], ['区域3', 2], ['警戒区', 1]] as const) }, atMs);
  }

  // ---- rare events ----------------------------------------------------------------------------

  private anyOf(kinds: DeviceKind[]): SimDevice | null {
    const lists = kinds.map((k) => this.byKind.get(k) ?? []);
    const total = lists.reduce((s, l) => s + l.length, 0);
    if (!total) return null;
    let i = this.rng.int(0, total - 1);
    for (const l of lists) {
      if (i < l.length) return l[i];
      i -= l.length;
    }
    return null;
  }

  /** One rare event (tests call this directly); null when the university has no such device. */
  rareEvent(r: RareStream, atMs: number): ScenarioEvent | null {
    switch (r) {
      case 'door.held_open': {
        const pool = [...this.doors.dorm, ...this.doors.class, ...this.doors.service];
        if (!pool.length) return null;
        const seconds = Math.min(3600, Math.round(30 + -Math.log(1 - this.rng.next()) * 90));
        return this.envelope(this.rng.pick(pool), 'door.held_open', { seconds }, atMs);
      }
      case 'door.forced': {
        const pool = [...this.doors.service, ...this.doors.secure, ...this.doors.class];
        return pool.length ? this.envelope(this.rng.pick(pool), 'door.forced', {}, atMs) : null;
      }
      case 'intrusion': {
        const d = this.anyOf(['intrusion_zone']);
        if (!d) return null;
        const detector = detectorOf(d.name);
        return this.envelope(d, 'intrusion', { zone: d.name.slice(0, 64), ...(detector ? { detector } : {}) }, atMs);
      }
      case 'perimeter': {
        const d = this.anyOf(['perimeter_zone']);
        if (!d) return null;
        const method = this.rng.weighted([['climbing', 0.75], ['crossing', 0.12], ['cutting', 0.03], ['unknown', 0.1]] as const);
        return this.envelope(d, 'perimeter', { segment: segmentOf(d.name), method }, atMs);
      }
      case 'smoke': {
        const d = this.anyOf(['fire_detector']);
        return d ? this.envelope(d, 'smoke', { density: round(this.rng.float(1.5, 12), 1) }, atMs) : null;
      }
      case 'fire': {
        const d = this.anyOf(['fire_detector']);
        if (!d) return null;
        return this.envelope(d, 'fire', { detectorType: /感温/.test(d.name) ? 'heat' : 'smoke', level: this.rng.chance(0.8) ? 1 : 2 }, atMs);
      }
      case 'panic': {
        const d = this.anyOf(['panic_button']);
        return d ? this.envelope(d, 'panic', {}, atMs) : null;
      }
      case 'tamper': {
        const d = this.anyOf(['camera', 'door', 'alarm_panel', 'perimeter_zone']);
        if (!d) return null;
        const what =
          d.kind === 'camera'
            ? this.rng.weighted([['lens_blocked', 0.6], ['moved', 0.3], ['cover_opened', 0.1]] as const)
            : d.kind === 'perimeter_zone'
              ? 'wire_cut'
              : 'cover_opened';
        return this.envelope(d, 'tamper', { what }, atMs);
      }
      case 'device.fault': {
        if (!this.devices.length) return null;
        const d = this.rng.pick(this.devices);
        const [code, message] = this.rng.pick(FAULTS[d.kind] ?? [['E-0001', '设备自检异常']]);
        return this.envelope(d, 'device.fault', { code, message }, atMs);
      }
      case 'video.loss': {
        const d = this.anyOf(['recorder']);
        return d ? this.envelope(d, 'video.loss', { channel: this.rng.int(1, 64) }, atMs) : null;
      }
    }
  }

  // ---- patrols --------------------------------------------------------------------------------

  private schedulePatrols(atMs: number, t: ShanghaiTime) {
    const last = this.lastMinute;
    this.lastMinute = t.minute;
    if (last === null || last === t.minute || !this.routes.length) return;
    if ((t.minute - last + 1440) % 1440 > 5) return; // the clock jumped (first step, suspended host): no catch-up rounds
    for (const round of patrolRoundsBetween(last, t.minute)) this.startRound(atMs, round.night);
  }

  /** Guards walk their routes: one check-in every few minutes, now and then a checkpoint missed. */
  startRound(atMs: number, night = true): number {
    this.roundCount++;
    let scheduled = 0;
    this.routes.forEach((route, i) => {
      if (!night && i % 3 !== 0) return; // day rounds cover a third of the routes
      const guardId = this.guards[(i + this.roundCount * 7) % this.guards.length];
      let due = atMs + this.rng.float(0, 8 * 60_000);
      for (const checkpoint of route.checkpoints) {
        due += this.rng.float(90_000, 330_000);
        if (this.rng.chance(0.06)) continue; // missed checkpoint: the patrol report will show it
        scheduled++;
        this.schedule(due, (at) => this.envelope(checkpoint, 'patrol.checkin', { guardId, routeId: route.id }, at));
      }
    });
    return scheduled;
  }

  // ---- per device (load driver, heartbeats, commands) -----------------------------------------

  /** A plausible event of this device's kind, whatever the time (the load driver's traffic). */
  eventFor(device: SimDevice, atMs: number): IngestEnvelopeT {
    const t = shanghaiTime(atMs);
    let e: ScenarioEvent;
    switch (device.kind) {
      case 'door': {
        const role = doorRole(device);
        e = role === 'dorm' ? this.dormDoor(device, atMs, t) : role === 'secure' ? this.secureDoor(device, atMs) : role === 'service' ? this.serviceDoor(device, atMs) : this.classDoor(device, atMs, t);
        break;
      }
      case 'turnstile':
        e = this.turnstile(device, atMs, t);
        break;
      case 'lpr_camera': {
        const direction: Direction = directionOf(device.name) ?? (this.rng.chance(0.5) ? 'in' : 'out');
        const v = this.rng.chance(0.7) ? this.fleet.random(this.rng) : randomVehicle(this.rng);
        const lane = laneNumber(device.name);
        e = this.envelope(device, 'plate.read', { plate: v.plate, colour: v.colour, direction, confidence: round(0.85 + 0.14 * Math.sqrt(this.rng.next()), 3), ...(lane !== undefined ? { lane } : {}), vehicleType: v.vehicleType }, atMs);
        break;
      }
      case 'barrier_gate': {
        const v = this.fleet.random(this.rng);
        e = this.access(device, atMs, { person: null, credentialType: 'remote', credentialId: v.plate, direction: directionOf(device.name) ?? (this.rng.chance(0.5) ? 'in' : 'out') });
        break;
      }
      case 'camera':
        e = this.rng.chance(0.999) ? this.motion(device, atMs, t) : this.envelope(device, 'tamper', { what: 'lens_blocked' }, atMs);
        break;
      case 'intrusion_zone': {
        const detector = detectorOf(device.name);
        e = this.envelope(device, 'intrusion', { zone: device.name.slice(0, 64), ...(detector ? { detector } : {}) }, atMs);
        break;
      }
      case 'perimeter_zone':
        e = this.envelope(device, 'perimeter', { segment: segmentOf(device.name), method: 'climbing' }, atMs);
        break;
      case 'fire_detector':
        e = this.rng.chance(0.99) ? this.envelope(device, 'smoke', { density: round(this.rng.float(1.5, 12), 1) }, atMs) : this.envelope(device, 'fire', { detectorType: 'smoke', level: 1 }, atMs);
        break;
      case 'panic_button':
        e = this.envelope(device, 'panic', {}, atMs);
        break;
      case 'patrol_checkpoint':
        e = this.envelope(device, 'patrol.checkin', { guardId: this.rng.pick(this.guards), routeId: 'LOAD' }, atMs);
        break;
      case 'recorder':
        e = this.envelope(device, 'video.loss', { channel: this.rng.int(1, 64) }, atMs);
        break;
      default: {
        const [code, message] = this.rng.pick(FAULTS[device.kind] ?? [['E-0001', '设备自检异常']]);
        e = this.envelope(device, 'device.fault', { code, message }, atMs);
      }
    }
    return e.envelope;
  }

  /** The heartbeat a device sends (its payload is informational: the platform only marks the device seen). */
  heartbeat(device: SimDevice, atMs: number, uptimeS: number): IngestEnvelopeT {
    const firmware = FIRMWARE[device.kind];
    const hot = device.kind === 'camera' || device.kind === 'lpr_camera' || device.kind === 'recorder';
    return {
      kind: 'device.heartbeat',
      occurredAt: shanghaiIso(Math.floor(atMs)),
      payload: {
        uptimeS: Math.max(0, Math.floor(uptimeS)),
        ...(hot ? { temperatureC: round(this.rng.float(38, 52), 1) } : {}),
        ...(firmware ? { firmware: firmware[this.hashPick(device.id, firmware.length)] } : {}),
      },
    };
  }

  private hashPick(id: string, n: number): number {
    let h = 0;
    for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
    return h % n;
  }

  /**
   * Hook: what a device answers to a command from the platform, e.g.
   * `{ id, command: 'door.unlock' | 'door.lock' | 'door.hold_open' | 'barrier.open', issuedAt }`. A door reports a
   * remote opening as an access event; every command with an id is answered with a `command.ack`
   * event (when the platform knows that kind), now and then a failed one as real locks do.
   */
  commandAck(device: SimDevice, command: unknown, atMs: number): IngestEnvelopeT[] {
    if (typeof command !== 'object' || command === null) return [];
    const c = command as Record<string, unknown>;
    const action = String(c.command ?? c.action ?? c.type ?? '');
    const commandId = typeof c.id === 'string' && c.id ? c.id.slice(0, 128) : null;
    const out: IngestEnvelopeT[] = [];
    const door = device.kind === 'door';
    // A barrier gate lifts for the gate's decision (modules/vehicles); its passage is the plate camera's read.
    // A door controller that decides offline stores the permission list it is sent (modules/access-control).
    const known = (door && /^(door\.)?(unlock|lock|hold_open|open)$/i.test(action)) || (door && action === 'access.list') || (device.kind === 'barrier_gate' && /^(barrier\.)?open$/i.test(action));
    const failed = known && this.rng.chance(this.commandFailureRate);
    if (door && known && !failed && /unlock|open/i.test(action)) out.push(this.access(device, atMs, { person: null, credentialType: 'remote' }).envelope);
    if (commandId && ACK_KIND in EVENT_KINDS) {
      // Written without the compile-time kind list, so this hook works before and after `command.ack` exists.
      out.push({
        kind: ACK_KIND,
        sourceEventId: `${SOURCE_PREFIX[device.kind] ?? 'DEV'}-${this.runTag}-${(++this.seq).toString(36)}`,
        occurredAt: shanghaiIso(Math.floor(atMs) + 200),
        payload: known && !failed ? { commandId, result: 'ok' } : { commandId, result: 'failed', message: failed ? (action === 'access.list' ? '名单存储失败 (list not stored)' : '电锁无反馈 (lock feedback missing)') : `unsupported command ${action}`.slice(0, 500) },
      });
    }
    return out;
  }
}
