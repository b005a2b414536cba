/** Pack parameters and evidence (规则包参数与佐证材料): /api/compliance/settings and /api/compliance/evidence; shapes in src/shared/compliance-evidence.ts. */
import type { ComplianceSettings, ComplianceSettingsInput, Evidence, EvidenceInput, EvidenceReview } from '../../shared/compliance-evidence.ts';
import { http } from './client.ts';

export type { ComplianceSettings, Evidence, EvidenceStatus, ParamSetting, RoomFacts } from '../../shared/compliance-evidence.ts';

export const complianceEvidenceApi = {
  settings: (q: { universityId?: string }, signal?: AbortSignal) => http.get<ComplianceSettings>('/api/compliance/settings', q, signal),
  putSettings: (input: ComplianceSettingsInput) => http.put<ComplianceSettings>('/api/compliance/settings', input),
  list: (q: { universityId?: string; ruleId?: string }, signal?: AbortSignal) => http.get<Evidence[]>('/api/compliance/evidence', q, signal),
  upload: (input: EvidenceInput) => http.post<Evidence>('/api/compliance/evidence', input),
  review: (id: string, input: EvidenceReview) => http.post<Evidence>(`/api/compliance/evidence/${encodeURIComponent(id)}/review`, input),
  fileUrl: (id: string) => `/api/compliance/evidence/${encodeURIComponent(id)}/file`,
};

/** A browser File as base64 (what the upload's JSON body carries). */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}
