/** Audit log (审计日志): who changed what, when, before and after; written in the changing transaction. */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { auditRoutes } from './audit.routes.ts';
import { AuditService } from './audit.service.ts';

export { AuditService, type AuditRecord } from './audit.service.ts';

export function createAuditModule(d: { db: Kysely<DB>; clock: Clock }) {
  const audit = new AuditService(ownTables<'audit'>(d.db), d.clock);
  const face: ModuleFace = { name: 'audit', tables: tablesOf('audit'), routes: (app) => auditRoutes(app, audit) };
  return { face, audit };
}
