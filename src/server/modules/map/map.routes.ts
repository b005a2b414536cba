import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MapData } from '../../../shared/map.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { MapService } from './map.service.ts';

export function mapRoutes(fastify: FastifyInstance, map: MapService) {
  fastify.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/map',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['map'],
        summary: 'GeoJSON layers for the campus map: campuses, buildings, areas, key sites, devices',
        querystring: Type.Object({ universityId: Type.Optional(Type.String()), campusId: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: MapData, ...errorResponses },
      },
    },
    async (req) => map.layers(actorOf(req), req.query),
  );
}
