import type { AlarmRoute, RoutingSlot } from './alarm-routing.ts';
import type { ModuleDb, ModuleTx } from '../../store/tables.ts';
import { uuid4, uuid7 } from '../../util/uuid7.ts';
import type { ActionT, AlarmState, RuleDefinitionT, TriggerT } from '../../../shared/alarms.ts';
import { drillIdOf, type DeviceEvent } from '../../../shared/events.ts';
import type { AlarmChange } from '../../../shared/live.ts';
import type { Clock } from '../../clock.ts';
import { writeJson } from '../../store/database.ts';
import { inSchedule, type Calendar } from '../../../shared/schedule.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { EventsService } from '../events/index.ts';
import { AlarmsRepository, type Alarm } from './alarms.repository.ts';
import { camerasCovering, type CoveredBy } from './camera-coverage.ts';
import type { DevicePlace, DevicePlaces } from './device-places.ts';
import type { AlarmRule, RulesService } from './rules.service.ts';
import type { ProceduresSlot } from './alarm-procedures.ts';

/** Seconds allowed for the next step, by state and priority (1–4); overdue alarms escalate. */
export const STEP_DEADLINE_S: Partial<Record<AlarmState, readonly [number, number, number, number]>> = {
  new: [60, 180, 600, 3600], // acknowledge
  acknowledged: [120, 300, 900, 7200], // dispatch or resolve
  dispatched: [300, 600, 1200, 14400], // arrive
  on_scene: [1800, 3600, 7200, 86400], // resolve
  resolved: [3600, 7200, 14400, 86400], // close
};

export function dueAt(state: AlarmState, priority: number, fromMs: number): string | null {
  const d = STEP_DEADLINE_S[state];
  return d ? new Date(fromMs + d[Math.min(4, Math.max(1, priority)) - 1] * 1000).toISOString() : null;
}

const OFFSET_EVERY_MS = 1000;

export interface ActionTrace {
  type: ActionT['type'];
  status: 'done' | 'pending' | 'skipped' | 'failed';
  /** English, for API clients and logs; screens and the case file translate `code` with `params`. */
  detail: string;
  code: TraceCode;
  params?: Record<string, string | number>;
  data?: unknown;
}

/** What an action trace line says, as a key the console and the case file translate (alarms.traceDetail.*). */
export type TraceCode = 'disarmed' | 'merged' | 'joined' | 'joined_raised' | 'joined_latched' | 'created' | 'created_latched' | 'cameras_linked' | 'no_position' | 'no_camera' | 'done_for_open_alarm' | 'queued' | 'drill';

export interface RunTrace {
  rule: { id: string; name: string; version: number };
  event: { id: string; kind: string; deviceId: string; occurredAt: string };
  armed: boolean;
  count?: number;
  outcome: 'alarm_created' | 'alarm_merged' | 'disarmed' | 'actions_only';
  alarmId?: string;
  actions: ActionTrace[];
}

export interface EngineResult {
  /** With the event that caused each change (the bus message's parent). */
  changed: (AlarmChange & { universityId: string; eventId: string })[];
  pendingActionIds: string[];
}

const ALARM_TITLE: Record<string, string> = {
  intrusion: '入侵报警',
  perimeter: '周界报警',
  fire: '火警',
  panic: '紧急求助',
  door_forced: '门被强行打开',
  door_held_open: '门长时间未关',
  access_failures: '连续刷卡失败',
  device_offline: '设备离线',
  device_fault: '设备故障',
  tamper: '设备防拆/遮挡',
  video_loss: '视频丢失',
  blacklisted_plate: '黑名单车辆',
  face_watchlist: '布控人员比中',
  custom: '报警',
};

/** The rule's own title, or the alarm type and the device's name. */
const alarmTitle = (create: Extract<ActionT, { type: 'create_alarm' }>, place: DevicePlace | undefined, event: DeviceEvent) =>
  create.title ?? `${ALARM_TITLE[create.alarmType]} · ${place?.name ?? event.deviceId}`;

