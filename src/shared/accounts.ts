/** Accounts and login as the API shows them (accounts.routes.ts). */
import { Type, type Static } from 'typebox';
import { ROLES } from './domain.ts';
import { PERMISSIONS } from './permissions.ts';
import { Nullable, RefTo, StringEnum } from './schema.ts';

/** A user account as the API shows it (never its password hash). */
export const User = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: StringEnum(ROLES, { description: 'Role' }),
    universityId: Nullable(Type.String()),
    disabled: Type.Boolean(),
    phone: Nullable(Type.String()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    lastLoginAt: Nullable(Type.String()),
  },
  { $id: 'User' },
);
export type User = Static<typeof User>;

/** The logged-in user and what they may do (GET /api/auth/me); the UI shows only what is allowed. */
export const Session = Type.Object({ user: RefTo(User), permissions: Type.Array(StringEnum(PERMISSIONS)) });
export type Session = Static<typeof Session>;

/** Told to a user at login: what happened to the account since the last successful login. */
export const LoginNotice = Type.Object(
  { failedAttempts: Type.Integer(), lastFailedAt: Nullable(Type.String()), lastFailedIp: Nullable(Type.String()) },
  { description: 'Failed logins to this account since its last successful login (show them to the user)' },
);
export type LoginNotice = Static<typeof LoginNotice>;

/** Answer of POST /api/auth/login. */
export const LoginAnswer = Type.Object({ ...Session.properties, expiresAt: Type.String(), notice: Nullable(LoginNotice) });
export type LoginAnswer = Static<typeof LoginAnswer>;
