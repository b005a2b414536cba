import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ComplianceScore, ComplianceSnapshot, CoverageReport, MAX_SNAPSHOT_DAYS, PackRule, RuleResult, SiteCoverageReport, SnapshotReplay } from '../../../shared/compliance.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, RefTo } from '../../http/schemas.ts';
import type { ComplianceService } from './compliance.service.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });

export function complianceRoutes(fastify: FastifyInstance, compliance: ComplianceService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(SiteCoverageReport);
  app.addSchema(CoverageReport);
  app.addSchema(PackRule);
  app.addSchema(RuleResult);
  app.addSchema(ComplianceScore);
  app.addSchema(ComplianceSnapshot);
  app.addSchema(SnapshotReplay);

  app.get(
    '/api/compliance/coverage',
    {
      config: { auth: { permission: 'compliance.read' } },
      schema: {
        tags: ['compliance'],
        summary: 'Camera coverage of the key sites (重点部位覆盖分析): covered and face-identifiable shares, blind spots, entrances, cameras lacking data',
        description:
          'Computed from the ledger (camera position, bearing, field of view, range, resolution, floor) and the key-site outlines when asked. ' +
          'Cameras without a position, bearing or field of view are listed under `unplaced` and never counted. See docs/admin-guide.md.',
        querystring: Type.Object(
          {
            universityId: Type.Optional({ ...Id, description: 'City-wide roles: the university (required for them)' }),
            campusId: Type.Optional(Id),
            siteId: Type.Optional({ ...Id, description: 'One key site' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: RefTo(CoverageReport), ...errorResponses },
      },
    },
    async (req) => compliance.coverage(actorOf(req), req.query),
  );

  app.get(
    '/api/compliance/score',
    {
      config: { auth: { permission: 'compliance.read' } },
      schema: {
        tags: ['compliance'],
        summary: 'The campus score against the rule pack (评估得分): each rule with its source, level, points, deduction, figure and findings',
        description:
          'Each rule passes, partly passes, fails or has no data (无数据, with what is missing; it earns nothing). The score is earned / possible points × 100 ' +
          'and names the pack version it used. Computed when asked from the ledger, key sites and published roster.',
        querystring: Type.Object(
          {
            universityId: Type.Optional({ ...Id, description: 'City-wide roles: the university (required for them)' }),
            campusId: Type.Optional({ ...Id, description: 'One campus of the university' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: RefTo(ComplianceScore), ...errorResponses },
      },
    },
    async (req) => compliance.score(actorOf(req), req.query),
  );

  app.get(
    '/api/compliance/snapshots',
    {
      config: { auth: { permission: 'compliance.read' } },
      schema: {
        tags: ['compliance'],
        summary: 'The daily scores (评估快照), oldest first: the trend',
        description: 'One snapshot per university and Beijing day, taken by an hourly job for every university that has none today; each keeps the inputs it was computed from.',
        querystring: Type.Object(
          {
            universityId: Type.Optional({ ...Id, description: 'City-wide roles: the university (required for them)' }),
            days: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SNAPSHOT_DAYS, description: 'How many days back (default 90)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(RefTo(ComplianceSnapshot)), ...errorResponses },
      },
    },
    async (req) => compliance.snapshots(actorOf(req), req.query),
  );

  app.get(
    '/api/compliance/snapshots/:id/replay',
    {
      config: { auth: { permission: 'compliance.read' } },
      schema: {
        tags: ['compliance'],
        summary: 'A stored score computed again from its stored inputs with the pack version it names (reproducibility)',
        params: Type.Object({ id: Id }),
        response: { 200: RefTo(SnapshotReplay), ...errorResponses },
      },
    },
    async (req) => compliance.replay(actorOf(req), req.params.id),
  );
}
