/** Alarm statistics (报警统计): GET /api/alarm-stats; the answer's shape is in src/shared/alarm-stats.ts. */
import type { AlarmStats } from '../../shared/alarm-stats.ts';
import { http } from './client.ts';

export { STAT_STEPS, type AlarmStats, type DurationSummary, type ShiftKey, type StatStep, type StepDurations } from '../../shared/alarm-stats.ts';

export const alarmStatsApi = {
  get: (q: { from: string; to: string; campusId?: string; universityId?: string }, signal?: AbortSignal) => http.get<AlarmStats>('/api/alarm-stats', { ...q }, signal),
};
