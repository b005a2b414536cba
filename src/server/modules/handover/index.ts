/**
 * Handover (交接班, issue 15 item 2): one record per command-centre shift change, with the duty
 * log (open alarms, device faults, notes) and checklist the outgoing operator signs and the
 * incoming one (rostered on the next shift, certified) accepts; acceptance moves the open
 * alarms to the new shift. Its own module, built on duty (who is on which shift), alarms,
 * devices and health (the log), so that duty stays the roster and its rules.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { DutyService } from '../duty/index.ts';
import type { DeviceHealthService } from '../health/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { handoverRoutes } from './handover.routes.ts';
import { HandoverService } from './handover.service.ts';

export { HandoverService, toHandover } from './handover.service.ts';
export type { HandoverRow } from './handover.repository.ts';

export function createHandoverModule(d: { db: Kysely<DB>; duty: DutyService; alarms: AlarmsService; devices: DevicesService; health: DeviceHealthService; audit: AuditService; clock: Clock }) {
  const handover = new HandoverService(ownTables<'handover'>(d.db), d.duty, d.alarms, d.devices, d.health, d.audit, d.clock);
  const face: ModuleFace = {
    name: 'handover',
    tables: tablesOf('handover'),
    routes: (app) => handoverRoutes(app, handover),
  };
  return { face, handover };
}
