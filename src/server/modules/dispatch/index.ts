/** Guard dispatch (出警): guards sent to alarms, their steps on the phone page, and where guards are. */
import type { Kysely } from 'kysely';
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AlarmsService, DevicePlaces, GuardDispatcher } from '../alarms/index.ts';
import type { ProceduresService } from '../procedures/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { dispatchRoutes } from './dispatch.routes.ts';
import { DispatchService } from './dispatch.service.ts';
import { GuardRosterSlot, type GuardRoster } from './guard-roster.ts';

export { DispatchService } from './dispatch.service.ts';
export type { GuardRoster } from './guard-roster.ts';

export function createDispatchModule(d: {
  db: Kysely<DB>;
  accounts: AccountsService;
  alarms: AlarmsService;
  procedures: ProceduresService;
  places: DevicePlaces;
  attachDispatcher: (dispatcher: GuardDispatcher) => void;
  clock: Clock;
  bus: EventBus;
}) {
  const bus = new ModuleBus(d.bus);
  const roster = new GuardRosterSlot();
  const dispatches = new DispatchService(ownTables<'dispatch'>(d.db), bus, d.clock, d.accounts, d.places, d.alarms, roster);
  /** The duty module, built after this one, says which guards are on duty (按值班出警). */
  const attachGuardRoster = (r: GuardRoster) => roster.attach(r);
  d.attachDispatcher(dispatches);
  const face: ModuleFace = {
    name: 'dispatch',
    bus,
    tables: tablesOf('dispatch'),
    publishes: ['dispatches.changed'],
    routes: (app) => dispatchRoutes(app, { dispatches, alarms: d.alarms, procedures: d.procedures }),
  };
  return { face, dispatches, attachGuardRoster };
}
