import type { Dispatch, NearestGuard } from '../../../shared/alarms.ts';
import type { Actor } from '../../http/policy.ts';
import { PortSlot } from '../module.ts';

/**
 * What the alarm module needs of guard dispatch (出警): the `notify_guards` action, the alarm's
 * record, the rule dry run. The dispatch module builds on alarms, so it is attached after both
 * are built (see `createAlarmsModule().attachDispatcher`).
 */
export interface GuardDispatcher {
  dispatch(actor: Actor | null, alarmId: string, opts: { guardIds?: string[]; count?: number }): Promise<Dispatch[]>;
  /** Guards sent to the alarm who have not declined or finished. */
  activeCount(alarmId: string): Promise<number>;
  ofAlarm(alarmId: string): Promise<Dispatch[]>;
  nearestGuards(universityId: string, lon: number | null, lat: number | null, count: number): Promise<NearestGuard[]>;
}

/** Holds the dispatcher once it is attached; until then alarms work without guards (no dispatch, none listed). */
export class DispatcherSlot extends PortSlot<GuardDispatcher> {
  constructor() {
    super('guard dispatch');
  }
}
