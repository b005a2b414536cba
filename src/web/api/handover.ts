/** 交接班: the current shift and its handover, starting, signing and accepting it, the history. */
import type { Handover, HandoverCurrent, HandoverPage, HandoverSign } from '../../shared/handover.ts';
import { http } from './client.ts';

export type { Handover, HandoverAlarm, HandoverCheck, HandoverCurrent, HandoverFault, HandoverPage, ShiftPerson } from '../../shared/handover.ts';

const id = (v: string) => encodeURIComponent(v);

export const handoverApi = {
  current: (universityId: string | undefined, signal?: AbortSignal) => http.get<HandoverCurrent>('/api/handover/current', { universityId }, signal),
  list: (q: { universityId?: string; page?: number; pageSize?: number }, signal?: AbortSignal) => http.get<HandoverPage>('/api/handover', q, signal),
  start: () => http.post<Handover>('/api/handover', {}),
  sign: (handoverId: string, input: HandoverSign) => http.post<Handover>(`/api/handover/${id(handoverId)}/sign`, input),
  accept: (handoverId: string) => http.post<Handover>(`/api/handover/${id(handoverId)}/accept`, {}),
};
