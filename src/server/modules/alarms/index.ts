/**
 * Alarms (报警): rules turn committed events into alarms (a durable consumer of the event store),
 * linkage actions (cameras, doors, guards), procedures (SOP), escalation. Guard dispatch is its
 * own module, attached with `attachDispatcher`.
 */
import type { Kysely } from 'kysely';
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { SYSTEM_ACTOR } from '../../http/policy.ts';
import type { DB } from '../../store/schema.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventsService, EventWriter } from '../events/index.ts';
import { ownTables } from '../../store/tables.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { AbsenceWatcher } from './absence-watcher.ts';
import { ActionExecutor } from './action-executor.ts';
import { AlarmConsumer } from './alarm-consumer.ts';
import { AlarmEngine } from './alarm-engine.ts';
import { alarmsRoutes } from './alarms.routes.ts';
import { AlarmsService } from './alarms.service.ts';
import { DevicePlaces } from './device-places.ts';
import { ProceduresSlot, type AlarmProcedures } from './alarm-procedures.ts';
import { DispatcherSlot, type GuardDispatcher } from './guard-dispatcher.ts';
import { AcknowledgeCheckSlot, type AcknowledgeCheck } from './acknowledge-check.ts';
import { RuleDryRun } from './rule-dry-run.ts';
import { RoutingSlot, type AlarmRouting } from './alarm-routing.ts';
import { RulesService } from './rules.service.ts';

export { AlarmsService, type AlarmHandlingTimes, type HandlingSteps, type HandlingWindow } from './alarms.service.ts';
export { RulesService } from './rules.service.ts';
export type { GuardDispatcher } from './guard-dispatcher.ts';
export { ProceduresSlot, type AlarmProcedures } from './alarm-procedures.ts';
export type { AcknowledgeCheck } from './acknowledge-check.ts';
export type { AlarmRouting, AlarmRoute } from './alarm-routing.ts';
export { distanceM } from './camera-coverage.ts';
export { AlarmConsumer } from './alarm-consumer.ts';
export { ActionExecutor } from './action-executor.ts';
export { AbsenceWatcher } from './absence-watcher.ts';
export { RuleDryRun } from './rule-dry-run.ts';
export { AlarmEngine } from './alarm-engine.ts';
export { DevicePlaces } from './device-places.ts';

import type { DeviceCommands } from '../device-commands/index.ts';

export interface AlarmsDeps {
  db: Kysely<DB>;
  config: Config;
  audit: AuditService;
  org: OrgService;
  accounts: AccountsService;
  devices: DevicesService;
  events: EventsService;
  writer: EventWriter;
  calendar: CalendarService;
  deviceCommands: DeviceCommands;
  clock: Clock;
  bus: EventBus;
}

export function createAlarmsModule(d: AlarmsDeps) {
  const { clock } = d;
  const bus = new ModuleBus(d.bus);
  const db = ownTables<'alarms'>(d.db);
  const rules = new RulesService(db, d.audit, clock, d.org, d.devices);
  d.org.afterUniversityCreated((universityId) => rules.ensureDefaults(SYSTEM_ACTOR, universityId));
  const places = new DevicePlaces(d.devices, d.org, bus);
  const dispatchers = new DispatcherSlot();
  const actions = new ActionExecutor(db, places, d.events, dispatchers, d.deviceCommands, clock, { etaWarnS: d.config.XIAOAN_DISPATCH_ETA_WARN_MIN * 60 });
  const procedures = new ProceduresSlot();
  const routing = new RoutingSlot();
  const engine = new AlarmEngine(db, rules, places, procedures, clock, d.calendar, d.events, routing);
  const alarmConsumer = new AlarmConsumer(d.events, engine, actions, bus);
  const ruleDryRun = new RuleDryRun(rules, places, engine, dispatchers);
  const absence = new AbsenceWatcher(db, places, d.writer, d.events, d.calendar, clock);
  const acknowledgeChecks = new AcknowledgeCheckSlot();
  const alarms = new AlarmsService(db, bus, clock, procedures, dispatchers, d.events, acknowledgeChecks);
  const face: ModuleFace = {
    name: 'alarms',
    bus,
    tables: tablesOf('alarms'),
    publishes: ['alarms.changed'],
    routes: (app) => alarmsRoutes(app, alarms, rules, ruleDryRun),
    jobs: [
      { name: 'alarm escalation', everyMs: 5_000, run: () => alarms.escalateOverdue() },
      { name: 'absence check', everyMs: 30_000, run: () => absence.check() },
    ],
    start: async ({ log }) => {
      for (const universityId of await d.org.universityIds()) await rules.ensureDefaults(SYSTEM_ACTOR, universityId);
      // Alarms are derived from stored events: first catch up on what was committed before a stop.
      const replayed = await alarmConsumer.start();
      if (replayed) log.info({ events: replayed }, 'alarm engine caught up with stored events');
    },
    stop: async () => {
      await alarmConsumer.stop();
      await actions.close();
    },
  };
  /** The dispatch module, built after this one, is what `notify_guards`, alarm records and dry runs dispatch through. */
  const attachDispatcher = (dispatcher: GuardDispatcher) => dispatchers.attach(dispatcher);
  /** The procedures module, built after this one, gives each new alarm its checklist. */
  const attachProcedures = (p: AlarmProcedures) => procedures.attach(p);
  /** The duty module, built after this one, decides who may acknowledge (持证上岗). */
  const attachAcknowledgeCheck = (c: AcknowledgeCheck) => acknowledgeChecks.attach(c);
  /** The duty module, built after this one, says whom a new alarm is routed to (按值班分派). */
  const attachRouting = (r: AlarmRouting) => routing.attach(r);
  // `engine`: the demo history runs the same rules over past events with its own clock (simulator/history).
  return { face, rules, alarms, alarmConsumer, engine, actions, places, ruleDryRun, absence, attachDispatcher, attachProcedures, attachAcknowledgeCheck, attachRouting, procedures };
}
