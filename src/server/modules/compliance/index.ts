/**
 * Compliance (评估体系, issue 16): how far a campus is from the standard. First part: the geometric
 * camera coverage of every key site (S-COVER, S-ENTRY-ID), with blind spots and evidence.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { AlarmStatsService } from '../alarm-stats/index.ts';
import type { RulesService } from '../alarms/index.ts';
import type { DutyService } from '../duty/index.ts';
import type { DeviceHealthService } from '../health/index.ts';
import type { RecordingsService } from '../recordings/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { complianceRoutes } from './compliance.routes.ts';
import { ComplianceService } from './compliance.service.ts';
import { complianceReportRoutes } from './report.routes.ts';
import { ComplianceReportService } from './report.service.ts';
import { evidenceRoutes } from './evidence.routes.ts';
import { ComplianceEvidenceService } from './evidence.service.ts';
import { remediationRoutes } from './remediation.routes.ts';
import { RemediationService } from './remediation.service.ts';

export { ComplianceService } from './compliance.service.ts';
export { ComplianceReportService } from './report.service.ts';
export { ComplianceEvidenceService } from './evidence.service.ts';

export function createComplianceModule(d: {
  db: Kysely<DB>;
  org: OrgService;
  devices: DevicesService;
  duty: DutyService;
  health: DeviceHealthService;
  alarmStats: AlarmStatsService;
  rules: RulesService;
  recordings: RecordingsService;
  audit: AuditService;
  clock: Clock;
}) {
  const compliance = new ComplianceService(ownTables<'compliance'>(d.db), d.org, d.devices, d.duty, { health: d.health, alarmStats: d.alarmStats, rules: d.rules, recordings: d.recordings }, d.clock);
  const reports = new ComplianceReportService(compliance, d.org, d.devices, d.audit, d.clock);
  const complianceEvidence = new ComplianceEvidenceService(ownTables<'compliance'>(d.db), d.org, d.audit, d.clock);
  const remediation = new RemediationService(compliance, d.org);
  let first: NodeJS.Timeout | null = null;
  const face: ModuleFace = {
    name: 'compliance',
    tables: tablesOf('compliance'),
    routes: (app) => {
      complianceRoutes(app, compliance);
      complianceReportRoutes(app, reports);
      evidenceRoutes(app, complianceEvidence);
      remediationRoutes(app, remediation);
    },
    // 评估快照: once a day per university (the job runs hourly and takes what is missing).
    jobs: [{ name: 'compliance snapshots', everyMs: 3_600_000, run: () => compliance.snapshotDue() }],
    // A fresh server (the demo) has today's snapshot a minute after start, not an hour.
    async start(ctx) {
      first = setTimeout(() => void compliance.snapshotDue().catch((error: Error) => ctx.log.warn({ err: error.message }, 'compliance snapshot failed')), 60_000);
      first.unref();
    },
    stop: () => {
      if (first) clearTimeout(first);
      return Promise.all([compliance.close(), reports.close(), remediation.close()]).then(() => undefined);
    },
  };
  return { face, compliance, reports, complianceEvidence, remediation };
}