export function inScope(t: TriggerT, place: DevicePlace | undefined): boolean {
  if (!place) return !(t.deviceKinds || t.deviceIds || t.campusIds || t.buildingIds || t.keySiteCategories);
  if (t.deviceKinds && !t.deviceKinds.includes(place.kind)) return false;
  if (t.deviceIds && !t.deviceIds.includes(place.id)) return false;
  if (t.campusIds && !t.campusIds.includes(place.campusId)) return false;
  if (t.buildingIds && !(place.buildingId && t.buildingIds.includes(place.buildingId))) return false;
  if (t.keySiteCategories && !place.keySiteCategories.some((c) => t.keySiteCategories!.includes(c))) return false;
  return true;
}

/** How narrowly a trigger picks its devices: a rule for one door outranks one for every door. */
function specificity(t: TriggerT): number {
  if (t.deviceIds) return 5;
  if (t.keySiteCategories) return 4;
  if (t.buildingIds) return 3;
  if (t.campusIds) return 2;
  if (t.deviceKinds) return 1;
  return 0;
}

const alarmPriority = (rule: AlarmRule) => rule.definition.actions.find((a) => a.type === 'create_alarm')?.priority ?? 5;

/**
 * The order in which the rules matching one event are applied: most urgent first, then most
 * specific. The first rule that raises an alarm names it; the others join it (see `apply`).
 */
export function byPrecedence(rules: readonly AlarmRule[]): readonly AlarmRule[] {
  if (rules.length < 2) return rules;
  return [...rules].sort((a, b) => alarmPriority(a) - alarmPriority(b) || specificity(b.definition.trigger) - specificity(a.definition.trigger));
}

/**
 * Turns committed events into alarms by the university's rules. Everything one batch decides
 * (alarms, merges, rule traces, pending external actions, the consumer offset) is written in one
 * transaction; a (rule, event) pair that was already processed is skipped, so replaying events
 * after a crash creates nothing twice.
 */
export class AlarmEngine {
  private readonly repo = new AlarmsRepository();
  private offsetWrittenAt = 0;

  constructor(
    private readonly db: ModuleDb<'alarms'>,
    private readonly rules: RulesService,
    private readonly places: DevicePlaces,
    private readonly procedures: ProceduresSlot,
    private readonly clock: Clock,
    private readonly calendars: Pick<CalendarService, 'daysOf'>,
    private readonly events: Pick<EventsService, 'countFromDevice' | 'saveOffset'>,
    private readonly routing?: RoutingSlot,
  ) {}

  /** The university's school calendar (holidays, makeup workdays) as arming schedules read it. */
  calendar(universityId: string): Promise<Calendar> {
    return this.calendars.daysOf(universityId);
  }

  /** Rules by the event kind that triggers them, built once per rules list (1,000 rules × 20,000 events/s). */
  private readonly kindIndex = new WeakMap<readonly AlarmRule[], Map<string, AlarmRule[]>>();

  private matching(rules: readonly AlarmRule[], event: DeviceEvent): readonly AlarmRule[] {
    let index = this.kindIndex.get(rules);
    if (!index) {
      index = new Map();
      for (const rule of rules) {
        const t = rule.definition.trigger;
        // An absence rule is triggered by the absence event its own check wrote, not by the kinds it expects.
        for (const kind of t.type === 'absence' ? ['rule.absence'] : t.kinds) {
          const list = index.get(kind) ?? [];
          list.push(rule);
          index.set(kind, list);
        }
      }
      this.kindIndex.set(rules, index);
    }
    const candidates = index.get(event.kind) ?? [];
    if (event.kind !== 'rule.absence') return candidates;
    const ruleId = (event as DeviceEvent<'rule.absence'>).payload.ruleId;
    return candidates.filter((r) => r.id === ruleId);
  }

