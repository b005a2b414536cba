/**
 * The demo university's vehicle list (车辆名单): the simulator's registered fleet (DEMO_FLEET_SEED),
 * so the plates its gate cameras read are the ones listed — staff and students most, contractors
 * with their evening hours, a few approved guests with a week's pass, two banned plates. Its own
 * random streams and ids, so adding it shifts nothing else the demo generates.
 */
import { CONTRACTOR_DEFAULT_SCHEDULE, type VehicleList } from '../../../shared/vehicles.ts';
import type { VehicleRow } from '../../modules/vehicles/index.ts';
import { Random } from '../../util/random.ts';
import { DEMO_FLEET_SEED, Fleet } from '../scenario/population.ts';
import { NameGenerator } from './people.ts';

const STAFF_DEPARTMENTS = ['保卫处', '后勤保障处', '教务处', '学生工作部', '信息化办公室', '图书馆', '资产管理处', '计算机科学与技术学院', '数学科学学院', '物理学院'];
const CONTRACTORS = ['物业服务中心（外包）', '食堂（外包）', '绿化养护（外包）', '基建施工（外包）'];
/** Indices of the fleet whose plates are banned (they come now and then, as such cars do). */
const BANNED = new Set([17, 1017]);

function listOf(i: number): VehicleList {
  if (BANNED.has(i)) return 'banned';
  const r = i % 100;
  return r < 55 ? 'staff' : r < 83 ? 'student' : r < 95 ? 'contractor' : 'guest';
}

export function generateDemoVehicles(opts: { seed: number; universityId: string; createdAt: string }): VehicleRow[] {
  const root = new Random(opts.seed).fork('campus-vehicles');
  const rng = root.fork('fields');
  const idRng = root.fork('ids');
  const names = new NameGenerator(root.fork('names'));
  const fleet = new Fleet(DEMO_FLEET_SEED);
  const created = Date.parse(opts.createdAt);
  const seen = new Set<string>();
  const rows: VehicleRow[] = [];
  for (let i = 0; i < fleet.size; i++) {
    const { plate } = fleet.vehicle(i);
    if (seen.has(plate)) continue; // two fleet entries drew one plate: list it once
    seen.add(plate);
    const list = listOf(i);
    const guest = list === 'guest';
    rows.push({
      id: idRng.uuid(),
      university_id: opts.universityId,
      plate,
      list,
      owner_name: names.next(),
      owner_phone: list === 'banned' ? null : `1${rng.pick(['38', '39', '58', '86', '88'])}${rng.digits(8)}`,
      owner_department: list === 'contractor' ? rng.pick(CONTRACTORS) : list === 'staff' || list === 'student' ? rng.pick(STAFF_DEPARTMENTS) : null,
      valid_from: guest ? opts.createdAt : null,
      valid_until: guest ? new Date(created + 7 * 86_400_000).toISOString() : list === 'contractor' ? new Date(created + 180 * 86_400_000).toISOString() : null,
      schedule: list === 'contractor' ? JSON.stringify(CONTRACTOR_DEFAULT_SCHEDULE) : null,
      approved_by: guest ? '保卫处处长' : null,
      approved_at: guest ? opts.createdAt : null,
      note: list === 'banned' ? '多次强行闯闸，禁止入校' : null,
      status: 'active',
      inside: 0,
      last_passage_at: null,
      overstay_reported_at: null,
      created_at: opts.createdAt,
      updated_at: opts.createdAt,
    });
  }
  return rows;
}
