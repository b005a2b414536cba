import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AuditEntry } from '../../../shared/audit.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, Page, PagingQuery } from '../../http/schemas.ts';
import type { AuditService } from './audit.service.ts';

export function auditRoutes(app: FastifyInstance, audit: AuditService) {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/audit',
    {
      config: { auth: { permission: 'audit.read' } },
      schema: {
        tags: ['audit'],
        summary: 'Read the append-only audit log (newest first)',
        querystring: Type.Object(
          {
            ...PagingQuery,
            entityType: Type.Optional(Type.String({ maxLength: 64 })),
            entityId: Type.Optional(Type.String({ maxLength: 64 })),
            actorId: Type.Optional(Type.String({ maxLength: 64 })),
            action: Type.Optional(Type.String({ maxLength: 64 })),
            from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive ISO-8601 time' })),
            to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive ISO-8601 time' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(AuditEntry), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 50;
      const from = q.from && new Date(q.from).toISOString();
      const to = q.to && new Date(q.to).toISOString();
      return { ...(await audit.list(actorOf(req), { ...q, from, to, page, pageSize })), page, pageSize };
    },
  );
}
