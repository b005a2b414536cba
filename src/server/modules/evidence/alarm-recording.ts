import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { RecordingsService } from '../recordings/index.ts';

/**
 * Alarm recording (报警录像): a new alarm, or a new event joining an open one, starts (or
 * extends) the recording of its camera and of the cameras it linked, for those whose plan is
 * alarm recording — with the pre-roll the recorder has kept in memory and the plan's post-roll.
 */
export class AlarmRecordingTrigger {
  constructor(
    bus: Bus,
    private readonly alarms: Pick<AlarmsService, 'find'>,
    private readonly recordings: Pick<RecordingsService, 'triggerAlarm' | 'recordsOnAlarm'>,
    private readonly clock: Clock,
    private readonly onError: (err: unknown) => void,
  ) {
    bus.subscribe('alarms.changed', (changes) => {
      // Most campuses record no camera on alarms: then an alarm costs no read here.
      if (!this.recordings.recordsOnAlarm()) return;
      for (const c of changes) if (c.change === 'created' || c.change === 'merged') this.trigger(c.alarmId).catch(onError);
    });
  }

  /** The cameras whose alarm recording was started (for tests and the log). */
  async trigger(alarmId: string): Promise<string[]> {
    const alarm = await this.alarms.find(alarmId);
    if (!alarm) return [];
    const atMs = this.clock.now();
    const cameras = [...new Set([alarm.deviceId, ...alarm.linkedCameras.map((c) => c.id)])];
    const started = await Promise.all(cameras.map(async (id) => ((await this.recordings.triggerAlarm(id, atMs)) ? id : null)));
    return started.filter((id): id is string => id !== null);
  }
}