  async process(events: DeviceEvent[], consumer: string): Promise<EngineResult> {
    const result: EngineResult = { changed: [], pendingActionIds: [] };
    if (!events.length) return result;
    // Rules and places are read before the transaction (cached), so it holds no lock while loading.
    const work: { event: DeviceEvent; rule: AlarmRule; place: DevicePlace | undefined; armed: boolean }[] = [];
    for (const event of events) {
      const matching = this.matching(await this.rules.rulesFor(event.orgId), event);
      if (!matching.length) continue;
      const place = await this.places.device(event.orgId, event.deviceId);
      for (const rule of byPrecedence(matching)) {
        if (!inScope(rule.definition.trigger, place)) continue;
        // 演练: a drill runs whether or not the rule is armed at that hour (撤防 would silently void it).
        const armed = drillIdOf(event) !== null || inSchedule(rule.definition.schedule, Date.parse(event.occurredAt), await this.calendar(event.orgId));
        work.push({ event, rule, place, armed });
      }
    }
    // Most batches match no rule. Their offset is written at most once a second rather than in
    // a commit of its own per batch: after a crash up to a second of events is replayed, which
    // is harmless because every (rule, event) pair is claimed once.
    const nowMs = this.clock.now();
    if (!work.length && nowMs - this.offsetWrittenAt < OFFSET_EVERY_MS) return result;
    // 按值班分派: who is on shift in each university, read before the transaction like rules and places.
    const routes = new Map<string, AlarmRoute | null>();
    const routing = this.routing?.current;
    if (routing) for (const w of work) if (!routes.has(w.event.orgId)) routes.set(w.event.orgId, await routing.routeOf(w.event.orgId, nowMs));
    await this.db.transaction().execute(async (trx) => {
      for (const w of work) await this.apply(trx, w.event, w.rule, w.place, w.armed, result, routes.get(w.event.orgId) ?? null);
      await this.events.saveOffset(trx, consumer, events[events.length - 1]!.id);
    });
    this.offsetWrittenAt = nowMs;
    return result;
  }

