import type { ModuleDb } from '../../store/tables.ts';
import type { RuleDefinitionT } from '../../../shared/alarms.ts';
import { BEIJING_OFFSET_MS, hhmmToMinutes } from '../../../shared/beijing-time.ts';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { Clock } from '../../clock.ts';
import { readJson } from '../../store/database.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { EventWriter } from '../events/index.ts';
import type { EventsService } from '../events/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import { inSchedule } from '../../../shared/schedule.ts';
import { inScope } from './alarm-engine.ts';
import type { DevicePlaces } from './device-places.ts';

type AbsenceTriggerT = Extract<RuleDefinitionT['trigger'], { type: 'absence' }>;

const DAY_MS = 86_400_000;

/** The latest window [start, deadline] whose deadline is at or before `nowMs`. */
export function lastWindow(trigger: Pick<AbsenceTriggerT, 'from' | 'by'>, nowMs: number): { startMs: number; deadlineMs: number } {
  const beijingMidnight = Math.floor((nowMs + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS;
  let deadlineMs = beijingMidnight + hhmmToMinutes(trigger.by) * 60_000;
  if (deadlineMs > nowMs) deadlineMs -= DAY_MS;
  const lengthMin = (hhmmToMinutes(trigger.by) - hhmmToMinutes(trigger.from) + 1440) % 1440 || 1440; // from == by: a whole day
  return { startMs: deadlineMs - lengthMin * 60_000, deadlineMs };
}

/**
 * Absence triggers ("no patrol check-in at a checkpoint by 23:00"): at each deadline, every device
 * in the rule's scope that sent none of the expected events in the window gets a `rule.absence`
 * event, which the alarm engine turns into an alarm like any other event. The event's source id
 * names the rule and the deadline, so a repeated check (or one after a restart) stores nothing twice.
 */
export class AbsenceWatcher {
  /** The deadline of the window last checked per rule in this process (only the latest matters). */
  private readonly checkedUntil = new Map<string, number>();

  constructor(
    private readonly db: ModuleDb<'alarms'>,
    private readonly places: DevicePlaces,
    private readonly writer: EventWriter,
    private readonly events: Pick<EventsService, 'devicesReporting'>,
    private readonly calendars: Pick<CalendarService, 'daysOf'>,
    private readonly clock: Clock,
  ) {}

  /** Checks every enabled absence rule whose latest deadline has passed; returns the events written. */
  async check(): Promise<number> {
    const nowMs = this.clock.now();
    const rows = await this.db.selectFrom('alarm_rules').select(['id', 'university_id', 'definition', 'updated_at']).where('enabled', '=', 1).execute();
    let written = 0;
    for (const row of rows) {
      const def = readJson<RuleDefinitionT>(row.definition);
      if (def.trigger.type !== 'absence') continue;
      const { startMs, deadlineMs } = lastWindow(def.trigger, nowMs);
      // A window that closed before the rule was written (or last changed) is not the rule's to judge.
      if (this.checkedUntil.get(row.id) === deadlineMs || deadlineMs < Date.parse(row.updated_at)) continue;
      if (inSchedule(def.schedule, deadlineMs, await this.calendars.daysOf(row.university_id))) {
        written += await this.checkWindow(row.id, row.university_id, def.trigger, startMs, deadlineMs);
      }
      this.checkedUntil.set(row.id, deadlineMs);
    }
    return written;
  }

  private async checkWindow(ruleId: string, universityId: string, trigger: AbsenceTriggerT, startMs: number, deadlineMs: number): Promise<number> {
    const expected = (await this.places.devices(universityId)).filter((d) => d.status === 'in_service' && inScope(trigger, d));
    if (!expected.length) return 0;
    const windowStart = new Date(startMs).toISOString();
    const deadline = new Date(deadlineMs).toISOString();
    const seen = await this.events.devicesReporting(universityId, trigger.kinds, windowStart, deadline);
    const missing = expected.filter((d) => !seen.has(d.id));
    const receivedAt = this.clock.nowIso();
    const results = await Promise.all(
      missing.map((d) =>
        this.writer.append({
          id: uuid7(),
          source: 'platform',
          sourceEventId: `absence:${ruleId}:${deadline}`,
          orgId: universityId,
          deviceId: d.id,
          kind: 'rule.absence',
          severity: 'major',
          occurredAt: deadline,
          receivedAt,
          payload: { ruleId, expected: [...trigger.kinds], windowStart, deadline },
        } satisfies DeviceEvent<'rule.absence'>),
      ),
    );
    return results.filter((r) => r === 'stored').length;
  }
}
