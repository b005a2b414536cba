/**
 * The demo history's engine room (issue 18): runs the contributors' work in time order with the
 * services' clock set to each task's instant. Device messages go through ingest into the event
 * log and then through the real alarm engine, with the clock at their arrival, so arming
 * schedules, merging, counts and the SOP copy behave exactly as they did "then"; every later
 * step (an operator acknowledging, a guard arriving) goes through the real services at its own
 * instant. Nothing here reads the wall clock.
 */
import type { CalendarDayKind } from '../../../shared/calendar.ts';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { Services } from '../../http/app.ts';
import { SYSTEM_ACTOR, type Actor } from '../../http/policy.ts';
import { addDays, Random } from '../../util/random.ts';
import { atShanghai, shanghaiTime } from '../scenario/timetable.ts';
import { Agenda } from './agenda.ts';
import type { DeviceMessage, HistoryContext, HistoryContributor, HistoryRange, HistoryScript, HistoryStaff } from './contributor.ts';
import type { HistoryClock } from './history-clock.ts';

export interface GenerateHistoryOptions {
  /** The history's own composition of the modules, built on `clock` (see demo-history.ts). */
  services: Services;
  clock: HistoryClock;
  universityId: string;
  days: number;
  /** The end of the history ("now"). */
  endMs: number;
  seed: number;
  contributors: readonly HistoryContributor[];
  /** The durable consumer whose offset the rules' runs save: 'alarms' on a fresh store, so the live engine does not replay the history. */
  engineConsumer: string;
  /** A line per ten days and one at the end. */
  progress?: (line: string) => void;
  /** Wall-clock time source for the progress lines only (defaults to performance.now). */
  elapsedMs?: () => number;
}

export interface HistoryReport {
  days: number;
  from: string;
  to: string;
  seed: number;
  counters: Record<string, number>;
  problems: string[];
  ms: number;
}

export function historyRange(endMs: number, days: number): HistoryRange {
  const endDate = shanghaiTime(endMs).date;
  const first = addDays(endDate, -days);
  const dates: string[] = [];
  for (let d = first; d <= endDate; d = addDays(d, 1)) dates.push(d);
  return { fromMs: atShanghai(first, '00:00'), toMs: endMs, dates };
}