  private async apply(trx: ModuleTx<'alarms'>, event: DeviceEvent, rule: AlarmRule, place: DevicePlace | undefined, armed: boolean, result: EngineResult, route: AlarmRoute | null = null) {
    const def: RuleDefinitionT = rule.definition;
    const trace: RunTrace = {
      rule: { id: rule.id, name: def.name, version: rule.version },
      event: { id: event.id, kind: event.kind, deviceId: event.deviceId, occurredAt: event.occurredAt },
      armed,
      outcome: 'actions_only',
      actions: [],
    };
    if (def.trigger.type === 'count') {
      const since = new Date(Date.parse(event.occurredAt) - def.trigger.windowSeconds * 1000).toISOString();
      trace.count = await this.events.countFromDevice(trx, event.deviceId, def.trigger.kinds, since, event.occurredAt);
      if (trace.count < def.trigger.threshold) return; // nothing happened: no trace either
    }
    // Claim (rule, event) first: if it was processed before a crash, do nothing again.
    const now = this.clock.nowIso();
    const claimed = await trx
      .insertInto('rule_runs')
      .values({ rule_id: rule.id, event_id: event.id, university_id: event.orgId, alarm_id: null, at: now, trace: writeJson(trace) })
      .onConflict((oc) => oc.doNothing())
      .returning('rule_id')
      .execute();
    if (!claimed.length) return;
    if (!armed) {
      trace.outcome = 'disarmed';
      trace.actions = def.actions.map((a) => ({ type: a.type, status: 'skipped', detail: 'rule disarmed at this time (撤防)', code: 'disarmed' }));
      await this.saveTrace(trx, rule.id, event.id, trace, null);
      return;
    }

    let alarm: Alarm | undefined;
    /** True only when this very rule's actions ran for the open alarm before; another rule's never count. */
    let alreadyRan = false;
    const create = def.actions.find((a) => a.type === 'create_alarm');
    if (create) {
      const open = await this.repo.findOpen(trx, event.deviceId, create.alarmType, drillIdOf(event));
      if (open) {
        alarm = open;
        // A second rule matching the same event links nothing new: one event counts once.
        const newEvent = await this.repo.linkEvent(trx, open.id, event.id, event.occurredAt);
        if (newEvent) await this.repo.merge(trx, open.id, event.id, event.occurredAt);
        const count = open.eventCount + (newEvent ? 1 : 0);
        alreadyRan = await this.repo.ruleRanFor(trx, open.id, rule.id);
        trace.outcome = 'alarm_merged';
        if (alreadyRan) {
          trace.actions.push({ type: 'create_alarm', status: 'done', detail: `merged into open alarm (${count} events)`, code: 'merged', params: { count } });
        } else {
          alarm = await this.join(trx, open, rule, create, event, place, now, trace, count);
        }
        result.changed.push({ universityId: event.orgId, alarmId: open.id, change: 'merged', eventId: event.id });
      } else {
        const cameras = await this.camerasFor(def, event, place);
        const nowMs = this.clock.now();
        alarm = {
          id: uuid4(),
          universityId: event.orgId,
          ruleId: rule.id,
          type: create.alarmType,
          priority: create.priority,
          state: 'new',
          latched: create.latch ?? false,
          title: alarmTitle(create, place, event),
          deviceId: event.deviceId,
          campusId: place?.campusId ?? null,
          buildingId: place?.buildingId ?? null,
          floorId: place?.floorId ?? null,
          lon: place?.lon ?? null,
          lat: place?.lat ?? null,
          eventCount: 1,
          firstEventId: event.id,
          lastEventId: event.id,
          firstAt: event.occurredAt,
          lastAt: event.occurredAt,
          linkedCameras: cameras,
          stateChangedAt: now,
          dueAt: dueAt('new', create.priority, nowMs),
          escalationLevel: 0,
          createdAt: now,
          drillId: drillIdOf(event),
        };
        await this.repo.insert(trx, alarm);
        if (route) await this.repo.setRoutes(trx, alarm, route, now);
        await this.repo.linkEvent(trx, alarm.id, event.id, event.occurredAt);
        await this.procedures.required.instantiate(trx, alarm.id, alarm.type);
        await this.repo.log(trx, {
          id: uuid7(),
          alarmId: alarm.id,
          at: now,
          actorId: null,
          actorName: null,
          action: 'created',
          fromState: null,
          toState: 'new',
          note: null,
          data: { ruleId: rule.id, ruleName: def.name, eventId: event.id, ...(route ? { routedTo: route.operators.map((p) => p.name), dutyLeaders: route.leaders.map((p) => p.name) } : {}) },
        });
        trace.outcome = 'alarm_created';
        trace.actions.push({
          type: 'create_alarm',
          status: 'done',
          detail: `priority ${create.priority}${alarm.latched ? ', latched until reset' : ''}`,
          code: alarm.latched ? 'created_latched' : 'created',
          params: { priority: create.priority },
        });
        this.traceCameras(def, place, cameras, trace);
        result.changed.push({ universityId: event.orgId, alarmId: alarm.id, change: 'created', eventId: event.id });
      }
      trace.alarmId = alarm.id;
    }

    for (const action of def.actions) {
      if (action.type === 'create_alarm') continue;
      // Choosing cameras happened with the alarm; only a PTZ preset call has an effect outside.
      if (action.type === 'link_cameras' && !(action.presetFromRule && alarm?.linkedCameras.some((c) => c.ptz))) continue;
      if (drillIdOf(event)) {
        // 演练: a drill's alarm reaches no door, camera motor, guard phone or outside notification; its operators act by hand.
        trace.actions.push({ type: action.type, status: 'skipped', detail: 'drill (演练): linkage that reaches the physical world is not run', code: 'drill' });
        continue;
      }
      if (alreadyRan) {
        // This rule's linkage already ran for the open alarm; repeating it for every repeat event would flood doors and guards.
        trace.actions.push({ type: action.type, status: 'skipped', detail: 'already done for the open alarm', code: 'done_for_open_alarm' });
        continue;
      }
      // Time-ordered, so the action's log entry sorts after the alarm's 'created' entry written in this transaction.
      const id = uuid7();
      await trx
        .insertInto('pending_actions')
        .values({ id, university_id: event.orgId, rule_id: rule.id, event_id: event.id, alarm_id: alarm?.id ?? null, action: writeJson(action), status: 'pending', result: null, attempts: 0, created_at: now, done_at: null })
        .execute();
      result.pendingActionIds.push(id);
      trace.actions.push({ type: action.type, status: 'pending', detail: `queued as ${id}`, code: 'queued' });
    }
    await this.saveTrace(trx, rule.id, event.id, trace, alarm?.id ?? null);
  }

