import type { AccessMembers, DoorCredential, DoorListState, DoorMode, ListStatus } from '../../../shared/access-control.ts';
import type { ScheduleT } from '../../../shared/alarms.ts';
import { readJson } from '../../store/database.ts';
import type { AccessDoorTable, AccessGroupTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { DoorRule, GroupRule } from './access-decision.ts';
import { DEFAULT_DOOR_CREDENTIALS } from './access-decision.ts';

type Db = ModuleDb<'access-control'>;
export type GroupRow = AccessGroupTable;
export type DoorRow = AccessDoorTable;

export function toGroupRule(r: GroupRow): GroupRule {
  const members = readJson<AccessMembers>(r.members);
  return {
    id: r.id,
    name: r.name,
    doorIds: new Set(readJson<string[]>(r.door_ids)),
    members,
    personIds: new Set(members.personIds),
    schedule: r.schedule ? readJson<ScheduleT>(r.schedule) : null,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    enabled: r.enabled === 1,
  };
}

export function toDoorRule(doorId: string, r: DoorRow | undefined): DoorRule {
  if (!r) return { doorId, credentials: DEFAULT_DOOR_CREDENTIALS, antiPassback: false, firstCardUnlock: false, normallyOpen: null, firstUnlockedOn: null };
  return {
    doorId,
    credentials: readJson<DoorCredential[]>(r.credentials),
    antiPassback: r.anti_passback === 1,
    firstCardUnlock: r.first_card_unlock === 1,
    normallyOpen: r.normally_open ? readJson<ScheduleT>(r.normally_open) : null,
    firstUnlockedOn: r.first_unlocked_on,
  };
}

export function listState(r: DoorRow | undefined): DoorListState | null {
  if (!r || r.mode !== 'offline') return null;
  return {
    version: r.list_version,
    entries: r.list_entries,
    status: r.list_status as ListStatus | null,
    sentAt: r.list_sent_at,
    ackedVersion: r.list_acked_version,
    ackedAt: r.list_acked_at,
    message: r.list_message,
  };
}

export const doorMode = (r: DoorRow | undefined): DoorMode => (r?.mode as DoorMode | undefined) ?? 'online';

export const accessRepository = {
  groupsOf(db: Db, universityId: string): Promise<GroupRow[]> {
    return db.selectFrom('access_groups').selectAll().where('university_id', '=', universityId).orderBy('name').execute();
  },
  findGroup(db: Db, id: string): Promise<GroupRow | undefined> {
    return db.selectFrom('access_groups').selectAll().where('id', '=', id).executeTakeFirst();
  },
  groupNamed(db: Db, universityId: string, name: string): Promise<GroupRow | undefined> {
    return db.selectFrom('access_groups').selectAll().where('university_id', '=', universityId).where('name', '=', name).executeTakeFirst();
  },
  async insertGroup(db: Db, row: GroupRow) {
    await db.insertInto('access_groups').values(row).execute();
  },
  async updateGroup(db: Db, row: GroupRow) {
    const { id, ...rest } = row;
    await db.updateTable('access_groups').set(rest).where('id', '=', id).execute();
  },
  async deleteGroup(db: Db, id: string) {
    await db.deleteFrom('access_groups').where('id', '=', id).execute();
  },
  doorsOf(db: Db, universityId: string): Promise<DoorRow[]> {
    return db.selectFrom('access_doors').selectAll().where('university_id', '=', universityId).execute();
  },
  findDoor(db: Db, doorId: string): Promise<DoorRow | undefined> {
    return db.selectFrom('access_doors').selectAll().where('door_id', '=', doorId).executeTakeFirst();
  },
  async saveDoor(db: Db, row: DoorRow) {
    const { door_id, ...rest } = row;
    await db.insertInto('access_doors').values(row).onConflict((oc) => oc.column('door_id').doUpdateSet(rest)).execute();
  },
  async updateDoor(db: Db, doorId: string, patch: Partial<Omit<DoorRow, 'door_id'>>) {
    await db.updateTable('access_doors').set(patch).where('door_id', '=', doorId).execute();
  },
  offlineUniversities(db: Db): Promise<string[]> {
    return db.selectFrom('access_doors').select('university_id').distinct().where('mode', '=', 'offline').execute().then((rows) => rows.map((r) => r.university_id));
  },
  async lastDirection(db: Db, personId: string, doorId: string): Promise<'in' | 'out' | null> {
    const r = await db.selectFrom('access_passback').select('direction').where('person_id', '=', personId).where('door_id', '=', doorId).executeTakeFirst();
    return (r?.direction as 'in' | 'out' | undefined) ?? null;
  },
  async recordPassage(db: Db, row: { person_id: string; door_id: string; university_id: string; direction: string; at: string }) {
    await db
      .insertInto('access_passback')
      .values(row)
      .onConflict((oc) => oc.columns(['person_id', 'door_id']).doUpdateSet({ direction: row.direction, at: row.at }))
      .execute();
  },
};
