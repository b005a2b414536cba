import type { Actor } from '../../http/policy.ts';
import { scopeOf } from '../../http/policy.ts';
import type { Clock } from '../../clock.ts';
import { AuditRepository, type AuditQuery, type Db } from './audit.repository.ts';

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string | null;
  universityId: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Append-only record of every write: who, when, what, before and after. Services call
 * `record` inside the same transaction as the write, so a change and its audit entry
 * commit or fail together.
 */
export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly repo = new AuditRepository(),
  ) {}

  record(trx: Db, actor: Actor, r: AuditRecord): Promise<void> {
    return this.repo.append(trx, {
      at: this.clock.nowIso(),
      actorId: actor.id,
      actorName: actor.username,
      actorRole: actor.role,
      universityId: r.universityId,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      before: r.before ?? null,
      after: r.after ?? null,
      ip: actor.ip ?? null,
      requestId: actor.requestId ?? null,
    });
  }

  /** An entry for something that wrote nothing else (an export, a view of personal data). */
  recordAlone(actor: Actor, r: AuditRecord): Promise<void> {
    return this.record(this.db, actor, r);
  }

  list(actor: Actor, q: Omit<AuditQuery, 'universityId'>) {
    return this.repo.list(this.db, { ...q, universityId: scopeOf(actor) });
  }
}
