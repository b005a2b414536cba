/**
 * When things happen on a Chinese campus, by Shanghai wall-clock time (UTC+8, no daylight
 * saving): the class timetable, the dormitory curfew, gate rush hours and the night patrol.
 * Curves are relative intensities (dimensionless); the scenario normalises them.
 */

const OFFSET_MS = 8 * 3600_000;

export interface ShanghaiTime {
  /** Minutes since local midnight, fractional. */
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  weekend: boolean;
  /** Local date, YYYY-MM-DD. */
  date: string;
}

export function shanghaiTime(ms: number): ShanghaiTime {
  const local = new Date(ms + OFFSET_MS);
  const weekday = local.getUTCDay();
  return {
    minute: local.getUTCHours() * 60 + local.getUTCMinutes() + local.getUTCSeconds() / 60 + local.getUTCMilliseconds() / 60000,
    weekday,
    weekend: weekday === 0 || weekday === 6,
    date: local.toISOString().slice(0, 10),
  };
}

/** ISO-8601 with the +08:00 zone, as devices in China stamp their events. */
export function shanghaiIso(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().replace('Z', '+08:00');
}

/** The instant of a Shanghai wall-clock time, e.g. `atShanghai('2026-03-02', '07:50')`. */
export function atShanghai(date: string, hhmm: string): number {
  return Date.parse(`${date}T${hhmm.length === 5 ? hhmm + ':00' : hhmm}+08:00`);
}

const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** Start of the class blocks (两节连上): students arrive in the 10–15 minutes before. */
export const CLASS_STARTS = ['08:00', '10:00', '13:30', '15:30', '18:30'] as const;
/** End of the same blocks: the buildings empty out. */
export const CLASS_ENDS = ['09:35', '11:35', '15:05', '17:05', '20:55'] as const;
/** Dormitory doors refuse entry (time_restricted) from 23:00 until 06:00. */
export const CURFEW = { from: '23:00', to: '06:00' } as const;
/** Night patrol rounds start at these times (plus two lighter day rounds). */
export const PATROL_ROUNDS = ['20:00', '22:00', '00:00', '02:00', '04:00'] as const;
export const DAY_PATROL_ROUNDS = ['10:00', '15:00'] as const;

const STARTS = CLASS_STARTS.map(hm);
const ENDS = CLASS_ENDS.map(hm);
const CURFEW_FROM = hm(CURFEW.from);
const CURFEW_TO = hm(CURFEW.to);

/** Gaussian bump around `mu` minutes (wrapping over midnight). */
function bump(m: number, mu: number, sigma: number): number {
  let d = Math.abs(m - mu);
  if (d > 720) d = 1440 - d;
  return Math.exp(-0.5 * (d / sigma) ** 2);
}

const between = (m: number, from: number, to: number) => (from <= to ? m >= from && m < to : m >= from || m < to);

export function isCurfew(minute: number): boolean {
  return between(minute, CURFEW_FROM, CURFEW_TO);
}

/** Daytime = 07:00–22:00, the campus is busy. */
export function isDaytime(minute: number): boolean {
  return minute >= 420 && minute < 1320;
}

/** Night = 22:00–06:00: alarms armed, animals about, patrols out. */
export function isNight(minute: number): boolean {
  return minute >= 1320 || minute < 360;
}

/** Teaching, lab and library doors: rushes before each class block and smaller ones after. */
export function classDoorCurve(minute: number, weekend = false): number {
  const base = isDaytime(minute) ? 0.25 : minute >= 360 && minute < 1380 ? 0.08 : 0.015;
  let arrive = 0;
  let leave = 0;
  for (const s of STARTS) arrive += bump(minute, s - 10, 6);
  for (const e of ENDS) leave += bump(minute, e + 6, 8);
  const peaks = 1.8 * arrive + 0.9 * leave;
  return weekend ? base * 0.6 + peaks * 0.15 : base + peaks;
}

