/**
 * 电子巡更 (guard patrol, issue 15 item 5): checkpoints with QR codes, routes with windows and
 * schedules, tours and their check-ins from checkpoint devices or the guard's phone, and the
 * evaluation that raises `patrol.missed`, `patrol.late`, `patrol.out_of_order` and
 * `patrol.too_fast` once each (rules turn them into alarms); the patrol report.
 */
import type { Kysely } from 'kysely';
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventWriter } from '../events/index.ts';
import type { OrgService } from '../org/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { announcePhoneCheckin, PatrolWatch } from './patrol-watch.ts';
import { patrolRoutes } from './patrol.routes.ts';
import { PatrolService } from './patrol.service.ts';

export { PatrolService, newCheckpointToken, routeRunsOn, TOUR_LEAD_MS } from './patrol.service.ts';
export { PatrolWatch, REPORT_LOOKBACK_MS } from './patrol-watch.ts';
export type { CheckpointRow, RouteRow } from './patrol.repository.ts';

export function createPatrolModule(d: { db: Kysely<DB>; devices: DevicesService; accounts: AccountsService; org: OrgService; calendar: CalendarService; audit: AuditService; writer: EventWriter; clock: Clock; bus: EventBus }) {
  const db = ownTables<'patrol'>(d.db);
  const bus = new ModuleBus(d.bus);
  const patrol = new PatrolService(db, d.devices, d.accounts, d.org, d.calendar, d.audit, d.clock);
  const patrolWatch = new PatrolWatch(db, patrol, d.accounts, d.writer, d.clock, bus);
  const face: ModuleFace = {
    name: 'patrol',
    tables: tablesOf('patrol'),
    bus,
    routes: (app) =>
      patrolRoutes(app, patrol, (actorId, r) => announcePhoneCheckin(d.writer, d.clock, { universityId: r.checkpoint.university_id, deviceId: r.checkpoint.device_id, guardId: actorId, routeId: r.result.tour.routeId })),
    jobs: [{ name: 'patrol evaluation', everyMs: 60_000, run: () => patrolWatch.evaluate() }],
    start: async (ctx) => void (patrolWatch.log = ctx.log),
    stop: () => patrolWatch.settled(),
  };
  return { face, patrol, patrolWatch };
}
