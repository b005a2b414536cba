/**
 * Vehicles and the gate (车辆与校门, issue 14): vehicle lists and passes, a decision on every plate
 * read that opens the lane's barrier by command, who is on campus, banned plates and overstays as
 * events for the rules.
 */
import type { Kysely } from 'kysely';
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AuditService } from '../audit/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { DeviceCommands } from '../device-commands/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventWriter } from '../events/index.ts';
import type { OrgService } from '../org/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { GateDecider } from './gate-decider.ts';
import { vehiclesRoutes } from './vehicles.routes.ts';
import { VehiclesService } from './vehicles.service.ts';

export { VehiclesService } from './vehicles.service.ts';
export type { VehicleRow } from './vehicles.repository.ts';
export { GateDecider, decide } from './gate-decider.ts';

export function createVehiclesModule(d: { db: Kysely<DB>; devices: DevicesService; org: OrgService; audit: AuditService; calendar: CalendarService; deviceCommands: DeviceCommands; writer: EventWriter; clock: Clock; bus: EventBus }) {
  const db = ownTables<'vehicles'>(d.db);
  const bus = new ModuleBus(d.bus);
  const vehicles = new VehiclesService(db, d.devices, d.org, d.audit, d.clock);
  const gate = new GateDecider(db, d.devices, d.calendar, d.deviceCommands, d.writer, d.clock, bus);
  const face: ModuleFace = {
    name: 'vehicles',
    tables: tablesOf('vehicles'),
    bus,
    routes: (app) => vehiclesRoutes(app, vehicles),
    jobs: [{ name: 'vehicle overstays', everyMs: 60_000, run: () => gate.overstays() }],
    start: async (ctx) => void (gate.log = ctx.log),
    stop: () => gate.settled(),
  };
  return { face, vehicles, gate };
}
