import type { AlarmChange, AlarmChangeKind } from '../../../shared/live.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { EventsService } from '../events/index.ts';
import { ALARM_STEPS, type AlarmState, type AlarmStep } from '../../../shared/alarms.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalidField } from '../../http/errors.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import { type Actor, assertInScope, listScope } from '../../http/policy.ts';
import { readJson } from '../../store/database.ts';
import { dueAt } from './alarm-engine.ts';
import { AlarmsRepository, type Alarm, type AlarmHandlingTimes, type AlarmQuery, type HandlingSteps, type HandlingWindow } from './alarms.repository.ts';
import type { DispatcherSlot } from './guard-dispatcher.ts';
import type { ProceduresSlot } from './alarm-procedures.ts';
import type { AcknowledgeCheckSlot } from './acknowledge-check.ts';
import type { AlarmRoute } from './alarm-routing.ts';
import { AppError } from '../../http/errors.ts';
import { presentEvent } from '../../../shared/personal-data.ts';

/**
 * The alarm lifecycle: new → acknowledged → dispatched → on scene → resolved → closed (or false
 * alarm), who and when at each step, step deadlines that escalate, latching until a person
 * resets. Nothing about an alarm is ever deleted.
 */
export type { AlarmHandlingTimes, HandlingSteps, HandlingWindow };

export class AlarmsService {
  private readonly repo = new AlarmsRepository();

  constructor(
    private readonly db: ModuleDb<'alarms'>,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly procedures: ProceduresSlot,
    private readonly dispatchers: DispatcherSlot,
    private readonly events: Pick<EventsService, 'byIds'>,
    private readonly acknowledgeChecks?: AcknowledgeCheckSlot,
  ) {}

  list(actor: Actor, q: Omit<AlarmQuery, 'universityId' | 'routedTo'> & { universityId?: string; routedToMe?: boolean }) {
    const { routedToMe, ...rest } = q;
    return this.repo.list(this.db, { ...rest, universityId: listScope(actor, q.universityId), routedTo: routedToMe ? actor.id : undefined });
  }

  /**
   * The alarms created in a window with the time of their first handling steps (a read for
   * alarm statistics; which log actions count as which step is the caller's definition).
   */
  handlingTimes(window: HandlingWindow, steps: HandlingSteps): Promise<AlarmHandlingTimes[]> {
    return this.repo.handlingTimes(this.db, window, steps);
  }

  // ---- for the modules built on alarms (dispatch, procedures): system reads, and the alarm's side of their steps ----

  /** One alarm by id, unscoped (the caller has checked the actor). */
  find(id: string): Promise<Alarm | undefined> {
    return this.repo.find(this.db, id);
  }

  /** 演练: the alarms a drill raised (modules/training reads them to time the operators). */
  ofDrill(drillId: string): Promise<Alarm[]> {
    return this.repo.ofDrill(this.db, drillId);
  }

  /** Alarms by id, unscoped; ids not found are absent. */
  async byIds(ids: string[]): Promise<Alarm[]> {
    return ids.length ? this.repo.byIds(this.db, [...new Set(ids)]) : [];
  }

  /** A university's open alarms (not closed or found false), oldest first: the handover's duty log. */
  openOf(universityId: string, work: Work = this.db, limit = 500): Promise<Alarm[]> {
    return this.repo.openOf(ownTables<'alarms'>(work), universityId, limit);
  }

  /**
   * A step done in another module (a dispatch, a procedure tick, a photo) is logged on the alarm
   * and may move it along (dispatched, on scene, resolved), in `work`, that module's open
   * transaction, so both commit or neither.
   */
  async recordStep(work: Work, alarm: Alarm, step: { to: AlarmState | null; action: string; actorId: string | null; actorName: string | null; note: string | null; data: unknown; nowMs: number }) {
    const db = ownTables<'alarms'>(work);
    const at = new Date(step.nowMs).toISOString();
    if (step.to) await this.repo.setState(db, alarm.id, { state: step.to, stateChangedAt: at, dueAt: dueAt(step.to, alarm.priority, step.nowMs), escalationLevel: 0 });
    await this.repo.log(db, { id: uuid7(), alarmId: alarm.id, at, actorId: step.actorId, actorName: step.actorName, action: step.action, fromState: alarm.state, toState: step.to ?? alarm.state, note: step.note, data: step.data });
  }

