/** 换班: swap requests, the other person's answer and the approver's decision. */
import type { DutySwap, SwapInput, SwapPage, SwapQuery } from '../../shared/duty-swaps.ts';
import { http } from './client.ts';

export type { DutySwap, SwapInput, SwapPage, SwapState } from '../../shared/duty-swaps.ts';

const id = (v: string) => encodeURIComponent(v);

export const dutySwapsApi = {
  list: (q: SwapQuery, signal?: AbortSignal) => http.get<SwapPage>('/api/duty/swaps', q, signal),
  request: (input: SwapInput) => http.post<DutySwap>('/api/duty/swaps', input),
  agree: (swapId: string) => http.post<DutySwap>(`/api/duty/swaps/${id(swapId)}/agree`),
  decline: (swapId: string, note?: string) => http.post<DutySwap>(`/api/duty/swaps/${id(swapId)}/decline`, { note }),
  cancel: (swapId: string) => http.post<DutySwap>(`/api/duty/swaps/${id(swapId)}/cancel`),
  approve: (swapId: string, note?: string) => http.post<DutySwap>(`/api/duty/swaps/${id(swapId)}/approve`, { note }),
  reject: (swapId: string, note?: string) => http.post<DutySwap>(`/api/duty/swaps/${id(swapId)}/reject`, { note }),
};
