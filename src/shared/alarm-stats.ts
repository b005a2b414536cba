/**
 * Alarm statistics (报警统计): the shape of GET /api/alarm-stats, shared by the server and the
 * console. Durations are seconds; hours, days and shifts are Beijing time.
 */
import type { AlarmState, AlarmType } from './alarms.ts';

/** The handling steps timed from an alarm's creation (definitions in alarm-stats.compute.ts). */
export const STAT_STEPS = ['acknowledge', 'dispatch', 'arrive', 'close'] as const;
export type StatStep = (typeof STAT_STEPS)[number];
export type ShiftKey = 'day' | 'evening' | 'night';

export interface DurationSummary {
  count: number;
  /** Seconds. */
  p50: number | null;
  p90: number | null;
}
export type StepDurations = Record<StatStep, DurationSummary>;

export interface AlarmStats {
  from: string;
  to: string;
  timeZone: string;
  universityId: string | null;
  campusId: string | null;
  totals: { alarms: number; open: number; resolved: number; closed: number; falseAlarms: number; falseAlarmRate: number };
  byState: Record<AlarmState, number>;
  byType: { type: AlarmType; count: number }[];
  byCampus: { campusId: string | null; name: string | null; count: number }[];
  byBuilding: { buildingId: string | null; name: string | null; campusId: string | null; campusName: string | null; count: number }[];
  byHour: number[];
  byDay: { date: string; count: number }[];
  devices: { deviceId: string; name: string | null; kind: string | null; alarms: number; falseAlarms: number; rate: number }[];
  durations: {
    overall: StepDurations;
    shifts: { shift: ShiftKey; name: string; fromHour: number; toHour: number; alarms: number; steps: StepDurations }[];
  };
}
