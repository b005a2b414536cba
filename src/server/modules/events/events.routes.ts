import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DeviceEvent, EVENT_KIND_LIST, EventPage } from '../../../shared/events.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, StringEnum } from '../../http/schemas.ts';
import type { EventsService } from './events.service.ts';

export function eventsRoutes(fastify: FastifyInstance, events: EventsService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(DeviceEvent);
  app.get(
    '/api/events',
    {
      config: { auth: { permission: 'event.read' } },
      preValidation: async (req) => {
        const q = req.query as Record<string, unknown>;
        if (typeof q.kind === 'string') q.kind = q.kind.split(',');
      },
      schema: {
        tags: ['events'],
        summary: 'Stored device events, newest first; page with beforeId',
        querystring: Type.Object(
          {
            deviceId: Type.Optional(Type.String()),
            kind: Type.Optional(Type.Array(StringEnum(EVENT_KIND_LIST), { description: 'Kinds; repeat or separate with commas' })),
            subject: Type.Optional(Type.String({ maxLength: 64, description: 'Person id or plate text' })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            beforeId: Type.Optional(Type.String()),
            universityId: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: EventPage, ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const iso = (s?: string) => (s ? new Date(s).toISOString() : undefined);
      return events.list(actorOf(req), { ...q, kinds: q.kind, from: iso(q.from), to: iso(q.to), limit: q.limit ?? 100 });
    },
  );
}
