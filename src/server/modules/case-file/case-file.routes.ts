import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams } from '../../http/schemas.ts';
import type { CaseFileService } from './case-file.service.ts';

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266/5987). */
const contentDisposition = (fileName: string, asciiName: string) => `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

export function caseFileRoutes(fastify: FastifyInstance, service: CaseFileService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/alarms/:id/case-file.pdf',
    {
      config: { auth: { permission: 'alarm.read' } },
      schema: {
        tags: ['alarms'],
        summary: 'The alarm’s case file (报警处置记录) as a PDF: summary, state log, events, linkage rules and actions with device acknowledgements, procedure, dispatches, photos',
        description: 'Times in Beijing time; the Chinese font is embedded. The export is recorded in the audit log.',
        params: IdParams,
        produces: ['application/pdf'],
        response: errorResponses,
      },
    },
    async (req, reply) => {
      const { pdf, fileName, asciiName } = await service.export(actorOf(req), req.params.id);
      return reply.header('content-type', 'application/pdf').header('content-disposition', contentDisposition(fileName, asciiName)).header('cache-control', 'no-store').send(pdf);
    },
  );
}
