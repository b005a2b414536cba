import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { DutyStats, DutyStatsQuery } from '../../../shared/duty-stats.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { DutyStatsService } from './duty-stats.service.ts';

export function dutyStatsRoutes(fastify: FastifyInstance, stats: DutyStatsService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/duty-stats',
    {
      config: { auth: { permission: 'duty.read' } },
      schema: { tags: ['duty'], summary: '值班统计: a month’s shift coverage, certification rate, patrol completion, alarm response per shift and operator, training hours', querystring: DutyStatsQuery, response: { 200: DutyStats, ...errorResponses } },
    },
    async (req) => stats.stats(actorOf(req), req.query),
  );
}
