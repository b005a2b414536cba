import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from './errors.ts';

/**
 * Sends a video file kept under the data directory (a recording segment, an evidence clip) as
 * video/mp4 with byte ranges, ETag and Last-Modified, so a <video> element can seek in it. The
 * path is relative to `root` and comes from the store, never from the request.
 */
export async function sendVideoFile(req: FastifyRequest, reply: FastifyReply, root: string, relativePath: string, what: string) {
  const encoded = '/' + relativePath.split(/[\\/]/).map(encodeURIComponent).join('/');
  const sent = await send(req.raw, encoded, { root, dotfiles: 'deny', index: false, contentType: false, cacheControl: false, etag: true, lastModified: true });
  if (sent.statusCode === 404) throw notFound(`${what} (missing from the disk)`);
  if (sent.type === 'error') throw sent.metadata.error;
  reply.code(sent.statusCode).headers(sent.headers as Record<string, string>);
  if (sent.statusCode === 200 || sent.statusCode === 206) reply.type('video/mp4').header('cache-control', 'private, no-cache');
  return reply.send(sent.stream);
}
