/** Compliance (评估): GET /api/compliance/score and /api/compliance/coverage; shapes in src/shared/compliance.ts. */
import type { ComplianceScore, ComplianceSnapshot, CoverageReport } from '../../shared/compliance.ts';
import { http } from './client.ts';

export type { ComplianceScore, ComplianceSnapshot, CoverageReport, Finding, PackRule, RuleResult, RuleStatus, SiteCoverageReport } from '../../shared/compliance.ts';

export const complianceApi = {
  score: (q: { universityId?: string; campusId?: string }, signal?: AbortSignal) => http.get<ComplianceScore>('/api/compliance/score', q, signal),
  snapshots: (q: { universityId?: string; days?: number }, signal?: AbortSignal) => http.get<ComplianceSnapshot[]>('/api/compliance/snapshots', q, signal),
  coverage: (q: { universityId?: string; campusId?: string; siteId?: string }, signal?: AbortSignal) => http.get<CoverageReport>('/api/compliance/coverage', q, signal),
};
