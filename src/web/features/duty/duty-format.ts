import { beijingDateTime } from '../../../shared/beijing-time.ts';
import type { CoverageGap, DutyAssignment } from '../../api/duty.ts';
import { beijingMidnight } from '../../../shared/duty.ts';

const DAY_MS = 86_400_000;

/** `04-10 20:00` in Beijing time. */
export const shortTime = (iso: string) => beijingDateTime(Date.parse(iso)).slice(5, 16);

/** A gap as the planner reads it: `04-10 20:00 – 04-11 08:00（12 小时）`. */
export function gapText(g: CoverageGap, hoursLabel: (h: number) => string): string {
  const hours = Math.round(((Date.parse(g.to) - Date.parse(g.from)) / 3_600_000) * 10) / 10;
  return `${shortTime(g.from)} – ${shortTime(g.to)}（${hoursLabel(hours)}）`;
}

/** The gaps of a post touching a Beijing date. */
export function gapsOnDay(gaps: readonly CoverageGap[], postId: string, date: string): CoverageGap[] {
  const from = beijingMidnight(date);
  return gaps.filter((g) => g.postId === postId && Date.parse(g.to) > from && Date.parse(g.from) < from + DAY_MS);
}

/** Assignments indexed by post, date and shift. */
export function cellIndex(assignments: readonly DutyAssignment[]): Map<string, DutyAssignment[]> {
  const index = new Map<string, DutyAssignment[]>();
  for (const a of assignments) {
    const key = `${a.postId}|${a.date}|${a.shift}`;
    index.set(key, [...(index.get(key) ?? []), a]);
  }
  return index;
}
