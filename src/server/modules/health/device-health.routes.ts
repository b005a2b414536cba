import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DeviceHealthMap, OnlineRateSample } from '../../../shared/device-health.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { DeviceHealthService } from './device-health.service.ts';

export function deviceHealthRoutes(fastify: FastifyInstance, health: DeviceHealthService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/device-health',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['device health'],
        summary: 'Online state of every device that has been seen (absent = never seen)',
        response: { 200: DeviceHealthMap, ...errorResponses },
      },
    },
    async (req) => health.status(actorOf(req)),
  );

  app.get(
    '/api/device-health/online-rate',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['device health'],
        summary: 'Online rate per campus and device kind over time (sampled every 5 minutes)',
        querystring: Type.Object(
          {
            from: Type.String({ format: 'date-time' }),
            to: Type.String({ format: 'date-time' }),
            campusId: Type.Optional(Type.String()),
            kind: Type.Optional(Type.String()),
            universityId: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(OnlineRateSample), ...errorResponses },
      },
    },
    async (req) => health.onlineRate(actorOf(req), { ...req.query, from: new Date(req.query.from).toISOString(), to: new Date(req.query.to).toISOString() }),
  );
}
