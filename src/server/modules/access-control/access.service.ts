import type { AccessCheck, AccessCheckResult, AccessDoor, AccessDoorSettings, AccessGroup, AccessGroupCreate, AccessGroupInput, DoorCredential, DoorMode } from '../../../shared/access-control.ts';
import type { ScheduleT } from '../../../shared/alarms.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalidField } from '../../http/errors.ts';
import { type Actor, assertInScope, listScope, writeScope } from '../../http/policy.ts';
import { readJson, writeJson } from '../../store/database.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import type { PeopleService } from '../people/index.ts';
import { isMember } from './access-decision.ts';
import type { AccessDecider } from './access-decider.ts';
import { accessRepository as repo, doorMode, listState, toDoorRule, toGroupRule, type DoorRow, type GroupRow } from './access.repository.ts';
import type { PermissionLists } from './permission-lists.ts';

/** Device kinds that are access points a group can name. */
export const DOOR_KINDS: ReadonlySet<string> = new Set(['door', 'turnstile']);

/**
 * 门禁权限: a university's access groups and door settings, each change audited; the console's
 * 模拟刷卡 asks the same decider the controllers ask.
 */
export class AccessControlService {
  constructor(
    private readonly db: ModuleDb<'access-control'>,
    private readonly devices: Pick<DevicesService, 'ofUniversity' | 'byIds'>,
    private readonly org: Pick<OrgService, 'isUniversity' | 'namesOf'>,
    private readonly people: Pick<PeopleService, 'activeHolders' | 'namesOf'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly decider: AccessDecider,
    private readonly lists: PermissionLists,
    private readonly clock: Clock,
  ) {}

  private universityOf(actor: Actor, requested: string | undefined): string {
    const id = listScope(actor, requested);
    if (!id) throw invalidField('universityId', 'is required for a city-wide account: name the university', 'required');
    return id;
  }

  private async doorsById(universityId: string) {
    const devices = await this.devices.ofUniversity(universityId);
    return new Map(devices.filter((d) => DOOR_KINDS.has(d.kind)).map((d) => [d.id, d]));
  }

  /** Active people holding at least one active credential (whom a group can let in), once each. */
  private async activePeople(universityId: string) {
    const holders = await this.people.activeHolders(universityId);
    return [...new Map(holders.filter((h) => h.status === 'active').map((h) => [h.personId, h])).values()];
  }

  async groups(actor: Actor, q: { universityId?: string }): Promise<AccessGroup[]> {
    const universityId = this.universityOf(actor, q.universityId);
    const [rows, active] = await Promise.all([repo.groupsOf(this.db, universityId), this.activePeople(universityId)]);
    const names = await this.people.namesOf(universityId, [...new Set(rows.flatMap((r) => toGroupRule(r).members.personIds))]);
    return rows.map((r) => this.toGroup(r, active, names));
  }

