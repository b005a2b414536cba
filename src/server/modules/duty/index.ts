/**
 * Duty (值班排班与持证上岗, issue 15): posts and shifts, the month's roster, gaps in the command
 * centre's 24-hour coverage (`duty.coverage_gap`), operators' certificates with their expiry
 * warnings (`duty.certificate_expiring`), and the 持证上岗 rule the alarms module consults
 * before an alarm is acknowledged.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AcknowledgeCheck, AlarmRouting } from '../alarms/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { GuardRoster } from '../dispatch/index.ts';
import type { EventWriter } from '../events/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { dutyRoutes } from './duty.routes.ts';
import { DutySwapService } from './duty-swaps.service.ts';
import { DutyService } from './duty.service.ts';

export { DutyService, certificateStatus, GAP_LOOKAHEAD_DAYS, type CommandShift } from './duty.service.ts';
export { DutySwapService } from './duty-swaps.service.ts';
export type { AssignmentRow, CertificateRow, MonthRow, PostRow, SwapRow } from './duty.repository.ts';

export function createDutyModule(d: {
  db: Kysely<DB>;
  accounts: AccountsService;
  org: OrgService;
  calendar: CalendarService;
  audit: AuditService;
  writer: EventWriter;
  clock: Clock;
  attachAcknowledgeCheck: (c: AcknowledgeCheck) => void;
  attachRouting?: (r: AlarmRouting) => void;
  attachGuardRoster?: (r: GuardRoster) => void;
}) {
  const duty = new DutyService(ownTables<'duty'>(d.db), d.accounts, d.org, d.calendar, d.audit, d.writer, d.clock);
  const dutySwaps = new DutySwapService(ownTables<'duty'>(d.db), d.accounts, d.audit, d.clock, (universityId) => duty.checkCoverage(universityId));
  d.attachAcknowledgeCheck({ refusal: (actor, universityId, nowMs) => duty.acknowledgeRefusal(actor, universityId, nowMs) });
  d.attachRouting?.({ routeOf: (universityId, atMs) => duty.routeOf(universityId, atMs) });
  d.attachGuardRoster?.({ guardsOnDuty: (universityId, atMs) => duty.guardsOnDuty(universityId, atMs) });
  const face: ModuleFace = {
    name: 'duty',
    tables: tablesOf('duty'),
    routes: (app) => dutyRoutes(app, duty, dutySwaps),
    jobs: [{ name: 'duty coverage and certificates', everyMs: 60_000, run: () => duty.sweep() }],
  };
  return { face, duty, dutySwaps };
}
