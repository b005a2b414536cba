import { ALARM_STATES, OPEN_ALARM_STATES, type AlarmState, type AlarmType } from '../../../shared/alarms.ts';
import type { Clock } from '../../clock.ts';
import { invalidField } from '../../http/errors.ts';
import { type Actor, listScope } from '../../http/policy.ts';
import type { AlarmHandlingTimes, AlarmsService } from '../alarms/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import type { AlarmStats, StepDurations } from '../../../shared/alarm-stats.ts';
import {
  ARRIVE_ACTIONS,
  FINAL_STATES,
  localDate,
  localDays,
  localHour,
  PERSON_RESPONSE_ACTIONS,
  ratio,
  secondsBetween,
  shiftOf,
  SHIFTS,
  STEPS,
  summarize,
  TIME_ZONE,
  type ShiftKey,
  type StepKey,
} from './alarm-stats.compute.ts';

export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;
/** Devices listed by false alarms. */
export const TOP_DEVICES = 20;

export interface StatsQuery {
  from?: string;
  to?: string;
  campusId?: string;
  universityId?: string;
}

export type { AlarmStats };

type Row = AlarmHandlingTimes;

/**
 * Alarm statistics (报警统计) over a time window of the actor's university: counts by type, area,
 * local hour and day; false-alarm rate per device; time from creation to each handling step,
 * p50/p90 per shift. One scan of the window's alarms with their first step times aggregated in
 * SQL (portable MIN/CASE/GROUP BY), the rest in TypeScript — identical on SQLite and PostgreSQL.
 */
export class AlarmStatsService {
  constructor(
    private readonly alarms: Pick<AlarmsService, 'handlingTimes'>,
    private readonly org: Pick<OrgService, 'unit' | 'namesOf'>,
    private readonly ledger: Pick<DevicesService, 'byIds'>,
    private readonly clock: Clock,
  ) {}

  async stats(actor: Actor, q: StatsQuery): Promise<AlarmStats> {
    const { fromMs, toMs } = this.window(q);
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const universityId = listScope(actor, q.universityId);
    const campusId = q.campusId ?? null;
    if (campusId !== null) {
      const campus = await this.org.unit(campusId);
      // Another university's campus reads as missing, like any object out of scope.
      if (campus?.kind !== 'campus' || (universityId !== null && campus.universityId !== universityId)) throw invalidField('campusId', 'no such campus');
    }

    const rows = await this.alarms.handlingTimes(
      { from, to, universityId, campusId },
      { responseActions: PERSON_RESPONSE_ACTIONS, arriveActions: ARRIVE_ACTIONS, finalStates: FINAL_STATES },
    );

    return { from, to, timeZone: TIME_ZONE, universityId, campusId, ...(await this.aggregate(rows, fromMs, toMs)) };
  }

