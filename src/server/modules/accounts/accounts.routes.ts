import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { LoginAnswer, Session, User } from '../../../shared/accounts.ts';
import { ROLES } from '../../../shared/domain.ts';
import { actorOf, SESSION_COOKIE } from '../../http/auth-hook.ts';
import { permissionsOf } from '../../http/policy.ts';
import { errorResponses, IdParams, Nullable, Page, PagingQuery, RefTo, StringEnum } from '../../http/schemas.ts';
import type { AccountsService } from './accounts.service.ts';

const RoleSchema = StringEnum(ROLES, { description: 'Role' });
const Password = Type.String({ minLength: 8, maxLength: 128, description: 'At least 8 characters' });
const Username = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$', description: 'Letters, digits, _ . @ -' });

export interface AccountsRouteOptions {
  accounts: AccountsService;
  cookieSecure: boolean;
  loginMaxAttempts: number;
}

export function accountsRoutes(app: FastifyInstance, opts: AccountsRouteOptions) {
  const { accounts } = opts;
  app.addSchema(User);
  const UserRef = RefTo(User);

  app.post(
    '/api/auth/login',
    {
      config: {
        auth: { access: 'public' },
        // Key on address + username so one attacker cannot lock out everyone, and run after
        // body parsing so the username is known.
        rateLimit: {
          max: opts.loginMaxAttempts,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: string } | undefined)?.username ?? '').toLowerCase()}`,
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Log in; sets the HTTP-only session cookie',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
        response: { 200: LoginAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body as { username: string; password: string };
      const { token, user, expiresAt, notice } = await accounts.login(username, password, req.ip);
      reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: opts.cookieSecure, path: '/', expires: new Date(expiresAt) });
      return { user, permissions: [...permissionsOf(user.role)], expiresAt, notice };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { auth: { access: 'public' } }, schema: { tags: ['auth'], summary: 'Log out (ends the session)', response: { 204: Type.Null() } } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await accounts.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { auth: { access: 'authenticated' } },
      schema: {
        tags: ['auth'],
        summary: 'The logged-in user and what they may do (the UI shows only what is allowed)',
        response: { 200: Session, ...errorResponses },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return { user: await accounts.get(actor, actor.id), permissions: [...permissionsOf(actor.role)] };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { auth: { access: 'authenticated' } },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password (ends all your sessions)',
        body: Type.Object({ currentPassword: Type.String({ minLength: 1 }), newPassword: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { currentPassword, newPassword } = req.body as { currentPassword: string; newPassword: string };
      await accounts.changeOwnPassword(actorOf(req), currentPassword, newPassword);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/users',
    {
      config: { auth: { permission: 'user.read' } },
      schema: {
        tags: ['users'],
        summary: 'List accounts (your university only, unless city-wide)',
        querystring: Type.Object(
          { ...PagingQuery, role: Type.Optional(RoleSchema), q: Type.Optional(Type.String({ maxLength: 100 })), universityId: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        response: { 200: Page(UserRef), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query as { page?: number; pageSize?: number; role?: (typeof ROLES)[number]; q?: string; universityId?: string };
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 50;
      const res = await accounts.list(actorOf(req), { ...q, page, pageSize });
      return { ...res, page, pageSize };
    },
  );

  app.get(
    '/api/users/:id',
    { config: { auth: { permission: 'user.read' } }, schema: { tags: ['users'], summary: 'One account', params: IdParams, response: { 200: UserRef, ...errorResponses } } },
    async (req) => accounts.get(actorOf(req), (req.params as { id: string }).id),
  );

  app.post(
    '/api/users',
    {
      config: { auth: { permission: 'user.write' } },
      schema: {
        tags: ['users'],
        summary: 'Create an account',
        body: Type.Object(
          {
            username: Username,
            displayName: Type.String({ minLength: 1, maxLength: 64 }),
            password: Password,
            role: RoleSchema,
            universityId: Type.Optional(Nullable(Type.String())),
            phone: Type.Optional(Nullable(Type.String({ pattern: '^\\+?[0-9 -]{5,20}$' }))),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserRef, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await accounts.create(actorOf(req), req.body as Parameters<AccountsService['create']>[1])),
  );

  app.patch(
    '/api/users/:id',
    {
      config: { auth: { permission: 'user.write' } },
      schema: {
        tags: ['users'],
        summary: 'Change an account (role, name, password, disable)',
        params: IdParams,
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            password: Type.Optional(Password),
            role: Type.Optional(RoleSchema),
            universityId: Type.Optional(Nullable(Type.String())),
            disabled: Type.Optional(Type.Boolean()),
            phone: Type.Optional(Nullable(Type.String({ pattern: '^\\+?[0-9 -]{5,20}$' }))),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserRef, ...errorResponses },
      },
    },
    async (req) => accounts.update(actorOf(req), (req.params as { id: string }).id, req.body as Parameters<AccountsService['update']>[2]),
  );
}
