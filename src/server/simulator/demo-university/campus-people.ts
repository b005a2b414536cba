/**
 * The demo university's people register (人员库): a few hundred students, staff and contractors
 * with campus cards, deterministic from the seed. Their own random streams and ids (forks of the
 * seed), so adding them shifts nothing else the demo generates.
 */
import type { CredentialRecord, PersonRecord } from '../../modules/people/index.ts';
import type { PersonKind } from '../../../shared/people.ts';
import { Random } from '../../util/random.ts';
import { NameGenerator } from './people.ts';

const DEPARTMENTS = ['计算机科学与技术学院', '数学科学学院', '物理学院', '化学与分子工程学院', '外国语学院', '经济管理学院', '法学院', '生命科学学院', '材料科学与工程学院', '马克思主义学院'];
const STAFF_DEPARTMENTS = ['保卫处', '后勤保障处', '教务处', '学生工作部', '信息化办公室', '图书馆', '资产管理处'];
const CONTRACTORS = ['物业服务中心（外包）', '食堂（外包）', '保洁（外包）'];
const MOBILE_PREFIXES = ['139', '138', '137', '136', '135', '158', '159', '186', '187', '188', '189', '133', '153', '177', '181'];
// Shanghai district codes (上海市 徐汇、长宁、闵行、浦东 …) and a few other provinces' capitals: where students come from.
const REGIONS = ['310104', '310105', '310112', '310115', '320102', '330106', '340104', '370102', '420106', '510104', '110105', '440106'];

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A resident id number with a valid check digit (GB 11643). */
function residentId(rng: Random, birthYear: number): string {
  const m = rng.int(1, 12);
  const d = rng.int(1, 28);
  const body = `${rng.pick(REGIONS)}${birthYear}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${rng.digits(3)}`;
  const sum = WEIGHTS.reduce((s, w, i) => s + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

export interface DemoPeople {
  people: PersonRecord[];
  credentials: CredentialRecord[];
}

export const DEMO_PEOPLE_COUNTS = { student: 320, staff: 90, contractor: 30 } as const;

export function generateDemoPeople(opts: { seed: number; universityId: string; createdAt: string }): DemoPeople {
  const root = new Random(opts.seed).fork('campus-people');
  const rng = root.fork('fields');
  const idRng = root.fork('ids');
  const names = new NameGenerator(root.fork('names'));
  const people: PersonRecord[] = [];
  const credentials: CredentialRecord[] = [];
  const cards = new Set<string>();
  const add = (kind: PersonKind, number: string, department: string, birthYear: number, validUntil: string | null) => {
    const id = idRng.uuid();
    const status = rng.chance(0.03) ? 'suspended' : 'active';
    people.push({
      id,
      universityId: opts.universityId,
      kind,
      name: names.next(),
      number,
      department,
      idNumber: residentId(rng, birthYear),
      phone: rng.pick(MOBILE_PREFIXES) + rng.digits(8),
      status,
      validUntil,
      createdAt: opts.createdAt,
      updatedAt: opts.createdAt,
    });
    let card: string;
    do card = '30' + rng.digits(8);
    while (cards.has(card));
    cards.add(card);
    credentials.push({ id: idRng.uuid(), universityId: opts.universityId, personId: id, kind: 'card', value: card, status: 'active', createdAt: opts.createdAt, revokedAt: null });
  };
  for (let i = 0; i < DEMO_PEOPLE_COUNTS.student; i++) {
    const year = 2022 + (i % 4);
    add('student', `${year}${String(1000 + i).padStart(5, '0')}`, rng.pick(DEPARTMENTS), year - 18 - rng.int(0, 1), `${year + 4}-07-31`);
  }
  for (let i = 0; i < DEMO_PEOPLE_COUNTS.staff; i++) add('staff', `T${String(10001 + i)}`, rng.chance(0.5) ? rng.pick(STAFF_DEPARTMENTS) : rng.pick(DEPARTMENTS), rng.int(1965, 1998), null);
  for (let i = 0; i < DEMO_PEOPLE_COUNTS.contractor; i++) add('contractor', `W${String(5001 + i)}`, rng.pick(CONTRACTORS), rng.int(1970, 2000), '2026-12-31');
  return { people, credentials };
}
