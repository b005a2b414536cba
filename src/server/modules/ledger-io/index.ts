/** Ledger files (台账导入导出): the device ledger as Excel/CSV, import with a row-level report. */
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { ledgerIoRoutes } from './ledger-io.routes.ts';
import { LedgerIoService } from './ledger-io.service.ts';

export { LedgerIoService } from './ledger-io.service.ts';

export function createLedgerIoModule(d: { devices: DevicesService; org: OrgService; audit: AuditService; clock: Clock; bus: EventBus }) {
  const bus = new ModuleBus(d.bus);
  const ledgerIo = new LedgerIoService(d);
  const face: ModuleFace = { name: 'ledger-io', bus, tables: [], routes: (app) => ledgerIoRoutes(app, ledgerIo) };
  return { face, ledgerIo };
}
