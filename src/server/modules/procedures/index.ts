/**
 * Procedures (处置程序): the SOP checklist each alarm gets from its type, and the photos taken
 * while working it. Builds on alarms (reads them, logs each tick on the alarm) and attaches itself
 * as the alarms' `AlarmProcedures` port, so a new alarm gets its checklist in the same transaction.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AlarmProcedures, AlarmsService } from '../alarms/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { procedureRoutes } from './procedures.routes.ts';
import { ProceduresService } from './procedures.service.ts';

export { ProceduresService } from './procedures.service.ts';
export { acceptPhotoBodies, KeyParams, PhotoParams } from './procedures.routes.ts';

export function createProceduresModule(d: { db: Kysely<DB>; alarms: AlarmsService; attachProcedures: (procedures: AlarmProcedures) => void; clock: Clock }) {
  const procedures = new ProceduresService(ownTables<'procedures'>(d.db), d.clock, d.alarms);
  d.attachProcedures(procedures);
  const face: ModuleFace = {
    name: 'procedures',
    tables: tablesOf('procedures'),
    routes: (app) => procedureRoutes(app, { alarms: d.alarms, procedures }),
  };
  return { face, procedures };
}
