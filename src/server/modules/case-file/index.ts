/** Case file (案卷): an alarm's whole record as a PDF, rendered in a worker thread. */
import type { Clock } from '../../clock.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { ProceduresService } from '../procedures/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EvidenceService } from '../evidence/index.ts';
import type { ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { caseFileRoutes } from './case-file.routes.ts';
import { CaseFileService } from './case-file.service.ts';

export { CaseFileService } from './case-file.service.ts';

export function createCaseFileModule(d: { devices: DevicesService; org: OrgService; alarms: AlarmsService; procedures: ProceduresService; evidence: EvidenceService; accounts: AccountsService; audit: AuditService; clock: Clock }) {
  const caseFile = new CaseFileService(d.devices, d.org, d.alarms, d.procedures, d.evidence, d.accounts, d.audit, d.clock);
  const face: ModuleFace = { name: 'case-file', tables: [], routes: (app) => caseFileRoutes(app, caseFile), stop: () => caseFile.close() };
  return { face, caseFile };
}
