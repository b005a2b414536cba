/** School calendar (校历): holidays, makeup workdays and vacations that arming schedules follow. */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import type { AuditService } from '../audit/index.ts';
import { ownTables } from '../../store/tables.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { calendarRoutes } from './calendar.routes.ts';
import { CalendarService } from './calendar.service.ts';

export { CalendarService } from './calendar.service.ts';

export function createCalendarModule(d: { db: Kysely<DB>; audit: AuditService; org: OrgService; clock: Clock }) {
  const calendar = new CalendarService(ownTables<'calendar'>(d.db), d.audit, d.org, d.clock);
  const face: ModuleFace = { name: 'calendar', tables: tablesOf('calendar'), routes: (app) => calendarRoutes(app, calendar) };
  return { face, calendar };
}