  /** 按值班分派: the alarm now goes to these operators and duty leaders (a handover moved it to a new shift), in `work`. */
  async reroute(work: Work, alarm: Pick<Alarm, 'id' | 'universityId'>, route: AlarmRoute & { nowMs: number }) {
    await this.repo.setRoutes(ownTables<'alarms'>(work), alarm, route, new Date(route.nowMs).toISOString());
  }

  /** Whom alarms are routed to (operators on shift, the duty leader); an alarm absent was routed to nobody in particular. */
  async routesOf(alarmIds: string[]): Promise<Map<string, AlarmRoute>> {
    const out = new Map<string, AlarmRoute>();
    for (const r of await this.repo.routesOf(this.db, alarmIds)) {
      const route = out.get(r.alarm_id) ?? { operators: [], leaders: [] };
      (r.role === 'leader' ? route.leaders : route.operators).push({ id: r.account_id, name: r.name });
      out.set(r.alarm_id, route);
    }
    return out;
  }

  /** Tells operator screens an alarm changed; call after the transaction that changed it has committed. */
  announce(alarm: Pick<Alarm, 'id' | 'universityId'>, change: AlarmChangeKind, actorId: string | null) {
    this.bus.publish('alarms.changed', [{ universityId: alarm.universityId, alarmId: alarm.id, change }], { actorId });
  }

  async get(actor: Actor, id: string): Promise<Alarm> {
    return assertInScope(actor, await this.repo.find(this.db, id), (a) => a.universityId, 'alarm');
  }

  /** Everything that stands up afterwards: events, rule traces, actions and acks, the log. */
  async record(actor: Actor, id: string) {
    const alarm = await this.get(actor, id);
    const [log, eventRows, runs, actions] = await Promise.all([
      this.repo.logOf(this.db, id),
      this.db.selectFrom('alarm_events').select('event_id').where('alarm_id', '=', id).orderBy('event_id').limit(1000).execute().then((rows) => this.events.byIds(rows.map((r) => r.event_id))),
      this.db.selectFrom('rule_runs').selectAll().where('alarm_id', '=', id).orderBy('at').execute(),
      this.db.selectFrom('pending_actions').selectAll().where('alarm_id', '=', id).orderBy('created_at').execute(),
    ]);
    const [sop, photos, dispatches, caseNo, routes] = await Promise.all([this.procedures.required.steps(id), this.procedures.required.photosOf(id), this.dispatchers.current?.ofAlarm(id) ?? [], this.repo.caseNumber(this.db, alarm), this.routesOf([id])]);
    return {
      alarm,
      caseNo,
      routedTo: routes.get(id) ?? null,
      sop,
      photos,
      dispatches,
      events: eventRows.map(presentEvent),
      log,
      ruleRuns: runs.map((r) => ({ ruleId: r.rule_id, eventId: r.event_id, at: r.at, trace: readJson(r.trace) })),
      actions: actions.map((a) => ({ id: a.id, action: readJson(a.action), status: a.status, result: a.result === null ? null : readJson(a.result), createdAt: a.created_at, doneAt: a.done_at })),
    };
  }