  private toGroup(r: GroupRow, people: Parameters<typeof isMember>[1][], names: ReadonlyMap<string, string> = new Map()): AccessGroup {
    const rule = toGroupRule(r);
    return {
      id: r.id,
      universityId: r.university_id,
      name: r.name,
      doorIds: [...rule.doorIds],
      members: rule.members,
      namedPeople: rule.members.personIds.map((id) => ({ id, name: names.get(id) ?? id })),
      schedule: rule.schedule,
      validFrom: r.valid_from,
      validUntil: r.valid_until,
      enabled: r.enabled === 1,
      memberCount: people.filter((p) => isMember(rule, p)).length,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  private async group(actor: Actor, id: string): Promise<GroupRow> {
    return assertInScope(actor, await repo.findGroup(this.db, id), (g) => g.university_id, 'access group');
  }

  async createGroup(actor: Actor, { universityId: requested, ...input }: AccessGroupCreate): Promise<AccessGroup> {
    const universityId = await writeScope(actor, requested, (id) => this.org.isUniversity(id));
    const now = this.clock.nowIso();
    const row: GroupRow = { id: uuid7(), university_id: universityId, ...(await this.checked(universityId, input, null)), created_at: now, updated_at: now };
    await this.db.transaction().execute(async (trx) => {
      await repo.insertGroup(trx, row);
      await this.audit.record(trx, actor, { action: 'create', entityType: 'access_group', entityId: row.id, universityId, after: this.toGroup(row, []) });
    });
    return this.changed(universityId, row);
  }

  async updateGroup(actor: Actor, id: string, input: AccessGroupInput): Promise<AccessGroup> {
    const before = await this.group(actor, id);
    const after: GroupRow = { ...before, ...(await this.checked(before.university_id, input, id)), updated_at: this.clock.nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await repo.updateGroup(trx, after);
      await this.audit.record(trx, actor, { action: 'update', entityType: 'access_group', entityId: id, universityId: before.university_id, before: this.toGroup(before, []), after: this.toGroup(after, []) });
    });
    return this.changed(before.university_id, after);
  }

  async deleteGroup(actor: Actor, id: string): Promise<void> {
    const before = await this.group(actor, id);
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteGroup(trx, id);
      await this.audit.record(trx, actor, { action: 'delete', entityType: 'access_group', entityId: id, universityId: before.university_id, before: this.toGroup(before, []) });
    });
    this.decider.forget(before.university_id);
  }

  /** After a change: the decider reads the rules again, and the member count is the current one. */
  private async changed(universityId: string, row: GroupRow): Promise<AccessGroup> {
    this.decider.forget(universityId);
    const [active, names] = await Promise.all([this.activePeople(universityId), this.people.namesOf(universityId, toGroupRule(row).members.personIds)]);
    return this.toGroup(row, active, names);
  }

  private async checked(universityId: string, input: AccessGroupInput, id: string | null): Promise<Omit<GroupRow, 'id' | 'university_id' | 'created_at' | 'updated_at'>> {
    const name = input.name.trim();
    if (!name) throw invalidField('name', 'must not be blank', 'required');
    const same = await repo.groupNamed(this.db, universityId, name);
    if (same && same.id !== id) throw conflict(`an access group named ${name} exists`, [{ field: 'name', reason: 'is taken in this university', rule: 'unique' }]);
    const doors = await this.doorsById(universityId);
    input.doorIds.forEach((d, i) => {
      if (!doors.has(d)) throw invalidField(`doorIds.${i}`, 'is not a door or turnstile of this university');
    });
    const { personIds, kinds, departments } = input.members;
    if (!personIds.length && !kinds.length && !departments.length) throw invalidField('members', 'name people, person kinds or departments: a group of nobody opens nothing', 'required');
    if (personIds.length) {
      const known = await this.people.namesOf(universityId, personIds);
      const i = personIds.findIndex((p) => !known.has(p));
      if (i >= 0) throw invalidField(`members.personIds.${i}`, 'is not a person of this university');
    }
    const validFrom = input.validFrom ?? null;
    const validUntil = input.validUntil ?? null;
    if (validFrom && validUntil && validUntil < validFrom) throw invalidField('validUntil', 'must not be before validFrom');
    return {
      name,
      door_ids: writeJson(input.doorIds),
      members: writeJson({ personIds: [...new Set(personIds)], kinds, departments: [...new Set(departments.map((d) => d.trim()).filter(Boolean))] }),
      schedule: input.schedule ? writeJson(input.schedule) : null,
      valid_from: validFrom,
      valid_until: validUntil,
      enabled: input.enabled === false ? 0 : 1,
    };
  }

  async doors(actor: Actor, q: { universityId?: string }): Promise<AccessDoor[]> {
    const universityId = this.universityOf(actor, q.universityId);
    const [doors, rows, groups] = await Promise.all([this.doorsById(universityId), repo.doorsOf(this.db, universityId), repo.groupsOf(this.db, universityId)]);
    const settings = new Map(rows.map((r) => [r.door_id, r]));
    const buildings = await this.org.namesOf([...new Set([...doors.values()].map((d) => d.buildingId).filter((b): b is string => b !== null))]);
    const rules = groups.map(toGroupRule);
    return [...doors.values()]
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
      .map((d) => this.toDoor(d, settings.get(d.id), buildings, rules.filter((g) => g.doorIds.has(d.id)).length));
  }

  private toDoor(d: { id: string; universityId: string; name: string; buildingId: string | null }, row: DoorRow | undefined, buildings: ReadonlyMap<string, string>, groupCount: number): AccessDoor {
    const rule = toDoorRule(d.id, row);
    return {
      doorId: d.id,
      universityId: d.universityId,
      name: d.name,
      buildingName: d.buildingId ? (buildings.get(d.buildingId) ?? null) : null,
      mode: doorMode(row),
      credentials: [...rule.credentials],
      antiPassback: rule.antiPassback,
      firstCardUnlock: rule.firstCardUnlock,
      normallyOpen: rule.normallyOpen,
      groupCount,
      list: listState(row),
    };
  }

  private async door(actor: Actor, doorId: string) {
    const [device] = await this.devices.byIds([doorId]);
    const door = assertInScope(actor, device && DOOR_KINDS.has(device.kind) ? device : undefined, (d) => d.universityId, 'door');
    return { device: door, row: await repo.findDoor(this.db, doorId) };
  }

  async setDoor(actor: Actor, doorId: string, input: AccessDoorSettings): Promise<AccessDoor> {
    const { device, row: before } = await this.door(actor, doorId);
    if (input.credentials.includes('face') && !input.credentials.some((c) => c === 'card' || c === 'qr'))
      throw invalidField('credentials', 'a face-enabled door keeps a card or QR alternative: face is never the only way in', 'face_alternative');
    const normallyOpen: ScheduleT | null = input.normallyOpen ?? null;
    if (input.firstCardUnlock && !normallyOpen) throw invalidField('normallyOpen', 'first-card unlock (首卡开门) needs the normally-open hours it opens the door for', 'required');
    const now = this.clock.nowIso();
    const row: DoorRow = {
      door_id: doorId,
      university_id: device.universityId,
      mode: input.mode as DoorMode,
      credentials: writeJson(input.credentials as DoorCredential[]),
      anti_passback: input.antiPassback ? 1 : 0,
      first_card_unlock: input.firstCardUnlock ? 1 : 0,
      normally_open: normallyOpen ? writeJson(normallyOpen) : null,
      first_unlocked_on: before?.first_unlocked_on ?? null,
      list_version: before?.list_version ?? 0,
      list_hash: before?.list_hash ?? null,
      list_entries: before?.list_entries ?? 0,
      list_status: before?.list_status ?? null,
      list_sent_at: before?.list_sent_at ?? null,
      list_acked_version: before?.list_acked_version ?? null,
      list_acked_at: before?.list_acked_at ?? null,
      list_message: before?.list_message ?? null,
      updated_at: now,
    };
    const view = (r: DoorRow | undefined) => (r ? { mode: r.mode, credentials: readJson(r.credentials), antiPassback: r.anti_passback === 1, firstCardUnlock: r.first_card_unlock === 1, normallyOpen: r.normally_open ? readJson(r.normally_open) : null } : null);
    await this.db.transaction().execute(async (trx) => {
      await repo.saveDoor(trx, row);
      await this.audit.record(trx, actor, { action: 'update', entityType: 'access_door', entityId: doorId, universityId: device.universityId, before: view(before), after: view(row) });
    });
    this.decider.forget(device.universityId);
    return (await this.doors(actor, { universityId: device.universityId })).find((d) => d.doorId === doorId)!;
  }

  /** 立即下发: sends the door's list now, whatever its state, and waits for the controller's answer. */
  async pushList(actor: Actor, doorId: string): Promise<AccessDoor> {
    const { device, row } = await this.door(actor, doorId);
    if (!row || row.mode !== 'offline') throw invalidField('mode', 'the door decides online: it asks at each swipe and holds no list', 'offline_only');
    await this.lists.pushUniversity(device.universityId, doorId);
    return (await this.doors(actor, { universityId: device.universityId })).find((d) => d.doorId === doorId)!;
  }

  /** Writes groups and door settings as they are, in the caller's transaction (the demo seed audits once). */
  async loadBulk(work: Work, groups: GroupRow[], doors: DoorRow[]): Promise<void> {
    const db = ownTables<'access-control'>(work);
    for (const g of groups) await repo.insertGroup(db, g);
    for (const d of doors) await repo.saveDoor(db, d);
  }

  /** 模拟刷卡: what the door would answer now (or at `at`), without recording a passage. */
  async check(actor: Actor, q: AccessCheck): Promise<AccessCheckResult> {
    const { device } = await this.door(actor, q.doorId).catch(() => {
      throw invalidField('doorId', 'is not a door or turnstile of this university');
    });
    const atMs = q.at ? Date.parse(q.at) : this.clock.now();
    const { decision, groupName, personName } = await this.decider.decide(device.universityId, q.doorId, q, atMs, false);
    return { ...decision, groupName, personName };
  }
}
