import type { Actor } from '../../http/policy.ts';
import { PortSlot } from '../module.ts';

/**
 * What the alarm module asks before a person acknowledges an alarm (S-CERT: only a certified
 * operator on duty handles alarms). The duty module builds on alarms and attaches its rule
 * (`createAlarmsModule().attachAcknowledgeCheck`); with nothing attached, anyone with
 * `alarm.handle` may acknowledge.
 */
export interface AcknowledgeCheck {
  /** Why `actor` may not acknowledge an alarm of `universityId` at `nowMs`, or null when it may. */
  refusal(actor: Actor, universityId: string, nowMs: number): Promise<{ field: string; reason: string; rule: string } | null>;
}

export class AcknowledgeCheckSlot extends PortSlot<AcknowledgeCheck> {
  constructor() {
    super('alarm acknowledge check');
  }
}
