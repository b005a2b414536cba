import type { FastifyInstance } from 'fastify';

/**
 * What the console may load: only its own server (the platform runs offline, nothing comes from
 * elsewhere). Ant Design writes its styles at run time (inline), MapLibre runs its workers from
 * blob URLs and draws tiles from blob/data URLs, the live feed is a WebSocket to the same host.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  // Live video plays from a MediaSource object URL (MSE), recordings from the platform itself.
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Headers every answer carries (issue 17, item 10): no MIME sniffing (an uploaded file is never
 * run as a page), no framing (clickjacking), no referrer leaving the campus network, a content
 * security policy for the console's pages, and API answers kept out of caches.
 */
export function registerSecurityHeaders(app: FastifyInstance) {
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    const type = String(reply.getHeader('content-type') ?? '');
    // The API documentation page (/docs) brings its own inline scripts: it keeps the default.
    if (type.startsWith('text/html') && !req.url.startsWith('/docs')) reply.header('content-security-policy', CONSOLE_CSP);
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
