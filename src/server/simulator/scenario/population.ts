/**
 * The people and vehicles of the simulated campus, computed from an index instead of stored,
 * so 40,000 students cost no memory: student numbers (学号 2023xxxxxx), staff numbers (工号),
 * campus card numbers (一卡通) and Shanghai-style number plates.
 */
import { hashString, Random } from '../../util/random.ts';

export interface Person {
  personId: string;
  cardNo: string;
  student: boolean;
}

const STUDENTS = 40_000;
const STAFF = 4_000;
/** Undergraduate and graduate intake years on campus now. */
const INTAKE_YEARS = [2021, 2022, 2023, 2024, 2025] as const;
const COLLEGES = 24;

/** A bijection on [0, 10^10): distinct people always get distinct card numbers. */
const CARD_MULTIPLIER = 3_141_592_653; // odd and not a multiple of 5, so invertible mod 10^10
const cardOf = (index: number, salt: number) => String((index * CARD_MULTIPLIER + salt) % 10_000_000_000).padStart(10, '0');

export class Population {
  readonly students = STUDENTS;
  readonly staff = STAFF;
  private readonly salt: number;

  constructor(seed: number) {
    this.salt = hashString(`cards:${seed}`) % 1_000_000_000;
  }

  /** Student `i` (0 ≤ i < students): 学号 = intake year + college (2 digits) + sequence (4 digits). */
  student(i: number): Person {
    const year = INTAKE_YEARS[i % INTAKE_YEARS.length];
    const rest = Math.floor(i / INTAKE_YEARS.length);
    const college = (rest % COLLEGES) + 1;
    const seq = Math.floor(rest / COLLEGES) + 1;
    return { personId: `${year}${String(college).padStart(2, '0')}${String(seq).padStart(4, '0')}`, cardNo: cardOf(i, this.salt), student: true };
  }

  /** Staff member `j`: 6-digit 工号. */
  staffMember(j: number): Person {
    return { personId: String(100001 + j), cardNo: cardOf(STUDENTS + j, this.salt), student: false };
  }

  randomStudent(rng: Random): Person {
    return this.student(rng.int(0, STUDENTS - 1));
  }

  randomStaff(rng: Random): Person {
    return this.staffMember(rng.int(0, STAFF - 1));
  }

  /** Anyone on campus: mostly students. */
  randomPerson(rng: Random, staffShare = 0.15): Person {
    return rng.chance(staffShare) ? this.randomStaff(rng) : this.randomStudent(rng);
  }

  /** A resident of dormitory `dorm` of `dorms` (students are spread over the dormitories by index). */
  resident(rng: Random, dorm: number, dorms: number): Person {
    const d = Math.max(1, dorms);
    const k = ((dorm % d) + d) % d;
    const count = Math.floor((STUDENTS - 1 - k) / d) + 1;
    return this.student(k + d * rng.int(0, count - 1));
  }

  /** A card the system does not know (lost-and-replaced, another school's, a copy). */
  unknownCard(rng: Random): string {
    return rng.pick(['9', '8']) + rng.digits(9);
  }

  /** A visitor's QR pass (预约码). */
  visitorPass(rng: Random, date: string): string {
    return `V${date.replace(/-/g, '')}${rng.digits(4)}`;
  }
}

// ---- vehicles ---------------------------------------------------------------------------------

/** Letters used on plates (I and O are not used). */
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Shanghai issuing codes (沪C is the suburban plate, rarer in the city). */
const SHANGHAI: readonly (readonly [string, number])[] = [
  ['A', 14], ['B', 12], ['D', 12], ['E', 10], ['F', 10], ['G', 9], ['H', 8], ['J', 8], ['K', 8], ['L', 7], ['M', 6], ['N', 5], ['C', 3],
];
/** Neighbouring provinces' plates seen at Shanghai campuses. */
const OUT_OF_TOWN: readonly (readonly [string, number])[] = [
  ['苏E', 5], ['苏B', 4], ['苏A', 3], ['苏F', 2], ['浙A', 4], ['浙B', 2], ['浙F', 2], ['皖A', 2], ['京A', 1], ['粤B', 1],
];

export type PlateColour = 'blue' | 'green' | 'yellow';
export type VehicleType = 'car' | 'bus' | 'truck';

export interface Vehicle {
  /** As the LPR camera reports it, without the separator dot: 沪A12345, 沪AD12345. */
  plate: string;
  colour: PlateColour;
  vehicleType: VehicleType;
}

/** A random plate. New-energy plates are green with 6 characters (D = electric, F = hybrid). */
export function randomVehicle(rng: Random): Vehicle {
  const prefix = rng.chance(0.82) ? `沪${rng.weighted(SHANGHAI)}` : rng.weighted(OUT_OF_TOWN);
  const r = rng.next();
  if (r < 0.03) return { plate: prefix + rng.digits(5), colour: 'yellow', vehicleType: rng.chance(0.6) ? 'bus' : 'truck' };
  if (r < 0.3) {
    const kind = rng.chance(0.8) ? 'D' : 'F';
    const tail = rng.chance(0.85) ? rng.digits(5) : PLATE_LETTERS[rng.int(0, PLATE_LETTERS.length - 1)] + rng.digits(4);
    return { plate: prefix + kind + tail, colour: 'green', vehicleType: 'car' };
  }
  const chars = rng.digits(5).split('');
  if (rng.chance(0.35)) chars[rng.int(0, 4)] = PLATE_LETTERS[rng.int(0, PLATE_LETTERS.length - 1)];
  return { plate: prefix + chars.join(''), colour: 'blue', vehicleType: 'car' };
}

/** The demo's registered vehicles: the live simulator and the demo history drive them, and the demo seed lists them. */
export const DEMO_FLEET_SEED = 20260101;

/** The registered vehicles of staff and the university (computed by index, stable per seed). */
export class Fleet {
  constructor(
    private readonly seed: number,
    readonly size = 1500,
  ) {}

  vehicle(i: number): Vehicle {
    return randomVehicle(new Random(hashString(`fleet:${this.seed}:${i}`)));
  }

  random(rng: Random): Vehicle {
    return this.vehicle(rng.int(0, this.size - 1));
  }
}

/** Plate text as people write it (沪A·12345) → as devices send it (沪A12345). */
export const plateForDevice = (display: string) => display.replace(/[·•.\s-]/g, '');
