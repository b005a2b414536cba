import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CoverageReport, SiteCoverageReport } from '../../../shared/compliance.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, RefTo } from '../../http/schemas.ts';
import type { ComplianceService } from './compliance.service.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });

export function complianceRoutes(fastify: FastifyInstance, compliance: ComplianceService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(SiteCoverageReport);
  app.addSchema(CoverageReport);

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
}
