/**
 * The inspection report (检查报告, issue 16 item 6): the compliance score and the key-site coverage
 * as a PDF or an Excel workbook for the commission. Both carry the figures GET /api/compliance/score
 * and /api/compliance/coverage answer at the same moment.
 */
import { Type, type Static } from 'typebox';

export const REPORT_FORMATS = ['pdf', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const ComplianceReportQuery = Type.Object(
  {
    universityId: Type.Optional({ ...Id, description: 'City-wide roles: the university (required for them)' }),
    campusId: Type.Optional({ ...Id, description: 'One campus of the university (default: all of it)' }),
  },
  { additionalProperties: false },
);
export type ComplianceReportQuery = Static<typeof ComplianceReportQuery>;

/**
 * Findings the PDF lists under each rule; the rest are counted (另有 N 项). The workbook lists every
 * finding the score lists (at most MAX_FINDINGS_LISTED per rule) and says so when a rule has more.
 */
export const PDF_FINDINGS_PER_RULE = 30;
/** Key sites drawn as maps in the PDF at most (the worst covered first); the workbook has them all. */
export const PDF_MAX_SITE_MAPS = 40;

/** Where the report of a format is downloaded. */
export const reportPath = (format: ReportFormat) => `/api/compliance/report.${format}`;
