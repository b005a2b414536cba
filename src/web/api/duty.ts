/** Duty (值班): posts, the month's roster with its coverage gaps, publishing, and operators' certificates. */
import type { Certificate, CertificateInput, CertificatePage, CoverageGap, DutyAssignment, DutyAssignmentInput, DutyPost, DutyPostInput, DutyRoster } from '../../shared/duty.ts';
import { http } from './client.ts';

export type { Certificate, CertificateInput, CertificatePage, CoverageGap, DutyAssignment, DutyPost, DutyRoster, DutyStaff } from '../../shared/duty.ts';

const id = (v: string) => encodeURIComponent(v);

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
  removeCertificate: (certId: string) => http.delete(`/api/duty/certificates/${id(certId)}`),
};
