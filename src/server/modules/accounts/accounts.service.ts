import { uuid4 } from '../../util/uuid7.ts';
import { type ModuleDb, type Work, ownTables } from '../../store/tables.ts';
import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { LoginNotice } from '../../../shared/accounts.ts';
import type { Role } from '../../../shared/domain.ts';
import { CITY_WIDE_ROLES } from '../../../shared/domain.ts';
import { DIRECTOR_GRANTABLE_ROLES } from '../../../shared/permissions.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import { AppError, conflict, forbidden, invalidField, notFound } from '../../http/errors.ts';
import { type Actor, assertInScope, listScope, scopeOf } from '../../http/policy.ts';
import type { AuditService } from '../audit/index.ts';
import { AccountsRepository, withoutHash, type User, type UserQuery, type UserWithHash } from './accounts.repository.ts';

/** argon2id at OWASP's minimum cost; every password hash in the platform uses these. */
export const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  universityId?: string | null;
  phone?: string | null;
}

export interface UserPatch {
  displayName?: string;
  password?: string;
  role?: Role;
  universityId?: string | null;
  disabled?: boolean;
  phone?: string | null;
}

export interface AccountsDeps {
  db: ModuleDb<'accounts'>;
  repo: AccountsRepository;
  audit: AuditService;
  clock: Clock;
  sessionTtlHours: number;
  /** True when the id names a university (the org module answers). */
  isUniversity(id: string): Promise<boolean>;
  bus?: Bus;
}

/** Failed logins in a row after which an account is locked, and for how long. */
export const LOGIN_LOCK_AFTER = 10;
export const LOGIN_LOCK_MS = 15 * 60_000;

const locked = (until: string) =>
  new AppError('XIAOAN_AUTH_RATE_LIMITED', `too many failed logins: the account is locked until ${until}`, [{ field: 'username', reason: `locked until ${until} after ${LOGIN_LOCK_AFTER} failed logins`, rule: 'lockout' }]);

