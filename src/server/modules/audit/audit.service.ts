import type { Actor } from '../../http/policy.ts';
import { scopeOf } from '../../http/policy.ts';
import type { Clock } from '../../clock.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { AuditRepository, type AuditQuery } from './audit.repository.ts';

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
    private readonly db: ModuleDb<'audit'>,
    private readonly clock: Clock,
    private readonly repo = new AuditRepository(),
  ) {}

  /** Appends an entry in `work`, the writing module's open transaction, so both commit or neither. */
  record(work: Work, actor: Actor, r: AuditRecord): Promise<void> {
    return this.repo.append(ownTables<'audit'>(work), {
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
