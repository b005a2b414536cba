/** 整改计划: GET /api/compliance/remediation; shapes in src/shared/compliance-remediation.ts. */
import type { RemediationPlan } from '../../shared/compliance-remediation.ts';
import { http } from './client.ts';

export type { PlacementSuggestion, RemediationItem, RemediationPlan, SitePlacement } from '../../shared/compliance-remediation.ts';

export const remediationApi = {
  plan: (q: { universityId?: string; campusId?: string }, signal?: AbortSignal) => http.get<RemediationPlan>('/api/compliance/remediation', q, signal),
};
