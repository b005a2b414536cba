import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AlarmStats } from '../../../shared/alarm-stats.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, RefTo } from '../../http/schemas.ts';
import { DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS, type AlarmStatsService } from './alarm-stats.service.ts';

export function alarmStatsRoutes(fastify: FastifyInstance, stats: AlarmStatsService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(AlarmStats);

  app.get(
    '/api/alarm-stats',
    {
      config: { auth: { permission: 'alarm.read' } },
      schema: {
        tags: ['alarms'],
        summary: 'Alarm statistics: counts by type, area, hour and day; false-alarm rate per device; time to acknowledge, dispatch, arrive, close (p50/p90) per shift',
        description:
          `Alarms created in [from, to) (default: the last ${DEFAULT_RANGE_DAYS} days; at most ${MAX_RANGE_DAYS} days). Hours, days and shifts in Beijing time ` +
          `(早班 08–16, 中班 16–24, 夜班 00–08, by creation time). Durations in seconds from creation to the first time each step happened; ` +
          'percentiles by nearest rank. See docs/admin-guide.md for the definitions.',
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time', description: 'Start (inclusive), ISO 8601 with offset' })),
            to: Type.Optional(Type.String({ format: 'date-time', description: 'End (exclusive), ISO 8601 with offset' })),
            campusId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            universityId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'City-wide roles: one university' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: RefTo(AlarmStats), ...errorResponses },
      },
    },
    async (req) => stats.stats(actorOf(req), req.query),
  );
}
