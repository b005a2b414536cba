/**
 * Compliance (评估体系, issue 16): how far a campus is from the standard. First part: the geometric
 * camera coverage of every key site (S-COVER, S-ENTRY-ID), with blind spots and evidence.
 */
import type { Clock } from '../../clock.ts';
import type { DevicesService } from '../devices/index.ts';
import type { DutyService } from '../duty/index.ts';
import type { ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { complianceRoutes } from './compliance.routes.ts';
import { ComplianceService } from './compliance.service.ts';

export { ComplianceService } from './compliance.service.ts';

export function createComplianceModule(d: { org: OrgService; devices: DevicesService; duty: DutyService; clock: Clock }) {
  const compliance = new ComplianceService(d.org, d.devices, d.duty, d.clock);
  const face: ModuleFace = { name: 'compliance', tables: [], routes: (app) => complianceRoutes(app, compliance), stop: () => compliance.close() };
  return { face, compliance };
}
