import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Permission } from '../../shared/permissions.ts';
import { AppError } from './errors.ts';
import { requirePermission, type Actor } from './policy.ts';

export const SESSION_COOKIE = 'xiaoan_session';

/** What every route must declare: a permission, `authenticated` (any logged-in user) or `public`. */
export type RouteAccess = { permission: Permission } | { access: 'authenticated' } | { access: 'public' };

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** Returns the request's actor or throws 401; for use in handlers of non-public routes. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('XIAOAN_AUTH_REQUIRED', 'log in first');
  return req.actor;
}

/**
 * Authentication and the role check run before body parsing and validation, so an anonymous
 * caller learns nothing about the body format. A route without an access declaration fails at
 * start-up: no route can be forgotten by the policy layer.
 */
export function registerAuth(app: FastifyInstance, authenticate: (token: string) => Promise<Actor | null>) {
  app.decorateRequest('actor', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs') || route.method === 'HEAD') return;
    if (!route.config?.auth) throw new Error(`route ${String(route.method)} ${route.url} declares no auth (permission, authenticated or public)`);
  });

  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.auth;
    if (!access || ('access' in access && access.access === 'public')) return;
    const token = req.cookies?.[SESSION_COOKIE];
    const actor = token ? await authenticate(token) : null;
    if (!actor) throw new AppError('XIAOAN_AUTH_REQUIRED', 'log in first');
    req.actor = { ...actor, ip: req.ip, requestId: req.id };
    if ('permission' in access) requirePermission(req.actor, access.permission);
  });
}