/** Share of class-door passages that are entries (arrivals before class, departures after). */
export function classDoorInShare(minute: number): number {
  let arrive = 0;
  let leave = 0;
  for (const s of STARTS) arrive += bump(minute, s - 10, 6);
  for (const e of ENDS) leave += bump(minute, e + 6, 8);
  return (1.8 * arrive + 0.1) / (1.8 * arrive + 0.9 * leave + 0.2);
}

/** Dormitory doors: out in the morning, back for lunch, back in the evening; quiet in curfew. */
export function dormDoorCurve(minute: number, weekend = false): number {
  if (isCurfew(minute)) return 0.06 * bump(minute, CURFEW_FROM, 40) + 0.012; // late returners, then silence
  const shift = weekend ? 90 : 0; // weekends start later
  return 0.2 + 0.9 * bump(minute, 450 + shift, 25) + 0.5 * bump(minute, 720, 25) + 0.45 * bump(minute, 1050, 40) + 0.9 * bump(minute, 1305, 40);
}

/** Share of dormitory passages that are entries. */
export function dormInShare(minute: number): number {
  if (minute >= 360 && minute < 570) return 0.15; // 06:00–09:30 leaving
  if (minute >= 690 && minute < 750) return 0.65; // lunch
  if (minute >= 1200 || minute < 360) return 0.85; // evening, night
  return 0.5;
}

/** Pedestrian turnstiles at the gates. */
export function gateWalkCurve(minute: number, weekend = false): number {
  const base = isDaytime(minute) ? 0.3 : minute >= 330 && minute < 1410 ? 0.08 : 0.01;
  const rush = 1.1 * bump(minute, 460, 30) + 0.4 * bump(minute, 720, 40) + 1.0 * bump(minute, 1050, 50) + 0.3 * bump(minute, 1290, 40);
  return weekend ? base * 0.8 + rush * 0.3 : base + rush;
}

export function gateWalkInShare(minute: number): number {
  if (minute >= 360 && minute < 600) return 0.8;
  if (minute >= 990 && minute < 1170) return 0.2;
  if (minute >= 1260 || minute < 120) return 0.7; // back before the dormitories close
  return 0.5;
}

/** Vehicles at the gates (LPR + barrier): staff drive in in the morning and out in the evening. */
export function vehicleCurve(minute: number, weekend = false): number {
  const base = isDaytime(minute) ? 0.25 : minute >= 360 && minute < 1380 ? 0.06 : 0.01;
  const rush = 1.3 * bump(minute, 470, 35) + 1.2 * bump(minute, 1065, 50) + 0.2 * bump(minute, 780, 40);
  return weekend ? base * 0.5 + rush * 0.2 : base + rush;
}

export function vehicleInShare(minute: number): number {
  if (minute >= 360 && minute < 630) return 0.85;
  if (minute >= 990 && minute < 1200) return 0.15;
  if (minute >= 1200 || minute < 360) return 0.3;
  return 0.5;
}

/** Camera motion detection follows how busy the campus is, with a floor for the night (cats). */
export function motionCurve(minute: number, weekend = false): number {
  return 0.35 + 0.5 * gateWalkCurve(minute, weekend) + 0.3 * classDoorCurve(minute, weekend);
}

/** Alarms that mostly happen at night (intrusion, perimeter climbing, forced doors). */
export function nightAlarmCurve(minute: number): number {
  return isNight(minute) ? 1 : minute >= 360 && minute < 450 ? 0.4 : 0.12;
}

/** Things that happen when people are about (held-open doors, panic, faults noticed). */
export function dayAlarmCurve(minute: number): number {
  return isDaytime(minute) ? 1 : 0.25;
}

/** The patrol round that starts in [fromMinute, toMinute) (wrapping), if any. */
export function patrolRoundsBetween(fromMinute: number, toMinute: number): { at: string; night: boolean }[] {
  const out: { at: string; night: boolean }[] = [];
  for (const at of PATROL_ROUNDS) if (between(hm(at), fromMinute, toMinute)) out.push({ at, night: true });
  for (const at of DAY_PATROL_ROUNDS) if (between(hm(at), fromMinute, toMinute)) out.push({ at, night: false });
  return out;
}
