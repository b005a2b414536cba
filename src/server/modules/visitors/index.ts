/**
 * Visitors (访客管理, issue 14): visits registered by a host and approved by the security office,
 * a QR pass valid for a window at a set of gates, check-in and out at the gate by a guard or a
 * QR reader, and visitors still on campus after their window as `visitor.overstay` events.
 */
import type { Kysely } from 'kysely';
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventWriter } from '../events/index.ts';
import type { OrgService } from '../org/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { VisitorGate } from './visitor-gate.ts';
import { visitorsRoutes } from './visitors.routes.ts';
import { VisitorsService } from './visitors.service.ts';

export { VisitorsService } from './visitors.service.ts';
export { VisitorGate } from './visitor-gate.ts';
export { judgePass, newPassToken } from './visit-pass.ts';
export { visitSearchText, type VisitLogRow, type VisitRow } from './visitors.repository.ts';

export function createVisitorsModule(d: { db: Kysely<DB>; devices: DevicesService; org: OrgService; audit: AuditService; writer: EventWriter; clock: Clock; bus: EventBus }) {
  const db = ownTables<'visitors'>(d.db);
  const bus = new ModuleBus(d.bus);
  const visitors = new VisitorsService(db, d.devices, d.org, d.audit, d.clock);
  const visitorGate = new VisitorGate(db, visitors, d.writer, d.clock, bus);
  const face: ModuleFace = {
    name: 'visitors',
    tables: tablesOf('visitors'),
    bus,
    routes: (app) => visitorsRoutes(app, visitors),
    jobs: [{ name: 'visitor overstays', everyMs: 60_000, run: () => visitorGate.sweep() }],
    start: async (ctx) => void (visitorGate.log = ctx.log),
    stop: () => visitorGate.settled(),
  };
  return { face, visitors, visitorGate };
}
