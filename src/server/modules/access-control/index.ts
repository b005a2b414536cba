/**
 * Door permissions (门禁权限, issue 14): access groups, online decisions for controllers that ask
 * at each swipe (MQTT `…/access`), permission lists pushed to controllers that decide offline,
 * with their acknowledgement; anti-passback and first-card unlock.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AuditService } from '../audit/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { DeviceCommands } from '../device-commands/index.ts';
import type { AccessAnswerer } from '../ingest/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import type { PeopleService } from '../people/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import { AccessDecider } from './access-decider.ts';
import { accessRoutes } from './access.routes.ts';
import { AccessControlService, DOOR_KINDS } from './access.service.ts';
import { PermissionLists } from './permission-lists.ts';

export { AccessDecider } from './access-decider.ts';
export { AccessControlService } from './access.service.ts';
export { decideAccess } from './access-decision.ts';
export { buildList, PermissionLists } from './permission-lists.ts';

export function createAccessControlModule(d: { db: Kysely<DB>; devices: DevicesService; org: OrgService; people: PeopleService; audit: AuditService; calendar: CalendarService; deviceCommands: DeviceCommands; clock: Clock }) {
  const db = ownTables<'access-control'>(d.db);
  const decider = new AccessDecider(db, d.people, d.calendar, d.clock);
  const lists = new PermissionLists(db, d.people, d.calendar, d.deviceCommands, d.clock);
  const access = new AccessControlService(db, d.devices, d.org, d.people, d.audit, decider, lists, d.clock);
  const face: ModuleFace = {
    name: 'access-control',
    tables: tablesOf('access-control'),
    routes: (app) => accessRoutes(app, access),
    jobs: [{ name: 'door permission lists', everyMs: 60_000, run: () => lists.pushDue() }],
    start: async (ctx) => {
      decider.log = ctx.log;
      lists.log = ctx.log;
    },
  };
  /** For the device channel (MQTT `…/access`): decides, sends the answer, and files what was malformed as a dead letter. */
  const answerer: AccessAnswerer = async (device, payload, refuse, reply) => {
    const { answer, problem } = await decider.answer(device.universityId, device.id, payload, DOOR_KINDS.has(device.kind));
    if (problem) await refuse(problem.reason, problem.field);
    if (!answer) return;
    const message = { command: 'access.decision', ...answer };
    if (reply) await reply(device.universityId, device.id, message);
    else await d.deviceCommands.send(device.universityId, device.id, message);
  };
  return { face, access, accessDecider: decider, permissionLists: lists, answerer };
}
