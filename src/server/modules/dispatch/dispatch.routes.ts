import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Dispatch, GUARD_STEPS, NearestGuard, SopInput, SopStep, UploadedPhoto } from '../../../shared/alarms.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { notFound } from '../../http/errors.ts';
import { errorResponses, IdParams, StringEnum } from '../../http/schemas.ts';
import type { AlarmsService } from '../alarms/index.ts';
import { acceptPhotoBodies, KeyParams, PhotoParams, type ProceduresService } from '../procedures/index.ts';
import type { DispatchService } from './dispatch.service.ts';

export interface DispatchRouteDeps {
  dispatches: DispatchService;
  alarms: AlarmsService;
  procedures: ProceduresService;
}

/** Sending guards to an alarm, and the guard's own phone page: dispatches, steps, the procedure, photos, position. */
export function dispatchRoutes(fastify: FastifyInstance, deps: DispatchRouteDeps) {
  const { dispatches, alarms, procedures } = deps;

  /** The guard's own dispatch, or 404: guards see only alarms they were sent to. */
  const ownDispatch = async (params: { id: string }, guardId: string) => {
    const mine = await dispatches.mine({ id: guardId } as Parameters<DispatchService['mine']>[0]);
    const d = mine.find((x) => x.id === params.id);
    if (!d) throw notFound('dispatch');
    return d;
  };

  fastify.register(async (scope) => {
    acceptPhotoBodies(scope);
    scope.post(
      '/api/my/dispatches/:id/photos',
      { config: { auth: { permission: 'dispatch.self' } }, schema: { tags: ['guard'], summary: 'A dispatched guard attaches a photo from the scene', params: IdParams, response: { 201: UploadedPhoto, ...errorResponses } } },
      async (req, reply) => {
        const d = await ownDispatch(req.params as { id: string }, actorOf(req).id);
        return reply.status(201).send(await procedures.addPhoto(actorOf(req), d.alarmId, String(req.headers['content-type'] ?? '').split(';')[0]!, req.body as Buffer));
      },
    );
  });

  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/my/dispatches/:id/photos/:photoId',
    { config: { auth: { permission: 'dispatch.self' } }, schema: { tags: ['guard'], summary: 'A photo of the alarm I was sent to', params: PhotoParams } },
    async (req, reply) => {
      const d = await ownDispatch(req.params, actorOf(req).id);
      const p = await procedures.photo(d.alarmId, req.params.photoId);
      return reply.header('content-type', p.contentType).header('cache-control', 'private, max-age=86400').send(p.bytes);
    },
  );


  app.post(
    '/api/alarms/:id/dispatches',
    {
      config: { auth: { permission: 'alarm.handle' } },
      schema: {
        tags: ['alarms'],
        summary: 'Send guards: the given ones, or the nearest on duty',
        params: IdParams,
        body: Type.Object(
          { guardIds: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 10 })), count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Array(Dispatch), 409: Type.Ref('ErrorResponse'), ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await dispatches.dispatch(actorOf(req), req.params.id, req.body)),
  );


  app.get(
    '/api/alarms/:id/nearest-guards',
    {
      config: { auth: { permission: 'alarm.read' } },
      schema: {
        tags: ['alarms'],
        summary: 'On-duty guards nearest to the alarm (fresh position, not busy)',
        params: IdParams,
        response: { 200: Type.Array(NearestGuard), ...errorResponses },
      },
    },
    async (req) => {
      const a = await alarms.get(actorOf(req), req.params.id);
      return dispatches.nearestGuards(a.universityId, a.lon, a.lat, 10);
    },
  );


  app.get(
    '/api/my/dispatches',
    {
      config: { auth: { permission: 'dispatch.self' } },
      schema: { tags: ['guard'], summary: 'My dispatches, newest first (guard phone page)', response: { 200: Type.Array(Type.Unknown()), ...errorResponses } },
    },
    async (req) => dispatches.mine(actorOf(req)),
  );


  app.post(
    '/api/my/dispatches/:id/steps',
    {
      config: { auth: { permission: 'dispatch.self' } },
      schema: {
        tags: ['guard'],
        summary: 'accept, decline, arrive (alarm → on scene), finish (alarm → resolved; a note is required)',
        params: IdParams,
        body: Type.Object({ step: StringEnum(GUARD_STEPS), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 200: Dispatch, 409: Type.Ref('ErrorResponse'), ...errorResponses },
      },
    },
    async (req) => dispatches.guardStep(actorOf(req), req.params.id, req.body.step, req.body.note),
  );


  app.get(
    '/api/my/dispatches/:id/sop',
    { config: { auth: { permission: 'dispatch.self' } }, schema: { tags: ['guard'], summary: 'The procedure of my dispatched alarm', params: IdParams, response: { 200: Type.Array(SopStep), ...errorResponses } } },
    async (req) => procedures.steps((await ownDispatch(req.params, actorOf(req).id)).alarmId),
  );


  app.post(
    '/api/my/dispatches/:id/sop/:key',
    {
      config: { auth: { permission: 'dispatch.self' } },
      schema: { tags: ['guard'], summary: 'Tick a step of my dispatched alarm’s procedure (e.g. the on-site photo)', params: KeyParams, body: SopInput, response: { 200: Type.Array(SopStep), ...errorResponses } },
    },
    async (req) => procedures.complete(actorOf(req), (await ownDispatch(req.params, actorOf(req).id)).alarmId, req.params.key, req.body),
  );


  app.post(
    '/api/my/position',
    {
      config: { auth: { permission: 'dispatch.self' } },
      schema: {
        tags: ['guard'],
        summary: 'Report my position (phone geolocation), used to pick the nearest guard',
        body: Type.Object(
          { lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }), accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await dispatches.reportPosition(actorOf(req), req.body);
      return reply.status(204).send(null);
    },
  );
}
