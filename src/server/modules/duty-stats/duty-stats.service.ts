import { BEIJING_OFFSET_MS, hhmmToMinutes } from '../../../shared/beijing-time.ts';
import { addDays, EXPIRY_WARNING_DAYS, PATTERN_SHIFTS, type Shift } from '../../../shared/duty.ts';
import type { DutyStats, ResponseTimes, TrainingHours } from '../../../shared/duty-stats.ts';
import type { Clock } from '../../clock.ts';
import { type Actor, listScope } from '../../http/policy.ts';
import type { AccountsService } from '../accounts/index.ts';
import { secondsBetween, summarize, type AlarmStatsService } from '../alarm-stats/index.ts';
import type { DutyService } from '../duty/index.ts';
import { PortSlot } from '../module.ts';
import type { PatrolService } from '../patrol/index.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
const hours = (ms: number) => Math.round((ms / HOUR_MS) * 100) / 100;

/**
 * 培训学时: the port the training module fills once it exists. Until one is attached the
 * statistics say `available: false` and the console shows 无数据.
 */
export interface TrainingHoursPort {
  /** Hours of training per account in [fromMs, toMs) for a university. */
  hoursOf(universityId: string, fromMs: number, toMs: number): Promise<{ accountId: string; hours: number }[]>;
}

