/** The video wall's shared settings (电视墙): tour groups (轮巡组) the command centre's seats share. */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { tourGroupsRoutes } from './tour-groups.routes.ts';
import { TourGroupsService } from './tour-groups.service.ts';

export { TourGroupsService } from './tour-groups.service.ts';

export function createVideoWallModule(d: { db: Kysely<DB>; devices: DevicesService; audit: AuditService; clock: Clock }) {
  const tourGroups = new TourGroupsService(ownTables<'video-wall'>(d.db), d.devices, d.audit, d.clock);
  const face: ModuleFace = { name: 'video-wall', tables: tablesOf('video-wall'), routes: (app) => tourGroupsRoutes(app, tourGroups) };
  return { face, tourGroups };
}
