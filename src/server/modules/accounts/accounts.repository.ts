import type { Selectable } from 'kysely';
import type { ModuleDb } from '../../store/tables.ts';
import type { Role } from '../../../shared/domain.ts';
import type { UserTable } from '../../store/schema.ts';
import { containsInsensitive, type Dialect } from '../../store/database.ts';
import type { User } from '../../../shared/accounts.ts';

type Db = ModuleDb<'accounts'>;

export type { User };

export interface UserWithHash extends User {
  passwordHash: string;
}

function toUser(r: Selectable<UserTable>): UserWithHash {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role as Role,
    universityId: r.university_id,
    disabled: r.disabled === 1,
    phone: r.phone,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastLoginAt: r.last_login_at,
    passwordHash: r.password_hash,
  };
}

export function withoutHash(u: UserWithHash): User {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
}

export interface UserQuery {
  universityId: string | null;
  role?: Role;
  q?: string;
  page: number;
  pageSize: number;
}

export class AccountsRepository {
  constructor(private readonly dialect: Dialect) {}

  async namesByIds(db: Db, ids: string[]) {
    return ids.length ? db.selectFrom('users').select(['id', 'display_name', 'username']).where('id', 'in', ids).execute() : [];
  }

  /** Who the ids are, for other modules (dispatch, case files): no hashes, no login data. */
  async peopleByIds(db: Db, ids: string[]) {
    return ids.length ? db.selectFrom('users').select(['id', 'display_name', 'username', 'role', 'university_id', 'disabled']).where('id', 'in', ids).execute() : [];
  }

  /** A guard named by id or username (patrol devices report either). */
  async findGuard(db: Db, idOrUsername: string) {
    return db
      .selectFrom('users')
      .select(['id', 'university_id'])
      .where((eb) => eb.or([eb('id', '=', idOrUsername), eb('username', '=', idOrUsername)]))
      .where('role', '=', 'guard')
      .executeTakeFirst();
  }

  async activeGuardUsernames(db: Db, universityId: string): Promise<string[]> {
    const rows = await db.selectFrom('users').select('username').where('university_id', '=', universityId).where('role', '=', 'guard').where('disabled', '=', 0).orderBy('username').execute();
    return rows.map((r) => r.username);
  }

  async countOfUniversity(db: Db, universityId: string): Promise<number> {
    const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('university_id', '=', universityId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async findById(db: Db, id: string) {
    const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUser(r);
  }

  async findByUsername(db: Db, username: string) {
    const r = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return r && { ...toUser(r), logins: { failed: r.failed_logins, lastFailedAt: r.last_failed_login_at, lastFailedIp: r.last_failed_login_ip, lockedUntil: r.locked_until } };
  }

  /** One more failed login; returns how many in a row. `lockUntil` locks the account. */
  async recordFailedLogin(db: Db, id: string, at: string, ip: string | null, lockAfter: number, lockUntil: string): Promise<number> {
    const r = await db
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), last_failed_login_at: at, last_failed_login_ip: ip }))
      .where('id', '=', id)
      .returning('failed_logins')
      .executeTakeFirstOrThrow();
    if (r.failed_logins % lockAfter === 0) await db.updateTable('users').set({ locked_until: lockUntil }).where('id', '=', id).execute();
    return r.failed_logins;
  }

  async clearFailedLogins(db: Db, id: string) {
    await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
  }

  async count(db: Db): Promise<number> {
    const { n } = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  }

  async list(db: Db, q: UserQuery): Promise<{ items: User[]; total: number }> {
    let query = db.selectFrom('users');
    if (q.universityId !== null) query = query.where('university_id', '=', q.universityId);
    if (q.role) query = query.where('role', '=', q.role);
    if (q.q) {
      const needle = q.q;
      query = query.where((eb) =>
        eb.or([containsInsensitive(this.dialect, eb.ref('username'), needle), containsInsensitive(this.dialect, eb.ref('display_name'), needle)]),
      );
    }
    const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('username').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute();
    return { total: Number(total), items: rows.map((r) => withoutHash(toUser(r))) };
  }

  async insert(db: Db, u: UserWithHash): Promise<void> {
    await db
      .insertInto('users')
      .values({
        id: u.id,
        username: u.username,
        display_name: u.displayName,
        password_hash: u.passwordHash,
        role: u.role,
        university_id: u.universityId,
        disabled: u.disabled ? 1 : 0,
        phone: u.phone,
        created_at: u.createdAt,
        updated_at: u.updatedAt,
        last_login_at: u.lastLoginAt,
      })
      .execute();
  }

  async update(db: Db, u: UserWithHash): Promise<void> {
    await db
      .updateTable('users')
      .set({
        display_name: u.displayName,
        password_hash: u.passwordHash,
        role: u.role,
        university_id: u.universityId,
        disabled: u.disabled ? 1 : 0,
        phone: u.phone,
        updated_at: u.updatedAt,
      })
      .where('id', '=', u.id)
      .execute();
  }

  async setLastLogin(db: Db, id: string, at: string) {
    await db.updateTable('users').set({ last_login_at: at }).where('id', '=', id).execute();
  }

  // Sessions: only the SHA-256 of the token is stored, so a database dump does not log anyone in.
  async insertSession(db: Db, s: { tokenHash: string; userId: string; createdAt: string; expiresAt: string; ip: string | null }) {
    await db
      .insertInto('sessions')
      .values({ token_hash: s.tokenHash, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt, ip: s.ip })
      .execute();
  }

  /** The session and its user in one statement: every authenticated request asks this. */
  async findSessionUser(db: Db, tokenHash: string) {
    const r = await db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select('sessions.expires_at as session_expires_at')
      .where('sessions.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!r) return undefined;
    const { session_expires_at, ...user } = r;
    return { expiresAt: session_expires_at, user: toUser(user) };
  }

  async extendSession(db: Db, tokenHash: string, expiresAt: string) {
    await db.updateTable('sessions').set({ expires_at: expiresAt }).where('token_hash', '=', tokenHash).execute();
  }

  async deleteSession(db: Db, tokenHash: string) {
    await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteSessionsOf(db: Db, userId: string) {
    await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async deleteExpiredSessions(db: Db, now: string) {
    await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }
}
