/** 值班统计: a month's coverage, certification, patrol completion, alarm response and training hours. */
import type { DutyStats } from '../../shared/duty-stats.ts';
import { http } from './client.ts';

export type { DutyStats, ResponseTimes } from '../../shared/duty-stats.ts';

export const dutyStatsApi = {
  get: (month: string, universityId: string | undefined, signal?: AbortSignal) => http.get<DutyStats>('/api/duty-stats', { month, universityId }, signal),
};