/** Lets work the services started without awaiting (a guard's position from a check-in) finish before the clock moves. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function generateHistory(o: GenerateHistoryOptions): Promise<HistoryReport> {
  const elapsed = o.elapsedMs ?? (() => performance.now());
  const started = elapsed();
  const { services, clock, universityId } = o;
  const range = historyRange(o.endMs, o.days);
  const root = new Random(o.seed).fork('history');
  const agenda = new Agenda();
  const counters: Record<string, number> = {};
  const problems: string[] = [];
  const count = (name: string, n = 1) => void (counters[name] = (counters[name] ?? 0) + n);
  const problem = (what: string, err?: unknown) => {
    count('problems');
    if (problems.length < 50) problems.push(err ? `${what}: ${(err as Error).message ?? String(err)}` : what);
  };

  const eventListeners: ((events: readonly DeviceEvent[]) => void | Promise<void>)[] = [];
  const alarmListeners: ((alarmId: string) => void | Promise<void>)[] = [];
  const committed: DeviceEvent[][] = [];
  const unsubscribe = services.bus.subscribe('events.committed', (batch) => void committed.push(batch));
  services.gate.decideWhenAsked();
  services.visitorGate.recordWhenAsked();
  services.patrolWatch.recordWhenAsked();
  services.sightings.indexWhenAsked();

  await services.rules.ensureDefaults(SYSTEM_ACTOR, universityId);
  await services.ingest.directory.preload(universityId);
  const staff = await loadStaff(services, universityId);

  /** The rules over what was stored since the last call, in commit order, then what the rules asked for. */
  const runRules = async () => {
    // Everything the last step set off must be in the store first (device-online events the
    // health module appends, guard positions from check-ins): on PostgreSQL it takes longer
    // than a turn of the event loop, and the history must not depend on how long.
    const quiet = async () => {
      await services.writer.idle();
      await services.dispatches.settled();
    };
    await quiet();
    while (committed.length) {
      const batch = committed.shift()!;
      count('events', batch.length);
      for (const l of eventListeners) await l(batch);
      const result = await services.alarmEngine.process(batch, o.engineConsumer);
      // Linkage the rules queued (guards sent, doors, PTZ presets) runs now, at this instant.
      if (result.pendingActionIds.length) await services.actions.runPending(result.pendingActionIds);
      for (const c of result.changed) {
        if (c.change !== 'created') continue;
        count('alarms');
        for (const l of alarmListeners) await l(c.alarmId);
      }
      // The gate decides the batch's plate reads here, in order, barriers answering (through a nested call).
      await services.gate.decideAll(batch);
      // Visitor passes read at gates, likewise.
      await services.visitorGate.recordAll(batch);
      // Patrol check-ins of checkpoint devices, likewise (tours and check-ins take ids from the routes and events).
      await services.patrolWatch.recordAll(batch);
      // The trajectory index of the batch, here too: in order, nothing beside the history's own work.
      await services.sightings.index(batch);
      await quiet();
    }
    await settle();
  };

  const makeContext = (name: string): HistoryContext => ({
    universityId,
    range,
    rng: root.fork(name),
    clock,
    services,
    calendar,
    staff,
    at: (ms, task) => {
      if (ms < range.toMs) agenda.add(Math.floor(ms), task);
    },
    script: (startMs, steps) => runScript(startMs, steps),
    deviceMessages: async (messages: readonly DeviceMessage[]) => {
      // Ingest stamps the arrival with the clock as it takes each message (its device is cached, so
      // synchronously): each message is taken at its own arrival time, the rules then run at the task's.
      const taskMs = clock.now();
      const results = await Promise.all(
        messages.map((m) => {
          clock.set(Math.min(taskMs, m.receivedAtMs ?? taskMs));
          return services.ingest.ingestParsed(m.envelope, { source: m.source, deviceId: m.deviceId });
        }),
      );
      clock.set(taskMs);
      for (const r of results) if (r.status === 'rejected') problem(`ingest refused a history event: ${r.reason}`);
      await runRules();
    },
    platformEvents: async (events) => {
      await Promise.all(events.map((e) => services.writer.append({ ...e })));
      await runRules();
    },
    onEvents: (l) => void eventListeners.push(l),
    onAlarmCreated: (l) => void alarmListeners.push(l),
    count,
    problem: (what, err) => problem(`${name}: ${what}`, err),
  });

  const runScript = (startMs: number, steps: HistoryScript) => {
    const next = async () => {
      const r = await steps.next();
      if (!r.done) agendaAdd(clock.now() + Math.max(1, r.value), next);
    };
    agendaAdd(startMs, next);
  };
  const agendaAdd = (ms: number, task: () => Promise<void>) => {
    if (ms < range.toMs) agenda.add(Math.floor(ms), task);
  };

  let calendar: ReadonlyMap<string, CalendarDayKind> = new Map();
  try {
    // Contributors in order: the first (the school calendar) may write what the later ones read.
    clock.set(range.fromMs);
    for (const c of o.contributors) {
      calendar = await services.calendar.daysOf(universityId);
      await c.contribute(makeContext(c.name));
    }
    const tenDays = 10 * 86_400_000;
    let nextReport = range.fromMs + tenDays;
    for (let item = agenda.pop(); item; item = agenda.pop()) {
      while (item.at >= nextReport) {
        const day = Math.round((nextReport - range.fromMs) / 86_400_000);
        o.progress?.(`history: ${day}/${range.dates.length} days (${shanghaiTime(nextReport - 1).date}), ${counters.events ?? 0} events, ${counters.alarms ?? 0} alarms, ${((elapsed() - started) / 1000).toFixed(1)} s`);
        nextReport += tenDays;
      }
      clock.set(item.at);
      try {
        await item.run();
      } catch (err) {
        problem('a history task failed', err);
      }
    }
  } finally {
    unsubscribe();
  }
  const ms = Math.round(elapsed() - started);
  const report: HistoryReport = { days: o.days, from: range.dates[0]!, to: range.dates[range.dates.length - 1]!, seed: o.seed, counters, problems, ms };
  o.progress?.(
    `history: ${o.days} days (${report.from} – ${report.to}) generated in ${(ms / 1000).toFixed(1)} s: ` +
      Object.entries(counters)
        .map(([k, v]) => `${v} ${k}`)
        .join(', '),
  );
  return report;
}

const SHIFT_HOURS = [0, 8, 16] as const;

async function loadStaff(services: Services, universityId: string): Promise<HistoryStaff> {
  const ofRole = async (role: 'operator' | 'guard' | 'security_director' | 'maintainer') => {
    const { items } = await services.accounts.list(SYSTEM_ACTOR, { universityId, role, page: 1, pageSize: 500 });
    return items
      .filter((u) => !u.disabled)
      .map((u): Actor => ({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, universityId }))
      .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  };
  const [operators, guards, directors, maintainers] = await Promise.all([ofRole('operator'), ofRole('guard'), ofRole('security_director'), ofRole('maintainer')]);
  const byId = new Map([...operators, ...guards, ...directors, ...maintainers].map((a) => [a.id, a]));
  const certified = await services.duty.certifiedCheck(universityId);
  // Four teams in three shifts (四班三倒): a team works one shift, then rests.
  const teams = <T>(list: readonly T[]) => [0, 1, 2, 3].map((t) => list.filter((_, i) => i % 4 === t));
  const operatorTeams = teams(operators);
  const guardTeams = teams(guards);
  return {
    operators,
    guards,
    director: directors[0] ?? null,
    maintainer: maintainers[0] ?? null,
    byId: (id) => byId.get(id),
    onDuty(ms) {
      const t = shanghaiTime(ms);
      const shift = SHIFT_HOURS.filter((h) => t.minute >= h * 60).length - 1;
      const day = Math.floor(Date.parse(`${t.date}T00:00:00Z`) / 86_400_000);
      const team = (day * 3 + shift) % 4;
      // 持证上岗: only operators holding a certificate valid that day handle alarms (when the university keeps certificates).
      const certifiedOps = certified ? operatorTeams[team]!.filter((a) => certified(a.id, t.date)) : operatorTeams[team]!;
      const ops = certifiedOps.length ? certifiedOps : certified ? operators.filter((a) => certified(a.id, t.date)) : operators;
      const gs = guardTeams[team]!.length ? guardTeams[team]! : guards;
      return { operators: ops, guards: gs };
    },
  };
}
