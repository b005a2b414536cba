/** Organisation (组织架构): commission, universities, campuses, buildings, floors, areas, and key sites (重点部位). */
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { Store } from '../../store/database.ts';
import type { AuditService } from '../audit/index.ts';
import { ownTables } from '../../store/tables.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { OrgRepository } from './org.repository.ts';
import { orgRoutes } from './org.routes.ts';
import { OrgService } from './org.service.ts';

export { OrgService, type UnitRef, type Location, type TreeNode } from './org.service.ts';
export type { KeySite, OrgUnit } from './org.repository.ts';

export function createOrgModule(d: { store: Store; audit: AuditService; clock: Clock; bus: EventBus }) {
  const bus = new ModuleBus(d.bus);
  const org = new OrgService(ownTables<'org'>(d.store.db), d.audit, d.clock, new OrgRepository(d.store.dialect), bus);
  const face: ModuleFace = { name: 'org', bus, tables: tablesOf('org'), publishes: ['org.key_site_changed'], routes: (app) => orgRoutes(app, org) };
  return { face, org };
}
