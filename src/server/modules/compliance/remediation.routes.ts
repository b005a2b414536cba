import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PlacementSuggestion, RemediationItem, RemediationPlan, SitePlacement } from '../../../shared/compliance-remediation.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, RefTo } from '../../http/schemas.ts';
import type { RemediationService } from './remediation.service.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });

export function remediationRoutes(fastify: FastifyInstance, remediation: RemediationService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(PlacementSuggestion);
  app.addSchema(SitePlacement);
  app.addSchema(RemediationItem);
  app.addSchema(RemediationPlan);

  app.get(
    '/api/compliance/remediation',
    {
      config: { auth: { permission: 'compliance.read' } },
      schema: {
        tags: ['compliance'],
        summary: 'The remediation plan (整改计划): failing rules as measures ranked by score points per estimated 10,000 yuan, and suggested camera placements for key sites below full coverage',
        description:
          'Costs are estimates (估算) from a cost table in the server (remediation.ts COST_TABLE), listed in `costTable`. Measures that need only data or paperwork cost nothing and come first. ' +
          'Each placement suggestion is a standard 1080p 90° camera; its gain and share are what the coverage analysis computes with it installed. See docs/admin-guide.md §29.',
        querystring: Type.Object(
          {
            universityId: Type.Optional({ ...Id, description: 'City-wide roles: the university (required for them)' }),
            campusId: Type.Optional({ ...Id, description: 'One campus of the university' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: RefTo(RemediationPlan), ...errorResponses },
      },
    },
    async (req) => remediation.plan(actorOf(req), req.query),
  );
}
