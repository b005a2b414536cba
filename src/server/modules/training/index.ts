/**
 * Training (培训与演练, issue 15 items 3 and 6): training sessions and attendance, each person's
 * training record, and drills — a scenario injected through the real event path as `drill`
 * events, whose alarms carry `drillId` (kept out of statistics, device health and the
 * commission's views, and of linkage that reaches the physical world), timed against the
 * procedure, the result recorded as a 演练 session.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventWriter } from '../events/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { trainingRoutes } from './training.routes.ts';
import { TrainingService } from './training.service.ts';

export { TrainingService } from './training.service.ts';
export { computeDrillResult } from './drill-result.ts';
export type { AttendanceRow, DrillRow, SessionRow } from './training.repository.ts';

export function createTrainingModule(d: { db: Kysely<DB>; accounts: AccountsService; org: OrgService; devices: DevicesService; alarms: AlarmsService; audit: AuditService; writer: EventWriter; clock: Clock }) {
  const training = new TrainingService(ownTables<'training'>(d.db), d.accounts, d.org, d.devices, d.alarms, d.audit, d.writer, d.clock);
  const face: ModuleFace = {
    name: 'training',
    tables: tablesOf('training'),
    routes: (app) => trainingRoutes(app, training),
    jobs: [{ name: 'drills', everyMs: 10_000, run: () => training.checkDrills() }],
  };
  return { face, training };
}
