import { readJson, writeJson } from '../../store/database.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { AuditEntry } from '../../../shared/audit.ts';

type Db = ModuleDb<'audit'>;

export type { Db };

export type { AuditEntry };

export interface AuditQuery {
  universityId: string | null; // null = all (admin)
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

export class AuditRepository {
  async append(db: Db, e: Omit<AuditEntry, 'id'>): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        at: e.at,
        actor_id: e.actorId,
        actor_name: e.actorName,
        actor_role: e.actorRole,
        university_id: e.universityId,
        action: e.action,
        entity_type: e.entityType,
        entity_id: e.entityId,
        before: e.before === undefined || e.before === null ? null : writeJson(e.before),
        after: e.after === undefined || e.after === null ? null : writeJson(e.after),
        ip: e.ip,
        request_id: e.requestId,
      })
      .execute();
  }

  async list(db: Db, q: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    let query = db.selectFrom('audit_log');
    if (q.universityId !== null) query = query.where('university_id', '=', q.universityId);
    if (q.entityType) query = query.where('entity_type', '=', q.entityType);
    if (q.entityId) query = query.where('entity_id', '=', q.entityId);
    if (q.actorId) query = query.where('actor_id', '=', q.actorId);
    if (q.action) query = query.where('action', '=', q.action);
    if (q.from) query = query.where('at', '>=', q.from);
    if (q.to) query = query.where('at', '<', q.to);
    const [{ total }] = await query.select((eb) => eb.fn.countAll<number>().as('total')).execute();
    const rows = await query
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    return {
      total: Number(total),
      items: rows.map((r) => ({
        id: Number(r.id),
        at: r.at,
        actorId: r.actor_id,
        actorName: r.actor_name,
        actorRole: r.actor_role,
        universityId: r.university_id,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        before: r.before === null ? null : readJson(r.before),
        after: r.after === null ? null : readJson(r.after),
        ip: r.ip,
        requestId: r.request_id,
      })),
    };
  }
}