  private async camerasFor(def: RuleDefinitionT, event: DeviceEvent, place: DevicePlace | undefined): Promise<CoveredBy[]> {
    const link = def.actions.find((a) => a.type === 'link_cameras');
    if (!link || place?.lon == null || place.lat == null) return [];
    return camerasCovering({ lon: place.lon, lat: place.lat, floorId: place.floorId }, await this.places.cameras(event.orgId), link.max);
  }

  private traceCameras(def: RuleDefinitionT, place: DevicePlace | undefined, cameras: CoveredBy[], trace: RunTrace) {
    if (!def.actions.some((a) => a.type === 'link_cameras')) return;
    trace.actions.push({
      type: 'link_cameras',
      status: 'done',
      detail: cameras.length ? `${cameras.length} camera(s) cover the position` : place?.lon == null ? 'device has no position' : 'no camera covers the position',
      code: cameras.length ? 'cameras_linked' : place?.lon == null ? 'no_position' : 'no_camera',
      params: { count: cameras.length },
      data: cameras,
    });
  }

  /**
   * Another rule matched an event of an open alarm (the same event, or a later one) and has not
   * run for it yet. The alarm stays one alarm, takes the most urgent priority and the latch of
   * every rule that matched, gains cameras if it had none, and this rule's own actions run.
   */
  private async join(
    trx: ModuleTx<'alarms'>,
    open: Alarm,
    rule: AlarmRule,
    create: Extract<ActionT, { type: 'create_alarm' }>,
    event: DeviceEvent,
    place: DevicePlace | undefined,
    now: string,
    trace: RunTrace,
    count: number,
  ): Promise<Alarm> {
    const def = rule.definition;
    let alarm = open;
    const raisesPriority = create.priority < open.priority;
    const latches = (create.latch ?? false) && !open.latched;
    if (raisesPriority || latches) {
      const priority = Math.min(create.priority, open.priority);
      alarm = {
        ...open,
        priority,
        latched: open.latched || (create.latch ?? false),
        ruleId: raisesPriority ? rule.id : open.ruleId,
        title: raisesPriority ? alarmTitle(create, place, event) : open.title,
        dueAt: raisesPriority ? dueAt(open.state, priority, Date.parse(open.stateChangedAt)) : open.dueAt,
      };
      await this.repo.raise(trx, open.id, { ruleId: alarm.ruleId ?? rule.id, priority: alarm.priority, title: alarm.title, latched: alarm.latched, dueAt: alarm.dueAt });
    }
    await this.repo.log(trx, {
      id: uuid7(),
      alarmId: open.id,
      at: now,
      actorId: null,
      actorName: null,
      action: 'rule_joined',
      fromState: null,
      toState: null,
      note: def.name,
      data: { ruleId: rule.id, ruleName: def.name, eventId: event.id, fromPriority: open.priority, toPriority: alarm.priority, latched: alarm.latched },
    });
    trace.actions.push({
      type: 'create_alarm',
      status: 'done',
      detail: raisesPriority
        ? `joined the open alarm, priority raised from ${open.priority} to ${alarm.priority}${latches ? ', now latched' : ''}`
        : `joined the open alarm (priority ${alarm.priority}${latches ? ', now latched' : ''})`,
      code: raisesPriority ? 'joined_raised' : latches ? 'joined_latched' : 'joined',
      params: { count, from: open.priority, priority: alarm.priority },
    });
    if (!alarm.linkedCameras.length) {
      const cameras = await this.camerasFor(def, event, place);
      if (cameras.length) {
        await this.repo.setLinkedCameras(trx, open, cameras);
        alarm = { ...alarm, linkedCameras: cameras };
      }
      this.traceCameras(def, place, cameras, trace);
    }
    return alarm;
  }

  private async saveTrace(trx: ModuleTx<'alarms'>, ruleId: string, eventId: string, trace: RunTrace, alarmId: string | null) {
    await trx.updateTable('rule_runs').set({ trace: writeJson(trace), alarm_id: alarmId }).where('rule_id', '=', ruleId).where('event_id', '=', eventId).execute();
  }
}
