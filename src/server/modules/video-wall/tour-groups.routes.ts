import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { TourGroup, TourGroupInput } from '../../../shared/video-wall.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, RefTo } from '../../http/schemas.ts';
import type { TourGroupsService } from './tour-groups.service.ts';

export function tourGroupsRoutes(fastify: FastifyInstance, groups: TourGroupsService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(TourGroup);
  const GroupRef = RefTo(TourGroup);
  const tags = ['video wall'];

  app.get(
    '/api/tour-groups',
    { config: { auth: { permission: 'video.view' } }, schema: { tags, summary: "The university's tour groups (轮巡组) for the video wall, by name", response: { 200: Type.Array(GroupRef), ...errorResponses } } },
    async (req) => groups.list(actorOf(req)),
  );
  app.post(
    '/api/tour-groups',
    {
      config: { auth: { permission: 'video.control' } },
      schema: { tags, summary: 'Save a tour group: its cameras (of this university), the wall layout and the seconds per page; audited', body: TourGroupInput, response: { 201: GroupRef, ...errorResponses } },
    },
    async (req, reply) => reply.status(201).send(await groups.create(actorOf(req), req.body)),
  );
  app.put(
    '/api/tour-groups/:id',
    { config: { auth: { permission: 'video.control' } }, schema: { tags, summary: 'Change a tour group; audited', params: IdParams, body: TourGroupInput, response: { 200: GroupRef, ...errorResponses } } },
    async (req) => groups.update(actorOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/tour-groups/:id',
    { config: { auth: { permission: 'video.control' } }, schema: { tags, summary: 'Delete a tour group; audited', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await groups.remove(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
