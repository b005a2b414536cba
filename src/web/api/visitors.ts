/** Visitors (访客): /api/visits, its pass and log, and the guard's /api/visit-passes/scan. */
import type { GateMove, PassScan, PassVerdict, Visit, VisitDecision, VisitGate, VisitInput, VisitLogEntry, VisitPage, VisitPass, VisitState, VisitView } from '../../shared/visitors.ts';
import { http } from './client.ts';

export type { PassVerdict, Visit, VisitGate, VisitInput, VisitLogEntry, VisitPage, VisitPass, VisitState, VisitView } from '../../shared/visitors.ts';

export interface VisitListQuery {
  view?: VisitView;
  state?: VisitState;
  q?: string;
  mine?: boolean;
  page?: number;
  pageSize?: number;
}

const id = (v: string) => encodeURIComponent(v);

export const visitorsApi = {
  list: (q: VisitListQuery, signal?: AbortSignal) => http.get<VisitPage>('/api/visits', { ...q }, signal),
  gates: (signal?: AbortSignal, universityId?: string) => http.get<VisitGate[]>('/api/visits/gates', { universityId }, signal),
  get: (visitId: string, signal?: AbortSignal) => http.get<Visit>(`/api/visits/${id(visitId)}`, undefined, signal),
  log: (visitId: string, signal?: AbortSignal) => http.get<VisitLogEntry[]>(`/api/visits/${id(visitId)}/log`, undefined, signal),
  pass: (visitId: string, signal?: AbortSignal) => http.get<VisitPass>(`/api/visits/${id(visitId)}/pass`, undefined, signal),
  create: (input: VisitInput) => http.post<Visit>('/api/visits', input),
  approve: (visitId: string, d: VisitDecision) => http.post<Visit>(`/api/visits/${id(visitId)}/approve`, d),
  reject: (visitId: string, d: VisitDecision) => http.post<Visit>(`/api/visits/${id(visitId)}/reject`, d),
  cancel: (visitId: string) => http.post<Visit>(`/api/visits/${id(visitId)}/cancel`),
  move: (visitId: string, direction: 'in' | 'out', m: GateMove) => http.post<PassVerdict>(`/api/visits/${id(visitId)}/check-${direction}`, m),
  scan: (s: PassScan) => http.post<PassVerdict>('/api/visit-passes/scan', s),
};
