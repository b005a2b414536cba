import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SopInput, SopStep, UploadedPhoto } from '../../../shared/alarms.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams } from '../../http/schemas.ts';
import type { AlarmsService } from '../alarms/index.ts';
import { MAX_PHOTO_BYTES, PHOTO_TYPES, type ProceduresService } from './procedures.service.ts';

export const KeyParams = Type.Object({ id: Type.String(), key: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
export const PhotoParams = Type.Object({ id: Type.String(), photoId: Type.String() }, { additionalProperties: false });

export interface ProcedureRouteDeps {
  alarms: Pick<AlarmsService, 'get'>;
  procedures: ProceduresService;
}

/** Photos arrive as the raw image body (what a phone's camera input gives): register in the scope of the upload routes. */
export function acceptPhotoBodies(scope: FastifyInstance) {
  for (const type of PHOTO_TYPES) scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES }, (_req, body, done) => done(null, body));
}

/** Working an alarm from the command centre: the procedure checklist and photos (the guard's side is in the dispatch module). */
export function procedureRoutes(fastify: FastifyInstance, deps: ProcedureRouteDeps) {
  const { alarms, procedures } = deps;

  // Photos arrive as the raw image body (what a phone's camera input gives), in their own scope.
  fastify.register(async (scope) => {
    acceptPhotoBodies(scope);
    const upload = async (alarmId: string, req: { headers: Record<string, unknown>; body: unknown }, actor: Parameters<ProceduresService['addPhoto']>[0]) =>
      procedures.addPhoto(actor, alarmId, String(req.headers['content-type'] ?? '').split(';')[0], req.body as Buffer);
    const photoSchema = (summary: string) => ({
      tags: ['alarms'],
      summary,
      params: IdParams,
      response: { 201: UploadedPhoto, ...errorResponses },
    });

    scope.post('/api/alarms/:id/photos', { config: { auth: { permission: 'alarm.handle' } }, schema: photoSchema('Attach a photo (image/jpeg, png or webp body, ≤ 5 MB)') }, async (req, reply) => {
      const { id } = req.params as { id: string };
      await alarms.get(actorOf(req), id);
      return reply.status(201).send(await upload(id, req, actorOf(req)));
    });
  });

  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/alarms/:id/photos/:photoId',
    { config: { auth: { permission: 'alarm.read' } }, schema: { tags: ['alarms'], summary: 'A photo of an alarm', params: PhotoParams } },
    async (req, reply) => {
      await alarms.get(actorOf(req), req.params.id);
      const p = await procedures.photo(req.params.id, req.params.photoId);
      return reply.header('content-type', p.contentType).header('cache-control', 'private, max-age=86400').send(p.bytes);
    },
  );

  app.post(
    '/api/alarms/:id/sop/:key',
    {
      config: { auth: { permission: 'alarm.handle' } },
      schema: { tags: ['alarms'], summary: 'Tick a procedure (SOP) step; some need a note or a photo', params: KeyParams, body: SopInput, response: { 200: Type.Array(SopStep), ...errorResponses } },
    },
    async (req) => {
      await alarms.get(actorOf(req), req.params.id);
      return procedures.complete(actorOf(req), req.params.id, req.params.key, req.body);
    },
  );
}
