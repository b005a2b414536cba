import { Type, type Static } from 'typebox';
import { Nullable } from './schema.ts';

/** One line of the audit log (审计日志) as the API shows it (GET /api/audit). */
export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  actorRole: Nullable(Type.String()),
  universityId: Nullable(Type.String()),
  action: Type.String({ description: 'create, update, delete, login, login_failed, …' }),
  entityType: Type.String(),
  entityId: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  ip: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
});
export type AuditEntry = Static<typeof AuditEntry>;