/** The minute of the Beijing day an instant falls in. */
const beijingMinute = (ms: number) => Math.floor((((ms + BEIJING_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / 60_000);

/** Whether a shift's daily window holds a minute of the day (a shift whose end is not after its start runs past midnight). */
export function shiftHolds(shift: Pick<Shift, 'start' | 'end'>, minute: number): boolean {
  const start = hhmmToMinutes(shift.start);
  const end = hhmmToMinutes(shift.end);
  return end > start ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * 值班统计 for a month of one university, put together from the modules that own the facts:
 * the duty roster and certificates (duty), tours (patrol), alarm handling (alarm-stats over
 * alarms), and training hours through a port. Owns no tables.
 */
export class DutyStatsService {
  readonly training = new PortSlot<TrainingHoursPort>('training hours');

  constructor(
    private readonly duty: Pick<DutyService, 'monthFacts'>,
    private readonly patrol: Pick<PatrolService, 'report'>,
    private readonly alarmStats: Pick<AlarmStatsService, 'handlingOf'>,
    private readonly accounts: Pick<AccountsService, 'people'>,
    private readonly clock: Clock,
  ) {}

  async stats(actor: Actor, q: { month: string; universityId?: string }): Promise<DutyStats> {
    const universityId = listScope(actor, q.universityId);
    const facts = universityId === null ? null : await this.duty.monthFacts(universityId, q.month);
    const from = facts?.from ?? Date.parse(`${q.month}-01T00:00:00Z`) - BEIJING_OFFSET_MS;
    const to = facts?.to ?? from;
    const nowMs = this.clock.now();
    const measuredTo = Math.max(from, Math.min(to, nowMs));
    const empty = { alarms: 0, acknowledge: summarize([]), arrive: summarize([]), close: summarize([]) };
    if (universityId === null || !facts) {
      return {
        universityId,
        month: q.month,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        measuredTo: new Date(measuredTo).toISOString(),
        coverage: { published: false, requiredHours: 0, coveredHours: 0, pct: null, posts: [], gaps: [] },
        certification: { rostered: 0, certified: 0, pct: null, expiringSoon: 0, people: [] },
        patrol: { days: 0, due: 0, onTime: 0, late: 0, missed: 0, pct: null, routes: [], guards: [] },
        response: { shiftsFrom: null, total: empty, shifts: [], operators: [] },
        training: { available: false, totalHours: null, people: [] },
      };
    }
    const [patrol, response, training] = await Promise.all([this.patrolCompletion(actor, universityId, q.month, facts.today), this.response(universityId, facts, from, measuredTo), this.trainingHours(universityId, from, to)]);
    return {
      universityId,
      month: q.month,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      measuredTo: new Date(measuredTo).toISOString(),
      coverage: this.coverage(facts),
      certification: this.certification(facts),
      patrol,
      response,
      training,
    };
  }

  /** Hours of each command-centre post covered by the published roster over the whole month. */
  private coverage(facts: MonthFacts): DutyStats['coverage'] {
    const span = facts.to - facts.from;
    const posts = facts.posts
      .filter((p) => p.commandCentre)
      .map((p) => {
        const gapMs = facts.gaps.filter((g) => g.postId === p.id).reduce((n, g) => n + (Date.parse(g.to) - Date.parse(g.from)), 0);
        return { postId: p.id, postName: p.name, requiredHours: hours(span), coveredHours: hours(span - gapMs), pct: pct(span - gapMs, span) };
      });
    const required = posts.reduce((n, p) => n + p.requiredHours, 0);
    const covered = posts.reduce((n, p) => n + p.coveredHours, 0);
    return { published: facts.published, requiredHours: Math.round(required * 100) / 100, coveredHours: Math.round(covered * 100) / 100, pct: pct(covered, required), posts, gaps: facts.gaps.slice(0, 500) };
  }

  /** The people on command-centre posts this month: certified when a certificate covers every date they are rostered. */
  private certification(facts: MonthFacts): DutyStats['certification'] {
    const cc = new Set(facts.posts.filter((p) => p.commandCentre).map((p) => p.id));
    const byPerson = new Map<string, { name: string; dates: Set<string>; shifts: number }>();
    for (const a of facts.assignments) {
      if (!cc.has(a.postId)) continue;
      const e = byPerson.get(a.accountId) ?? { name: a.accountName, dates: new Set(), shifts: 0 };
      e.dates.add(a.date);
      e.shifts++;
      byPerson.set(a.accountId, e);
    }
    const soon = addDays(facts.today, EXPIRY_WARNING_DAYS);
    const people = [...byPerson.entries()]
      .map(([accountId, e]) => {
        const certs = facts.certificates.filter((c) => c.accountId === accountId);
        const uncoveredDates = [...e.dates].sort().filter((d) => !certs.some((c) => c.validFrom <= d && c.validTo >= d));
        const validTo = certs.reduce<string | null>((m, c) => (m === null || c.validTo > m ? c.validTo : m), null);
        return { accountId, name: e.name, shifts: e.shifts, certified: uncoveredDates.length === 0, uncoveredDates, validTo, expiringSoon: validTo !== null && validTo >= facts.today && validTo <= soon };
      })
      .sort((a, b) => Number(a.certified) - Number(b.certified) || a.name.localeCompare(b.name, 'zh-CN'));
    const certified = people.filter((p) => p.certified).length;
    return { rostered: people.length, certified, pct: pct(certified, people.length), expiringSoon: people.filter((p) => p.expiringSoon).length, people };
  }

  /** The patrol report of each day of the month up to today, summed per route and per guard. */
  private async patrolCompletion(actor: Actor, universityId: string, month: string, today: string): Promise<DutyStats['patrol']> {
    const days: string[] = [];
    for (let d = `${month}-01`; d.startsWith(month) && d <= today; d = addDays(d, 1)) days.push(d);
    type Acc = { id: string | null; name: string | null; due: number; onTime: number; late: number; missed: number };
    const routes = new Map<string, Acc>();
    const guards = new Map<string, Acc>();
    const total: Acc = { id: null, name: null, due: 0, onTime: 0, late: 0, missed: 0 };
    for (const date of days) {
      const report = await this.patrol.report(actor, { date, universityId });
      for (const r of report.rows) {
        const due = r.planned - r.pending;
        for (const [map, key, id, name] of [
          [routes, r.routeId, r.routeId, r.routeName],
          [guards, r.guardId ?? '', r.guardId, r.guardName],
        ] as const) {
          const acc = map.get(key) ?? { id, name, due: 0, onTime: 0, late: 0, missed: 0 };
          acc.due += due;
          acc.onTime += r.onTime;
          acc.late += r.late;
          acc.missed += r.missed;
          map.set(key, acc);
        }
        total.due += due;
        total.onTime += r.onTime;
        total.late += r.late;
        total.missed += r.missed;
      }
    }
    const line = (a: Acc) => ({ ...a, pct: pct(a.onTime, a.due) });
    const order = (a: { pct: number | null; name: string | null }, b: { pct: number | null; name: string | null }) => (a.pct ?? 101) - (b.pct ?? 101) || (a.name ?? '').localeCompare(b.name ?? '', 'zh-CN');
    return { days: days.length, due: total.due, onTime: total.onTime, late: total.late, missed: total.missed, pct: pct(total.onTime, total.due), routes: [...routes.values()].map(line).sort(order), guards: [...guards.values()].map(line).sort(order) };
  }

  /**
   * Alarm response per shift and per operator: an alarm belongs to the command-centre shift whose
   * daily window holds its creation (the shifts of the first command-centre post; 3×8 when there
   * is none) and to the operator who acknowledged it (took the first step).
   */
  private async response(universityId: string, facts: MonthFacts, from: number, to: number): Promise<DutyStats['response']> {
    const post = facts.posts.find((p) => p.commandCentre) ?? null;
    const shifts = post?.shifts ?? PATTERN_SHIFTS['3x8'];
    const rows = to > from ? await this.alarmStats.handlingOf(universityId, from, to) : [];
    type Acc = { alarms: number; acknowledge: number[]; arrive: number[]; close: number[] };
    const acc = (): Acc => ({ alarms: 0, acknowledge: [], arrive: [], close: [] });
    const total = acc();
    const byShift = new Map(shifts.map((s) => [s.code, acc()]));
    const byOperator = new Map<string, Acc>();
    for (const r of rows) {
      const minute = beijingMinute(Date.parse(r.created_at));
      const shift = shifts.find((s) => shiftHolds(s, minute));
      const targets = [total, ...(shift ? [byShift.get(shift.code)!] : [])];
      if (r.ack_by) {
        if (!byOperator.has(r.ack_by)) byOperator.set(r.ack_by, acc());
        targets.push(byOperator.get(r.ack_by)!);
      }
      const ack = secondsBetween(r.created_at, r.ack_at);
      const arrive = secondsBetween(r.created_at, r.arrive_at);
      const close = secondsBetween(r.created_at, r.close_at);
      for (const t of targets) {
        t.alarms++;
        if (ack !== null) t.acknowledge.push(ack);
        if (arrive !== null) t.arrive.push(arrive);
        if (close !== null) t.close.push(close);
      }
    }
    const sum = (a: Acc): ResponseTimes => ({ alarms: a.alarms, acknowledge: summarize(a.acknowledge), arrive: summarize(a.arrive), close: summarize(a.close) });
    const names = new Map((await this.accounts.people([...byOperator.keys()])).map((p) => [p.id, p.displayName]));
    return {
      shiftsFrom: post?.name ?? null,
      total: sum(total),
      shifts: shifts.map((s) => ({ shift: s.code, name: s.name, start: s.start, end: s.end, ...sum(byShift.get(s.code)!) })),
      operators: [...byOperator.entries()].map(([accountId, a]) => ({ accountId, name: names.get(accountId) ?? accountId, ...sum(a) })).sort((a, b) => b.alarms - a.alarms || a.name.localeCompare(b.name, 'zh-CN')),
    };
  }

  private async trainingHours(universityId: string, from: number, to: number): Promise<TrainingHours> {
    const port = this.training.current;
    if (!port) return { available: false, totalHours: null, people: [] };
    const rows = await port.hoursOf(universityId, from, to);
    const names = new Map((await this.accounts.people(rows.map((r) => r.accountId))).map((p) => [p.id, p.displayName]));
    return {
      available: true,
      totalHours: Math.round(rows.reduce((n, r) => n + r.hours, 0) * 100) / 100,
      people: rows.map((r) => ({ accountId: r.accountId, name: names.get(r.accountId) ?? r.accountId, hours: r.hours })).sort((a, b) => b.hours - a.hours),
    };
  }
}

type MonthFacts = Awaited<ReturnType<DutyService['monthFacts']>>;
