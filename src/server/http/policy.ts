import { CITY_WIDE_ROLES, type Role } from '../../shared/domain.ts';
import { ROLE_PERMISSIONS, type Permission } from '../../shared/permissions.ts';
import { forbidden, invalidField, notFound } from './errors.ts';

/**
 * The one policy layer: who may do what (role → permission) and where (university scope).
 * Routes declare a permission; services ask `scopeOf`/`assertInScope` for every object they
 * read or change. Another university's object is reported as missing (404), never as
 * forbidden, so ids do not leak across universities.
 */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  universityId: string | null;
  ip?: string;
  requestId?: string;
}

/** The system itself (migrations, seeding, simulator), used for audit attribution. */
export const SYSTEM_ACTOR: Actor = { id: 'system', username: 'system', displayName: '系统', role: 'admin', universityId: null };

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export function can(actor: Actor, permission: Permission): boolean {
  return ROLE_PERMISSIONS[actor.role].includes(permission);
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw forbidden(`your role (${actor.role}) lacks permission ${permission}`);
}

/** `null` = every university (city-wide roles); otherwise the only university the actor may touch. */
export function scopeOf(actor: Actor): string | null {
  if (CITY_WIDE_ROLES.includes(actor.role)) return null;
  // A university-bound role without a university sees nothing rather than everything.
  return actor.universityId ?? '__none__';
}

/**
 * The university a list is read in: the actor's own; for a city-wide account (commission,
 * admin) the one it names, or every university (null). One rule for every list (issue 11).
 */
export function listScope(actor: Actor, requested?: string | null): string | null {
  return scopeOf(actor) ?? requested ?? null;
}

export function inScope(actor: Actor, universityId: string | null): boolean {
  const scope = scopeOf(actor);
  return scope === null || scope === universityId;
}

/** Throws 404 for objects outside the actor's university. */
export function assertInScope<T>(actor: Actor, object: T | undefined, universityIdOf: (o: T) => string | null, what: string): T {
  if (!object || !inScope(actor, universityIdOf(object))) throw notFound(what);
  return object;
}

/**
 * The university something new is created in: the actor's own (naming another is answered like
 * naming none that exists, so no ids leak), or for a city-wide account the one it names.
 */
export async function writeScope(actor: Actor, requested: string | undefined, isUniversity: (id: string) => Promise<boolean>): Promise<string> {
  const scope = scopeOf(actor);
  if (scope !== null) {
    if (requested && requested !== scope) throw invalidField('universityId', 'no such university');
    return scope;
  }
  if (!requested) throw invalidField('universityId', 'is required for a city-wide account', 'required');
  if (!(await isUniversity(requested))) throw invalidField('universityId', 'no such university');
  return requested;
}
