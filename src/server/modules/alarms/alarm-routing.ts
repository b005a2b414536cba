import { PortSlot } from '../module.ts';

/** Who an alarm goes to: the operators on shift and the duty leader escalation goes to. */
export interface AlarmRoute {
  operators: { id: string; name: string }[];
  leaders: { id: string; name: string }[];
}

/**
 * 按值班分派 (issue 15 item 4): whom a new alarm is routed to. The duty module builds on alarms
 * and attaches the roster (`createAlarmsModule().attachRouting`); with nothing attached, or for
 * a university without a published command-centre roster (null), an alarm is routed to nobody
 * in particular and every operator of the university sees it, as before.
 */
export interface AlarmRouting {
  routeOf(universityId: string, atMs: number): Promise<AlarmRoute | null>;
}

export class RoutingSlot extends PortSlot<AlarmRouting> {
  constructor() {
    super('alarm routing');
  }
}
