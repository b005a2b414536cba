import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ComplianceReportQuery, REPORT_FORMATS, reportPath } from '../../../shared/compliance-report.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { ComplianceReportService } from './report.service.ts';

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266/5987). */
const contentDisposition = (fileName: string, asciiName: string) => `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

export function complianceReportRoutes(fastify: FastifyInstance, reports: ComplianceReportService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  for (const format of REPORT_FORMATS) {
    app.get(
      reportPath(format),
      {
        config: { auth: { permission: 'compliance.read' } },
        schema: {
          tags: ['compliance'],
          summary:
            format === 'pdf'
              ? 'The inspection report (检查报告) as a PDF: cover with the score, every rule with its figure, the evidence lists, a blind-spot map of each key site short of full coverage, sign-off lines'
              : 'The inspection report (检查报告) as an Excel workbook: sheets 总览, 检查项目, 问题清单, 重点部位覆盖',
          description:
            'The same score and coverage GET /api/compliance/score and /coverage answer, rendered in a worker thread (time and memory limited; 503 XIAOAN_SERVER_BUSY when too many wait). ' +
            'Times in Beijing time; the file name (Content-Disposition filename*) is Chinese. The export is recorded in the audit log.',
          querystring: ComplianceReportQuery,
          produces: [format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          response: errorResponses,
        },
      },
      async (req, reply) => {
        const file = await reports.export(actorOf(req), req.query, format);
        return reply.header('content-type', file.contentType).header('content-disposition', contentDisposition(file.fileName, file.asciiName)).header('cache-control', 'no-store').send(file.bytes);
      },
    );
  }
}
