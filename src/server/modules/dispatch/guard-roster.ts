import { PortSlot } from '../module.ts';

/**
 * Who is on duty for guard dispatch (issue 15 item 4): the duty module builds on dispatch and
 * attaches the roster (guards rostered now on gatehouse and patrol-team posts). With nothing
 * attached, or for a university without a published guard roster (null), a guard is on duty when
 * the phone reported a position in the last 30 minutes, as before.
 */
export interface GuardRoster {
  /** The guards rostered at `atMs`, or null when the university keeps no published guard roster then. */
  guardsOnDuty(universityId: string, atMs: number): Promise<string[] | null>;
}

export class GuardRosterSlot extends PortSlot<GuardRoster> {
  constructor() {
    super('guard roster');
  }
}
