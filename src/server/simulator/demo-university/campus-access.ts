/**
 * The demo university's door permissions (门禁权限): access groups as a security office sets them
 * up (dormitory hours for students, teaching buildings, key rooms for named offices, the security
 * office everywhere) and how each door decides: key rooms offline with a pushed list, the rest
 * online. Derived from the devices and people, with ids from its own stream of the seed.
 */
import type { ScheduleT } from '../../../shared/alarms.ts';
import type { AccessMembers } from '../../../shared/access-control.ts';
import type { Device } from '../../../shared/devices.ts';
import type { OrgUnit } from '../../../shared/org.ts';
import type { AccessDoorTable, AccessGroupTable } from '../../store/schema.ts';
import { Random } from '../../util/random.ts';
import { doorRole, type DoorRole } from '../scenario/devices.ts';

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS = [1, 2, 3, 4, 5];
const hours = (days: number[], from: string, to: string, holidays: ScheduleT['holidays'] = 'as_sunday'): ScheduleT => ({ periods: [{ days, from, to }], holidays, vacations: 'as_scheduled' });

interface GroupPlan {
  name: string;
  roles: DoorRole[];
  members: AccessMembers;
  schedule: ScheduleT | null;
}

const GROUPS: GroupPlan[] = [
  { name: '学生公寓（住宿学生）', roles: ['dorm'], members: { personIds: [], kinds: ['student'], departments: [] }, schedule: hours(EVERY_DAY, '06:00', '23:30') },
  { name: '教学楼与图书馆', roles: ['class'], members: { personIds: [], kinds: ['student', 'staff'], departments: [] }, schedule: hours(EVERY_DAY, '06:30', '22:30') },
  { name: '重点部位（机房、实验室、财务）', roles: ['secure'], members: { personIds: [], kinds: ['staff'], departments: ['信息化办公室', '资产管理处', '保卫处'] }, schedule: hours(WEEKDAYS, '08:00', '20:00', 'disarmed') },
  { name: '保卫处（全天候）', roles: ['dorm', 'class', 'secure', 'service'], members: { personIds: [], kinds: [], departments: ['保卫处'] }, schedule: null },
  { name: '宿管与学工', roles: ['dorm'], members: { personIds: [], kinds: ['staff'], departments: ['后勤保障处', '学生工作部'] }, schedule: null },
  { name: '后勤外包服务', roles: ['service', 'class'], members: { personIds: [], kinds: ['contractor'], departments: [] }, schedule: hours(EVERY_DAY, '05:30', '21:00') },
];

export function generateDemoAccess(opts: { seed: number; universityId: string; createdAt: string; devices: readonly Device[]; buildings: readonly OrgUnit[] }): { groups: AccessGroupTable[]; doors: AccessDoorTable[] } {
  const ids = new Random(opts.seed).fork('campus-access');
  const buildingName = new Map(opts.buildings.map((b) => [b.id, b.name]));
  const doors = opts.devices
    .filter((d) => (d.kind === 'door' || d.kind === 'turnstile') && d.status === 'in_service')
    .map((d) => ({ d, role: doorRole({ name: d.name, buildingName: d.buildingId ? (buildingName.get(d.buildingId) ?? null) : null }) }));
  const groups: AccessGroupTable[] = GROUPS.map((g) => ({
    id: ids.uuid(),
    university_id: opts.universityId,
    name: g.name,
    door_ids: JSON.stringify(doors.filter((x) => g.roles.includes(x.role)).map((x) => x.d.id)),
    members: JSON.stringify(g.members),
    schedule: g.schedule ? JSON.stringify(g.schedule) : null,
    valid_from: null,
    valid_until: null,
    enabled: 1,
    created_at: opts.createdAt,
    updated_at: opts.createdAt,
  })).filter((g) => g.door_ids !== '[]');
  const settings: AccessDoorTable[] = doors.map(({ d, role }) => ({
    door_id: d.id,
    university_id: opts.universityId,
    // Key rooms keep working when the network does not: their controllers decide from a list.
    mode: role === 'secure' ? 'offline' : 'online',
    credentials: JSON.stringify(role === 'secure' ? ['card'] : role === 'dorm' ? ['card', 'qr', 'face'] : ['card', 'qr']),
    anti_passback: 0,
    first_card_unlock: 0,
    normally_open: null,
    first_unlocked_on: null,
    list_version: 0,
    list_hash: null,
    list_entries: 0,
    list_status: null,
    list_sent_at: null,
    list_acked_version: null,
    list_acked_at: null,
    list_message: null,
    updated_at: opts.createdAt,
  }));
  return { groups, doors: settings };
}
