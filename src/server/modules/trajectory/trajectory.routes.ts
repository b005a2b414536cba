import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Candidate, CandidateQuery, GateTraffic, GateTrafficQuery, OnCampus, Trajectory, TrajectoryQuery, UniversityScopeQuery } from '../../../shared/trajectory.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { TrajectoryService } from './trajectory.service.ts';

export function trajectoryRoutes(fastify: FastifyInstance, trajectory: TrajectoryService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['trajectory'];
  const read = { auth: { permission: 'trajectory.read' as const } };

  // POST: the reason travels in the body, not in a URL that proxies and logs keep.
  app.post(
    '/api/trajectory',
    {
      config: read,
      schema: {
        tags,
        summary: '轨迹查询: every sighting of a person (their cards, QR and face as held over time), a card or a plate over a period (default 24 h, at most 31 days), in time order, with each device’s name, building, campus and position; the reason (≥ 4 characters) is audited',
        body: TrajectoryQuery,
        response: { 200: Trajectory, ...errorResponses },
      },
    },
    async (req) => trajectory.trajectory(actorOf(req), req.body),
  );
  app.get(
    '/api/trajectory/candidates',
    { config: read, schema: { tags, summary: 'Candidates for a partial name or 学工号 (people) or the start of a plate (沪A12)', querystring: CandidateQuery, response: { 200: Type.Array(Candidate), ...errorResponses } } },
    async (req) => trajectory.candidates(actorOf(req), req.query),
  );
  app.get(
    '/api/trajectory/on-campus',
    { config: read, schema: { tags, summary: '在校人数: people whose last entrance pass was inwards (by kind) and listed vehicles inside', querystring: UniversityScopeQuery, response: { 200: OnCampus, ...errorResponses } } },
    async (req) => trajectory.onCampus(actorOf(req), req.query.universityId),
  );
  app.get(
    '/api/trajectory/gate-traffic',
    { config: read, schema: { tags, summary: 'Entries and exits per entrance and Beijing hour of one day, people and vehicles', querystring: GateTrafficQuery, response: { 200: GateTraffic, ...errorResponses } } },
    async (req) => trajectory.gateTraffic(actorOf(req), req.query),
  );
}
