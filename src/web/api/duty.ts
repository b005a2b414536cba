/** Duty (值班): posts, the month's roster with its coverage gaps, publishing, and operators' certificates. */
import type { Certificate, CertificateInput, CertificatePage, CoverageGap, DutyAssignment, DutyAssignmentInput, DutyPost, DutyPostInput, DutyRoster } from '../../shared/duty.ts';
import { ApiError, http } from './client.ts';

export type { Certificate, CertificateInput, CertificatePage, CoverageGap, DutyAssignment, DutyPost, DutyRoster, DutyStaff } from '../../shared/duty.ts';

const id = (v: string) => encodeURIComponent(v);

/** The scan goes as the raw image body (the server checks it by its content). */
async function putScan(certId: string, file: Blob): Promise<Certificate> {
  let res: Response;
  try {
    res = await fetch(`/api/duty/certificates/${id(certId)}/scan`, { method: 'PUT', headers: { 'content-type': file.type || 'image/jpeg', accept: 'application/json' }, body: file, credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', (err as Error).message);
  }
  const payload = (await res.json().catch(() => undefined)) as { code?: string; message?: string; details?: [] } | undefined;
  if (!res.ok) throw new ApiError(res.status, (payload?.code as ApiError['code']) ?? 'UNKNOWN', payload?.message ?? res.statusText, payload?.details ?? []);
  return payload as unknown as Certificate;
}

export const dutyApi = {
  roster: (month: string, universityId: string | undefined, signal?: AbortSignal) => http.get<DutyRoster>('/api/duty/roster', { month, universityId }, signal),
  posts: (universityId: string | undefined, signal?: AbortSignal) => http.get<DutyPost[]>('/api/duty/posts', { universityId }, signal),
  createPost: (input: DutyPostInput) => http.post<DutyPost>('/api/duty/posts', input),
  updatePost: (postId: string, input: DutyPostInput) => http.put<DutyPost>(`/api/duty/posts/${id(postId)}`, input),
  coverage: (q: { from: string; to: string; universityId?: string }, signal?: AbortSignal) => http.get<CoverageGap[]>('/api/duty/coverage', q, signal),
  assign: (input: DutyAssignmentInput) => http.post<DutyAssignment>('/api/duty/assignments', input),
  unassign: (assignmentId: string) => http.delete(`/api/duty/assignments/${id(assignmentId)}`),
  publish: (month: string, universityId?: string) => http.post<DutyRoster>('/api/duty/publish', { month, universityId }),
  certificates: (q: { universityId?: string; status?: 'valid' | 'expiring' | 'expired'; page?: number; pageSize?: number }, signal?: AbortSignal) => http.get<CertificatePage>('/api/duty/certificates', q, signal),
  createCertificate: (input: CertificateInput) => http.post<Certificate>('/api/duty/certificates', input),
  updateCertificate: (certId: string, input: CertificateInput) => http.put<Certificate>(`/api/duty/certificates/${id(certId)}`, input),
  uploadScan: putScan,
  scanUrl: (certId: string) => `/api/duty/certificates/${id(certId)}/scan`,
  removeCertificate: (certId: string) => http.delete(`/api/duty/certificates/${id(certId)}`),
};