  /**
   * For other modules (duty statistics): a university's alarms created in [fromMs, toMs) with the
   * time of each handling step, as this module defines the steps, and who acknowledged each.
   */
  handlingOf(universityId: string, fromMs: number, toMs: number): Promise<Row[]> {
    return this.alarms.handlingTimes(
      { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), universityId, campusId: null },
      { responseActions: PERSON_RESPONSE_ACTIONS, arriveActions: ARRIVE_ACTIONS, finalStates: FINAL_STATES },
    );
  }

  /** The window: defaults to the last 30 days; from < to; at most 366 days. */
  private window(q: StatsQuery): { fromMs: number; toMs: number } {
    const parse = (field: 'from' | 'to', v: string | undefined) => {
      if (v === undefined) return undefined;
      const ms = Date.parse(v);
      if (Number.isNaN(ms)) throw invalidField(field, 'must be an ISO 8601 date-time, e.g. 2026-03-01T00:00:00+08:00', 'format');
      return ms;
    };
    let fromMs = parse('from', q.from);
    let toMs = parse('to', q.to);
    if (toMs === undefined) toMs = fromMs === undefined ? this.clock.now() : Math.min(fromMs + DEFAULT_RANGE_DAYS * DAY_MS, this.clock.now());
    if (fromMs === undefined) fromMs = toMs - DEFAULT_RANGE_DAYS * DAY_MS;
    if (fromMs >= toMs) throw invalidField('to', 'must be after from', 'range');
    if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) throw invalidField('to', `the range may span at most ${MAX_RANGE_DAYS} days`, 'range');
    return { fromMs, toMs };
  }

  private async aggregate(rows: Row[], fromMs: number, toMs: number) {
    const byState = Object.fromEntries(ALARM_STATES.map((s) => [s, 0])) as Record<AlarmState, number>;
    const byType = new Map<string, number>();
    const byCampus = new Map<string | null, number>();
    const byBuilding = new Map<string | null, { campusId: string | null; count: number }>();
    const byHour = new Array<number>(24).fill(0);
    const byDay = new Map(localDays(fromMs, toMs).map((d) => [d, 0]));
    const perDevice = new Map<string, { alarms: number; falseAlarms: number }>();
    const durations = (() => {
      const empty = () => Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<StepKey, number[]>;
      return { overall: empty(), shifts: new Map(SHIFTS.map((s) => [s.key as ShiftKey, { alarms: 0, steps: empty() }])) };
    })();
    const inc = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);

    for (const r of rows) {
      const createdMs = Date.parse(r.created_at);
      byState[r.state as AlarmState] = (byState[r.state as AlarmState] ?? 0) + 1;
      inc(byType, r.type);
      inc(byCampus, r.campus_id);
      const b = byBuilding.get(r.building_id) ?? { campusId: r.campus_id, count: 0 };
      b.count++;
      byBuilding.set(r.building_id, b);
      byHour[localHour(createdMs)]!++;
      const day = localDate(createdMs);
      byDay.set(day, (byDay.get(day) ?? 0) + 1);
      const d = perDevice.get(r.device_id) ?? { alarms: 0, falseAlarms: 0 };
      d.alarms++;
      if (r.state === 'false_alarm') d.falseAlarms++;
      perDevice.set(r.device_id, d);

      const shift = durations.shifts.get(shiftOf(createdMs))!;
      shift.alarms++;
      const at: Record<StepKey, string | null> = { acknowledge: r.ack_at, dispatch: r.dispatch_at, arrive: r.arrive_at, close: r.close_at };
      for (const step of STEPS) {
        const s = secondsBetween(r.created_at, at[step]);
        if (s === null) continue;
        durations.overall[step].push(s);
        shift.steps[step].push(s);
      }
    }

    const summarizeSteps = (v: Record<StepKey, number[]>) => Object.fromEntries(STEPS.map((s) => [s, summarize(v[s])])) as StepDurations;
    const topDevices = [...perDevice.entries()]
      .filter(([, d]) => d.falseAlarms > 0)
      .map(([deviceId, d]) => ({ deviceId, ...d, rate: ratio(d.falseAlarms, d.alarms) }))
      .sort((a, b) => b.falseAlarms - a.falseAlarms || b.rate - a.rate || a.deviceId.localeCompare(b.deviceId))
      .slice(0, TOP_DEVICES);

    const orgIds = [...new Set([...byCampus.keys(), ...byBuilding.keys(), ...[...byBuilding.values()].map((b) => b.campusId)].filter((x): x is string => x !== null))];
    const names = await this.org.namesOf(orgIds);
    const devices = new Map((await this.ledger.byIds(topDevices.map((d) => d.deviceId))).map((d) => [d.id, d]));
    const nameOf = (id: string | null) => (id === null ? null : (names.get(id) ?? null));

    const total = rows.length;
    const open = OPEN_ALARM_STATES.reduce((n, s) => n + byState[s], 0);
    return {
      totals: { alarms: total, open, resolved: byState.resolved, closed: byState.closed, falseAlarms: byState.false_alarm, falseAlarmRate: ratio(byState.false_alarm, total) },
      byState,
      byType: [...byType.entries()].map(([type, count]) => ({ type: type as AlarmType, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)),
      byCampus: [...byCampus.entries()].map(([id, count]) => ({ campusId: id, name: nameOf(id), count })).sort((a, b) => b.count - a.count),
      byBuilding: [...byBuilding.entries()]
        .map(([id, b]) => ({ buildingId: id, name: nameOf(id), campusId: b.campusId, campusName: nameOf(b.campusId), count: b.count }))
        .sort((a, b) => b.count - a.count),
      byHour,
      byDay: [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, count]) => ({ date, count })),
      devices: topDevices.map((d) => ({ deviceId: d.deviceId, name: devices.get(d.deviceId)?.name ?? null, kind: devices.get(d.deviceId)?.kind ?? null, alarms: d.alarms, falseAlarms: d.falseAlarms, rate: d.rate })),
      durations: {
        overall: summarizeSteps(durations.overall),
        shifts: SHIFTS.map((s) => {
          const v = durations.shifts.get(s.key)!;
          return { shift: s.key, name: s.name, fromHour: s.fromHour, toHour: s.toHour, alarms: v.alarms, steps: summarizeSteps(v.steps) };
        }),
      },
    };
  }
}