/** A person as other modules see them: no password hash, no login data. */
export interface Person {
  id: string;
  displayName: string;
  username: string;
  role: Role;
  universityId: string | null;
  disabled: boolean;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class AccountsService {
  /** Verifying against this when the user does not exist keeps the timing the same. */
  private dummyHash: Promise<string>;

  constructor(private readonly d: AccountsDeps) {
    this.dummyHash = argon2.hash(randomBytes(16).toString('hex'), HASH_OPTIONS);
  }

  async login(username: string, password: string, ip: string | null): Promise<{ token: string; user: User; expiresAt: string; notice: LoginNotice | null }> {
    const user = await this.d.repo.findByUsername(this.d.db, username);
    const nowMs = this.d.clock.now();
    const lockedUntil = user ? user.logins.lockedUntil : this.unknownLockedUntil(username, nowMs);
    if (lockedUntil && Date.parse(lockedUntil) > nowMs) throw locked(lockedUntil);
    const ok = await argon2.verify(user?.passwordHash ?? (await this.dummyHash), password).catch(() => false);
    const actorFor = (u: UserWithHash): Actor => ({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, universityId: u.universityId, ip: ip ?? undefined });
    if (!user || !ok || user.disabled) {
      const lockUntil = new Date(nowMs + LOGIN_LOCK_MS).toISOString();
      if (user) {
        // Counted per account, from whatever address: rotating addresses does not buy more guesses.
        const failed = await this.d.repo.recordFailedLogin(this.d.db, user.id, new Date(nowMs).toISOString(), ip, LOGIN_LOCK_AFTER, lockUntil);
        await this.d.audit.record(this.d.db, actorFor(user), { action: 'login_failed', entityType: 'user', entityId: user.id, universityId: user.universityId, after: { reason: user.disabled ? 'disabled' : 'password', failedInARow: failed } });
        if (failed % LOGIN_LOCK_AFTER === 0) {
          await this.d.audit.record(this.d.db, actorFor(user), { action: 'account_locked', entityType: 'user', entityId: user.id, universityId: user.universityId, after: { until: lockUntil, failedInARow: failed } });
          throw locked(lockUntil);
        }
      } else if (this.unknownFailed(username, nowMs) % LOGIN_LOCK_AFTER === 0) {
        throw locked(lockUntil); // the same answer as for a real account, so locking tells no one which names exist
      }
      throw new AppError('XIAOAN_AUTH_INVALID_CREDENTIALS', 'wrong username or password, or the account is disabled');
    }
    const notice: LoginNotice | null = user.logins.failed > 0 ? { failedAttempts: user.logins.failed, lastFailedAt: user.logins.lastFailedAt, lastFailedIp: user.logins.lastFailedIp } : null;
    const token = randomBytes(32).toString('base64url');
    const now = this.d.clock.now();
    const createdAt = new Date(now).toISOString();
    const expiresAt = new Date(now + this.d.sessionTtlHours * 3600_000).toISOString();
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.repo.insertSession(trx, { tokenHash: hashToken(token), userId: user.id, createdAt, expiresAt, ip });
      await this.d.repo.setLastLogin(trx, user.id, createdAt);
      if (user.logins.failed > 0 || user.logins.lockedUntil) await this.d.repo.clearFailedLogins(trx, user.id);
      await this.d.audit.record(trx, actorFor(user), { action: 'login', entityType: 'user', entityId: user.id, universityId: user.universityId });
    });
    const { logins: _logins, ...account } = user;
    return { token, user: withoutHash({ ...account, lastLoginAt: createdAt }), expiresAt, notice };
  }

  /** Failed logins under names that have no account, per 15 minutes, in bounded memory. */
  private readonly unknownNames = new Map<string, { since: number; failed: number }>();

  private unknownFailed(username: string, nowMs: number): number {
    const key = username.toLowerCase();
    let entry = this.unknownNames.get(key);
    if (!entry || nowMs - entry.since > LOGIN_LOCK_MS) {
      if (this.unknownNames.size >= 10_000) this.unknownNames.clear();
      entry = { since: nowMs, failed: 0 };
      this.unknownNames.set(key, entry);
    }
    return ++entry.failed;
  }

  private unknownLockedUntil(username: string, nowMs: number): string | null {
    const entry = this.unknownNames.get(username.toLowerCase());
    return entry && entry.failed >= LOGIN_LOCK_AFTER && nowMs - entry.since <= LOGIN_LOCK_MS ? new Date(entry.since + LOGIN_LOCK_MS).toISOString() : null;
  }

  /** Resolves a session cookie to the acting user; extends the session when half its life is used. */
  async authenticate(token: string): Promise<Actor | null> {
    const hash = hashToken(token);
    const found = await this.d.repo.findSessionUser(this.d.db, hash);
    const now = this.d.clock.now();
    if (!found || Date.parse(found.expiresAt) <= now) return null;
    const { user } = found;
    if (user.disabled) return null;
    const ttl = this.d.sessionTtlHours * 3600_000;
    if (Date.parse(found.expiresAt) - now < ttl / 2) {
      await this.d.repo.extendSession(this.d.db, hash, new Date(now + ttl).toISOString());
    }
    return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, universityId: user.universityId };
  }

  /** How records name people: 显示名（username）, by user id (case files, reports). */
  async labelsOf(ids: string[]): Promise<Map<string, string>> {
    const rows = await this.d.repo.namesByIds(this.d.db, [...new Set(ids)]);
    return new Map(rows.map((u) => [u.id, `${u.display_name}（${u.username}）`]));
  }

  /** Who the ids are (other modules ask here, never the users table): ids not found are absent. */
  async people(ids: string[]): Promise<Person[]> {
    const rows = await this.d.repo.peopleByIds(this.d.db, [...new Set(ids)]);
    return rows.map((r) => ({ id: r.id, displayName: r.display_name, username: r.username, role: r.role as Role, universityId: r.university_id, disabled: r.disabled === 1 }));
  }

  /**
   * Writes accounts with their password hashes in the caller's transaction `work`, skipping
   * usernames that are taken (returned); no audit entry of their own (the demo seed audits once).
   */
  async loadBulk(work: Work, users: UserWithHash[]): Promise<string[]> {
    const db = ownTables<'accounts'>(work);
    const skipped: string[] = [];
    for (const u of users) {
      if (await this.d.repo.findByUsername(db, u.username)) skipped.push(u.username);
      else await this.d.repo.insert(db, u);
    }
    return skipped;
  }

  /** The guard a patrol device names, by id or username. */
  async findGuard(idOrUsername: string): Promise<{ id: string; universityId: string | null } | undefined> {
    const r = await this.d.repo.findGuard(this.d.db, idOrUsername);
    return r && { id: r.id, universityId: r.university_id };
  }

  /** Usernames of a university's enabled guards, in order (the demo simulator patrols with them). */
  activeGuardUsernames(universityId: string): Promise<string[]> {
    return this.d.repo.activeGuardUsernames(this.d.db, universityId);
  }

  /** Accounts that belong to the university (the org module asks, in its transaction `work`, before removing one). */
  countOfUniversity(work: Work, universityId: string): Promise<number> {
    return this.d.repo.countOfUniversity(ownTables<'accounts'>(work), universityId);
  }

  async logout(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    const found = await this.d.repo.findSessionUser(this.d.db, tokenHash);
    await this.d.repo.deleteSession(this.d.db, tokenHash);
    if (found) this.d.bus?.publish('accounts.sessions_ended', { userId: found.user.id, tokenHash, reason: 'logout' });
  }

  async purgeExpiredSessions(): Promise<void> {
    await this.d.repo.deleteExpiredSessions(this.d.db, this.d.clock.nowIso());
  }

  async list(actor: Actor, q: Omit<UserQuery, 'universityId'> & { universityId?: string }) {
    const universityId = listScope(actor, q.universityId);
    return this.d.repo.list(this.d.db, { ...q, universityId });
  }

  async get(actor: Actor, id: string): Promise<User> {
    const u = assertInScope(actor, await this.d.repo.findById(this.d.db, id), (x) => x.universityId, 'user');
    return withoutHash(u);
  }

  /** Roles are granted within limits: a director manages their own university's staff only. */
  private async checkGrant(actor: Actor, role: Role, universityId: string | null) {
    const cityWide = CITY_WIDE_ROLES.includes(role);
    if (cityWide && universityId) throw invalidField('universityId', `must be empty for role ${role}`);
    if (!cityWide && !universityId) throw invalidField('universityId', `is required for role ${role}`);
    if (universityId && !(await this.d.isUniversity(universityId))) throw invalidField('universityId', 'no such university');
    if (actor.role === 'admin') return;
    if (!DIRECTOR_GRANTABLE_ROLES.includes(role)) throw forbidden(`your role may not grant ${role}`);
    if (universityId !== actor.universityId) throw invalidField('universityId', 'no such university');
  }

  async create(actor: Actor, input: NewUser): Promise<User> {
    const universityId = input.universityId ?? (CITY_WIDE_ROLES.includes(input.role) ? null : scopeOf(actor));
    await this.checkGrant(actor, input.role, universityId);
    if (await this.d.repo.findByUsername(this.d.db, input.username)) {
      throw conflict('username already taken', [{ field: 'username', reason: 'is already taken', rule: 'unique' }]);
    }
    const now = this.d.clock.nowIso();
    const user: UserWithHash = {
      id: uuid4(),
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      universityId,
      disabled: false,
      phone: input.phone ?? null,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
      passwordHash: await argon2.hash(input.password, HASH_OPTIONS),
    };
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.repo.insert(trx, user);
      await this.d.audit.record(trx, actor, { action: 'create', entityType: 'user', entityId: user.id, universityId, after: withoutHash(user) });
    });
    return withoutHash(user);
  }

  async update(actor: Actor, id: string, patch: UserPatch): Promise<User> {
    const before = assertInScope(actor, await this.d.repo.findById(this.d.db, id), (x) => x.universityId, 'user');
    if (actor.role !== 'admin' && !DIRECTOR_GRANTABLE_ROLES.includes(before.role)) throw forbidden('you may not change this account');
    const role = patch.role ?? before.role;
    const universityId = patch.universityId !== undefined ? patch.universityId : before.universityId;
    if (patch.role !== undefined || patch.universityId !== undefined) await this.checkGrant(actor, role, universityId);
    if (before.id === actor.id && (patch.disabled || (patch.role && patch.role !== before.role))) {
      throw invalidField(patch.disabled ? 'disabled' : 'role', 'you cannot disable or demote your own account');
    }
    const after: UserWithHash = {
      ...before,
      displayName: patch.displayName ?? before.displayName,
      role,
      universityId,
      disabled: patch.disabled ?? before.disabled,
      phone: patch.phone !== undefined ? patch.phone : before.phone,
      updatedAt: this.d.clock.nowIso(),
      passwordHash: patch.password ? await argon2.hash(patch.password, HASH_OPTIONS) : before.passwordHash,
    };
    // A password change, a new role or university, or disabling ends the user's sessions.
    const endsSessions = patch.password || patch.disabled || after.role !== before.role || after.universityId !== before.universityId;
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.repo.update(trx, after);
      if (endsSessions) await this.d.repo.deleteSessionsOf(trx, id);
      // A password set by an administrator also lifts a lockout.
      if (patch.password) await this.d.repo.clearFailedLogins(trx, id);
      await this.d.audit.record(trx, actor, {
        action: 'update',
        entityType: 'user',
        entityId: id,
        universityId: after.universityId,
        before: withoutHash(before),
        after: { ...withoutHash(after), ...(patch.password ? { password: '(changed)' } : {}) },
      });
    });
    if (endsSessions) this.d.bus?.publish('accounts.sessions_ended', { userId: id, reason: patch.disabled ? 'disabled' : patch.password ? 'password_changed' : 'access_changed' }, { actorId: actor.id });
    return withoutHash(after);
  }

  async changeOwnPassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.d.repo.findById(this.d.db, actor.id);
    if (!user) throw notFound('user');
    if (!(await argon2.verify(user.passwordHash, currentPassword))) throw invalidField('currentPassword', 'is wrong');
    await this.d.db.transaction().execute(async (trx) => {
      await this.d.repo.update(trx, { ...user, passwordHash: await argon2.hash(newPassword, HASH_OPTIONS), updatedAt: this.d.clock.nowIso() });
      await this.d.repo.deleteSessionsOf(trx, user.id);
      await this.d.audit.record(trx, actor, { action: 'password_changed', entityType: 'user', entityId: user.id, universityId: user.universityId });
    });
    this.d.bus?.publish('accounts.sessions_ended', { userId: user.id, reason: 'password_changed' }, { actorId: actor.id });
  }

  /**
   * First start: create `admin` with XIAOAN_ADMIN_PASSWORD, or a generated password that the
   * caller prints once. Returns the generated password, or null when nothing was generated.
   */
  async ensureInitialAdmin(configuredPassword: string | undefined, system: Actor): Promise<{ created: boolean; generatedPassword: string | null }> {
    if ((await this.d.repo.count(this.d.db)) > 0) return { created: false, generatedPassword: null };
    const generated = configuredPassword ? null : randomBytes(12).toString('base64url');
    await this.create(system, { username: 'admin', displayName: '系统管理员', password: configuredPassword ?? generated!, role: 'admin', universityId: null });
    return { created: true, generatedPassword: generated };
  }
}
