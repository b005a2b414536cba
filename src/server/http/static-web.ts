import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `scripts/build-web.ts` (Vite) writes the web console. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../dist/web', import.meta.url));

/** Paths that belong to the server, never to the single-page app. */
const SERVER_PATH = /^\/(api|docs)(\/|$)/;
/** Vite puts content-hashed files here: they never change, so browsers may keep them. */
const HASHED_ASSETS = '/assets/';

/**
 * Serves the web console at `/` from dist/web, with a fallback to index.html for the app's
 * own routes (/map, /ledger …). Unknown /api and /docs paths keep the JSON 404.
 *
 * @fastify/static is used only for sending files (`serve: false`): the routes it would add
 * carry no auth declaration, which the auth hook rejects at start-up, so the two routes
 * here declare `public` themselves.
 */
export async function registerStaticWeb(app: FastifyInstance, root: string = WEB_DIST_DIR): Promise<void> {
  const rootDir = path.resolve(root);
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: rootDir, serve: false });

    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      const urlPath = req.url.split('?')[0] ?? '/';
      if (SERVER_PATH.test(urlPath)) return reply.callNotFound();
      if (!existsSync(path.join(rootDir, 'index.html'))) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('校安 web console is not built. Run `npm run build:web` (npm start does it for you).\n');
      }
      let decoded: string;
      try {
        decoded = decodeURIComponent(urlPath);
      } catch {
        return reply.callNotFound();
      }
      const relative = path.posix.normalize(decoded).replace(/^\/+/, '');
      const file = path.resolve(rootDir, relative);
      const inside = file.startsWith(rootDir + path.sep);
      if (inside && !relative.split('/').some((s) => s.startsWith('.')) && isFile(file)) {
        const hashed = urlPath.startsWith(HASHED_ASSETS);
        return reply.sendFile(relative, hashed ? { immutable: true, maxAge: '365d' } : { maxAge: 0 });
      }
      // A missing script or image is a 404, not the app's HTML.
      if (path.posix.extname(relative)) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    };

    const options = { config: { auth: { access: 'public' as const } }, schema: { hide: true } };
    scope.get('/', options, handler);
    scope.get('/*', options, handler);
  });
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