  async step(actor: Actor, id: string, step: AlarmStep, note?: string): Promise<Alarm> {
    const rule = ALARM_STEPS[step];
    const check = this.acknowledgeChecks?.current;
    if (check) {
      // 持证上岗 (S-CERT): the attached duty rule says whether this person may take up a new alarm —
      // by acknowledging it, or by any first step (dispatching, finding it false) that skips acknowledging.
      const alarm = assertInScope(actor, await this.repo.find(this.db, id), (a) => a.universityId, 'alarm');
      const refusal = step === 'acknowledge' || alarm.state === 'new' ? await check.refusal(actor, alarm.universityId, this.clock.now()) : null;
      if (refusal) throw new AppError('XIAOAN_AUTH_FORBIDDEN', `cannot acknowledge: ${refusal.reason}`, [refusal]);
    }
    const updated = await this.db.transaction().execute(async (trx) => {
      const alarm = assertInScope(actor, await this.repo.find(trx, id), (a) => a.universityId, 'alarm');
      if (!(rule.from as readonly AlarmState[]).includes(alarm.state)) {
        throw conflict(`cannot ${step} an alarm that is ${alarm.state}`, [{ field: 'state', reason: `is ${alarm.state}; ${step} needs ${rule.from.join(' or ')}`, rule: 'transition' }]);
      }
      if (step === 'false_alarm' && !note?.trim()) throw invalidField('note', 'say why it was a false alarm');
      // Everything that still stands in the way, at once: the latch, then open mandatory steps.
      const blockers: FieldProblem[] = [];
      if ((step === 'close' || step === 'false_alarm') && alarm.latched) blockers.push({ field: 'latched', reason: 'a person must reset the alarm first (S-NOMISS)', rule: 'latch' });
      if (step === 'close') for (const title of await this.procedures.required.openMandatory(trx, id)) blockers.push({ field: 'sop', reason: `open: ${title}`, rule: 'sop' });
      if (blockers.length) throw conflict(`cannot ${step} yet: ${blockers.map((b) => b.reason).join('；')}`, blockers);
      const nowMs = this.clock.now();
      const now = new Date(nowMs).toISOString();
      const to: AlarmState = rule.to;
      await this.repo.setState(trx, id, { state: to, stateChangedAt: now, dueAt: dueAt(to, alarm.priority, nowMs), escalationLevel: 0 });
      await this.repo.log(trx, { id: uuid7(), alarmId: id, at: now, actorId: actor.id, actorName: actor.displayName, action: step, fromState: alarm.state, toState: to, note: note ?? null, data: null });
      return { ...alarm, state: to, stateChangedAt: now, dueAt: dueAt(to, alarm.priority, nowMs), escalationLevel: 0 };
    });
    // Published after the commit, so screens never show what was rolled back.
    this.bus.publish('alarms.changed', [{ universityId: updated.universityId, alarmId: id, change: step }], { actorId: actor.id });
    return updated;
  }

  /** A person confirms a latched alarm on site (or by camera) and releases the latch. */
  async reset(actor: Actor, id: string, note: string): Promise<Alarm> {
    const updated = await this.db.transaction().execute(async (trx) => {
      const alarm = assertInScope(actor, await this.repo.find(trx, id), (a) => a.universityId, 'alarm');
      if (!alarm.latched) throw conflict('the alarm is not latched', [{ field: 'latched', reason: 'is already released', rule: 'latch' }]);
      const now = this.clock.nowIso();
      await this.repo.setState(trx, id, { latched: false });
      await this.repo.log(trx, { id: uuid7(), alarmId: id, at: now, actorId: actor.id, actorName: actor.displayName, action: 'reset', fromState: alarm.state, toState: alarm.state, note, data: null });
      return { ...alarm, latched: false };
    });
    this.bus.publish('alarms.changed', [{ universityId: updated.universityId, alarmId: id, change: 'reset' }], { actorId: actor.id });
    return updated;
  }

  async addNote(actor: Actor, id: string, note: string): Promise<void> {
    // Notes are allowed on closed alarms too: later findings belong to the case file.
    const alarm = await this.get(actor, id);
    await this.repo.log(this.db, { id: uuid7(), alarmId: id, at: this.clock.nowIso(), actorId: actor.id, actorName: actor.displayName, action: 'note', fromState: null, toState: null, note, data: null });
    this.bus.publish('alarms.changed', [{ universityId: alarm.universityId, alarmId: id, change: 'note' }], { actorId: actor.id });
  }

  /** Escalates alarms whose step is overdue: one level per missed deadline, logged, pushed to screens. */
  async escalateOverdue(): Promise<number> {
    const nowMs = this.clock.now();
    const now = new Date(nowMs).toISOString();
    const overdue = await this.repo.overdue(this.db, now);
    const routes = await this.routesOf(overdue.map((a) => a.id));
    const changed: (AlarmChange & { universityId: string })[] = [];
    for (const a of overdue) {
      const level = a.escalationLevel + 1;
      await this.db.transaction().execute(async (trx) => {
        await this.repo.setState(trx, a.id, { escalationLevel: level, dueAt: dueAt(a.state, a.priority, nowMs) });
        await this.repo.log(trx, {
          id: uuid7(),
          alarmId: a.id,
          at: now,
          actorId: null,
          actorName: null,
          action: 'escalated',
          fromState: a.state,
          toState: a.state,
          note: null,
          // 按值班分派: the duty leader of the shift the alarm is routed to is the one escalated to.
          data: { level, overdueSince: a.dueAt, notify: level === 1 ? 'security_director' : 'security_director+duty_leader', escalatedTo: routes.get(a.id)?.leaders ?? [] },
        });
      });
      changed.push({ universityId: a.universityId, alarmId: a.id, change: 'escalated' });
    }
    if (changed.length) this.bus.publish('alarms.changed', changed);
    return changed.length;
  }
}
