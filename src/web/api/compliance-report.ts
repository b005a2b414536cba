/** The inspection report (检查报告): GET /api/compliance/report.pdf and .xlsx, saved as the file the server names. */
import { reportPath, type ComplianceReportQuery, type ReportFormat } from '../../shared/compliance-report.ts';
import { download } from './ledger-io.ts';

export const complianceReportApi = {
  /** Saves the report of the university (or one campus); returns the file name. */
  download: (format: ReportFormat, q: ComplianceReportQuery) => download(reportPath(format), { universityId: q.universityId, campusId: q.campusId }, `compliance-report.${format}`),
};
