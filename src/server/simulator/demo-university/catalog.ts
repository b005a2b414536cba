/**
 * What the demo university consists of (pure data): its two campuses, their road grid, the
 * use of every lot, the gates and the special rooms of buildings. campus-plan.ts turns this
 * into geometry.
 */
import type { KeySiteCategory, PrivacyKind } from '../../../shared/domain.ts';

export const DEMO_UNIVERSITY = {
  name: '示范大学',
  code: '10999',
  address: '上海市杨浦区示范路100号',
} as const;

export type BuildingType =
  | 'admin'
  | 'security'
  | 'office'
  | 'auditorium'
  | 'library'
  | 'hospital'
  | 'teaching'
  | 'activity'
  | 'lab'
  | 'isotope'
  | 'network'
  | 'archives'
  | 'substation'
  | 'pump'
  | 'gym'
  | 'pool'
  | 'canteen'
  | 'dorm_old'
  | 'dorm_new'
  | 'dorm_grad';

/** corridor: rooms on both sides of a central corridor; hall: one large open space per floor. */
export type Layout = 'corridor' | 'hall';

interface TypeDefaults {
  layout: Layout;
  size: [number, number];
  entrances: number;
  /** Key-site category of the whole building, if any. */
  category?: KeySiteCategory;
}

export const TYPE_DEFAULTS: Record<BuildingType, TypeDefaults> = {
  admin: { layout: 'corridor', size: [66, 20], entrances: 2, category: 'admin_building' },
  security: { layout: 'corridor', size: [46, 16], entrances: 1 },
  office: { layout: 'corridor', size: [58, 18], entrances: 1 },
  auditorium: { layout: 'hall', size: [62, 42], entrances: 3, category: 'auditorium' },
  library: { layout: 'hall', size: [80, 52], entrances: 2, category: 'library' },
  hospital: { layout: 'corridor', size: [58, 18], entrances: 2 },
  teaching: { layout: 'corridor', size: [80, 22], entrances: 2, category: 'teaching_building' },
  activity: { layout: 'hall', size: [52, 36], entrances: 2 },
  lab: { layout: 'corridor', size: [70, 20], entrances: 2 },
  isotope: { layout: 'corridor', size: [30, 16], entrances: 1, category: 'hazardous_lab' },
  network: { layout: 'corridor', size: [50, 20], entrances: 1 },
  archives: { layout: 'corridor', size: [46, 18], entrances: 1, category: 'archives' },
  substation: { layout: 'hall', size: [28, 14], entrances: 1, category: 'utility' },
  pump: { layout: 'hall', size: [22, 12], entrances: 1, category: 'utility' },
  gym: { layout: 'hall', size: [76, 54], entrances: 3, category: 'sports_venue' },
  pool: { layout: 'hall', size: [64, 40], entrances: 2, category: 'sports_venue' },
  canteen: { layout: 'hall', size: [60, 40], entrances: 3, category: 'canteen' },
  dorm_old: { layout: 'corridor', size: [62, 16], entrances: 1, category: 'dormitory' },
  dorm_new: { layout: 'corridor', size: [66, 18], entrances: 2, category: 'dormitory' },
  dorm_grad: { layout: 'corridor', size: [70, 20], entrances: 2, category: 'dormitory' },
};

/** A room that becomes an org area (and possibly a key site) on given floors. */
export interface SpecialRoom {
  name: string;
  /** Floor levels (negative = basement). */
  levels: number[];
  /**
   * Where on a corridor floor: `back`/`front` band rooms counted from the building's west/east
   * end, or `both` = the whole depth of that half. Halls use `corner` (a back corner).
   */
  band: 'back' | 'front' | 'both' | 'corner';
  side: 'west' | 'east';
  /** Number of standard rooms (corridor `back`/`front`), or the room size in metres for `corner`. */
  rooms?: number;
  size?: [number, number];
  privacy?: PrivacyKind;
  category?: KeySiteCategory;
  /** Key-site name when it differs from the room name. */
  siteName?: string;
  /** A finance office that was never given a panic button (a planted flaw). */
  noPanicButton?: boolean;
  /** Its cameras keep video this many days, not the key sites' 90 (a planted flaw). */
  retentionDays?: number;
}

export interface BuildingSpec {
  name: string;
  type: BuildingType;
  floors: number;
  basements: number;
  /** Year the security system of the building was (last) installed: drives device ages. */
  year: number;
  size?: [number, number];
  special?: SpecialRoom[];
  /** Gets no camera at all (a planted coverage flaw). */
  noCameras?: boolean;
  /** One half of it (the half along its first corner) is out of every camera's view (a planted coverage flaw). */
  halfCovered?: boolean;
}

export type YardKind = 'parking' | 'square' | 'stadium' | 'gas';
export interface YardSpec {
  name: string;
  yard: YardKind;
  /** How many lots of the row it spans (default 1). */
  span?: number;
}

export type LotUse = { building: BuildingSpec; span?: number } | YardSpec | null;

export type Side = 'S' | 'N' | 'E' | 'W';
export interface GateSpec {
  name: string;
  side: Side;
  /** Position along the side in plan metres (x for S/N, y for E/W); matches a road. */
  at: number;
  vehicleLanes: number;
  turnstiles: number;
  /** False = the barrier lanes have no LPR camera (a planted flaw). */
  lpr: boolean;
}

export interface CampusSpec {
  key: 'main' | 'second';
  name: string;
  code: string;
  address: string;
  population: number;
  /** Plan origin (south-west corner before chamfer) and rotation of the plan x axis from east. */
  lon0: number;
  lat0: number;
  rotationDeg: number;
  width: number;
  height: number;
  chamfer: number;
  /** Plan x of north–south roads and y of east–west roads; the first of `vRoads` marked main is the avenue. */
  vRoads: number[];
  hRoads: number[];
  avenueX: number;
  /** GB/T 2260 centre code (8 digits) for GB/T 28181 ids. */
  gbArea: string;
  /** Second octet of the campus' 10.x.0.0/16 security network. */
  ipOctet: number;
  /** blocks[row][col] = [south lots, north lots], west → east. */
  blocks: LotUse[][][][];
  gates: GateSpec[];
}

// ---- helpers to keep the tables short ---------------------------------------------------------

const b = (name: string, type: BuildingType, floors: number, year: number, extra: Partial<BuildingSpec> = {}): { building: BuildingSpec } => ({
  building: { name, type, floors, basements: 0, year, ...extra },
});
const dormOld = (n: number, year: number) => b(`学生宿舍${n}号楼`, 'dorm_old', 6, year);
const dormNew = (n: number, floors: number, year: number) => b(`学生宿舍${n}号楼`, 'dorm_new', floors, year);
const teaching = (name: string, floors: number, year: number, extra: Partial<BuildingSpec> = {}) => b(name, 'teaching', floors, year, extra);
const yard = (name: string, kind: YardKind, span = 1): YardSpec => ({ name, yard: kind, span });
const green = null;

export const MAIN_CAMPUS: CampusSpec = {
  key: 'main',
  name: '杨浦校区（本部）',
  code: '10999-YP',
  address: '上海市杨浦区示范路100号',
  population: 28000,
  lon0: 121.4935,
  lat0: 31.2948,
  rotationDeg: 6,
  width: 1300,
  height: 1000,
  chamfer: 60,
  vRoads: [330, 650, 970],
  hRoads: [330, 660],
  avenueX: 650,
  gbArea: '31011000', // 上海市杨浦区
  ipOctet: 16,
  gates: [
    { name: '南大门（正门）', side: 'S', at: 650, vehicleLanes: 4, turnstiles: 6, lpr: true },
    { name: '北门', side: 'N', at: 650, vehicleLanes: 2, turnstiles: 4, lpr: true },
    { name: '东门', side: 'E', at: 330, vehicleLanes: 2, turnstiles: 3, lpr: true },
    { name: '西门', side: 'W', at: 660, vehicleLanes: 2, turnstiles: 3, lpr: false },
    { name: '后勤门', side: 'N', at: 970, vehicleLanes: 2, turnstiles: 2, lpr: true },
  ],
  blocks: [
    // row 0 (south)
    [
      [
        [dormOld(1, 2014), dormOld(2, 2014), b('第一食堂', 'canteen', 3, 2016)],
        [dormOld(3, 2015), dormOld(4, 2015), yard('燃气调压站', 'gas')],
      ],
      [
        [
          b('保卫处（安防监控中心）', 'security', 3, 2021, {
            special: [{ name: '安防监控中心', levels: [2], band: 'both', side: 'east', category: 'monitoring_center' }],
          }),
          b('行政楼', 'admin', 12, 2018, {
            basements: 1,
            special: [
              { name: '母婴室', levels: [1], band: 'back', side: 'west', rooms: 1, privacy: 'lactation_room' },
              { name: '财务处', levels: [2], band: 'back', side: 'west', rooms: 2, category: 'finance_office', siteName: '财务处（行政楼2层）', retentionDays: 30 },
              { name: '保密室', levels: [9], band: 'back', side: 'east', rooms: 1, category: 'secrets_room', siteName: '机要保密室（行政楼9层）' },
            ],
          }),
          yard('中心广场', 'square'),
        ],
        [b('大礼堂', 'auditorium', 2, 2017), b('学术交流中心', 'office', 8, 2019), yard('行政楼停车场', 'parking')],
      ],
      [
        [
          b('图书馆', 'library', 8, 2019, {
            basements: 1,
            special: [
              { name: '母婴室', levels: [1], band: 'corner', side: 'west', size: [6, 5], privacy: 'lactation_room' },
              { name: '古籍特藏库', levels: [-1], band: 'corner', side: 'east', size: [20, 14] },
            ],
          }),
          yard('访客停车场', 'parking'),
          b('校医院', 'hospital', 4, 2017, { special: [{ name: '药房', levels: [1], band: 'back', side: 'east', rooms: 1 }] }),
        ],
        [teaching('第一教学楼', 5, 2015), teaching('第二教学楼', 5, 2015), b('学生活动中心', 'activity', 4, 2020)],
      ],
      [
        [
          b('化学实验楼', 'lab', 6, 2016, {
            basements: 1,
            special: [{ name: '危险化学品仓库', levels: [-1], band: 'both', side: 'west', category: 'hazardous_lab', siteName: '化学实验楼危险化学品仓库' }],
          }),
          b('生命科学楼', 'lab', 8, 2018, {
            special: [{ name: 'BSL-2病原微生物实验室', levels: [4], band: 'back', side: 'east', rooms: 2, category: 'hazardous_lab' }],
          }),
          b('10kV开闭所', 'substation', 1, 2016),
        ],
        [
          b('材料科学楼', 'lab', 10, 2020, {
            special: [{ name: '先进材料国家重点实验室', levels: [5, 6], band: 'both', side: 'east', category: 'key_laboratory' }],
          }),
          b('物理楼', 'lab', 6, 2014),
          green,
        ],
      ],
    ],
    // row 1
    [
      [
        [dormOld(5, 2014), dormOld(6, 2014), b('第二食堂', 'canteen', 2, 2015, { halfCovered: true })],
        [dormOld(7, 2016), dormOld(8, 2016), green],
      ],
      [
        [teaching('第三教学楼', 6, 2017), green, teaching('第四教学楼', 5, 2016)],
        [
          b('计算机科学楼', 'lab', 12, 2021, {
            basements: 1,
            special: [{ name: '智能计算重点实验室', levels: [10], band: 'both', side: 'west', category: 'key_laboratory' }],
          }),
          b('网络中心', 'network', 4, 2019, {
            basements: 1,
            special: [
              { name: '数据中心机房', levels: [1], band: 'both', side: 'west', category: 'machine_room', siteName: '网络中心数据中心机房' },
              { name: 'UPS配电室', levels: [-1], band: 'both', side: 'east' },
            ],
          }),
          b('档案馆', 'archives', 4, 2014, {
            noCameras: true,
            special: [
              { name: '档案库房A区', levels: [2, 3, 4], band: 'both', side: 'west' },
              { name: '档案库房B区', levels: [2, 3, 4], band: 'both', side: 'east' },
            ],
          }),
        ],
      ],
      [
        [green, b('实验教学中心', 'lab', 5, 2017), green],
        [b('第三食堂', 'canteen', 2, 2018), green, yard('教学区停车场', 'parking')],
      ],
      [
        [green, b('环境工程楼', 'lab', 6, 2019), green],
        [green, b('游泳馆', 'pool', 1, 2018, { basements: 1 }), green],
      ],
    ],
    // row 2 (north)
    [
      [
        [b('体育馆', 'gym', 2, 2017), yard('田径场', 'stadium', 2)],
        [green, green, green],
      ],
      [
        [dormNew(9, 12, 2020), dormNew(10, 12, 2020), b('研究生公寓', 'dorm_grad', 18, 2022, { basements: 1 })],
        [dormNew(11, 12, 2021), dormNew(12, 12, 2021), green],
      ],
      [
        [teaching('第五教学楼', 6, 2022), green, green],
        [green, green, green],
      ],
      [
        [green, green, green],
        [green, green, b('同位素实验室', 'isotope', 2, 2015, { noCameras: true, special: [{ name: '放射源库', levels: [1], band: 'both', side: 'west' }] })],
      ],
    ],
  ],
};

export const SECOND_CAMPUS: CampusSpec = {
  key: 'second',
  name: '闵行校区',
  code: '10999-MH',
  address: '上海市闵行区示范南路2000号',
  population: 12000,
  lon0: 121.4255,
  lat0: 31.0268,
  rotationDeg: -4,
  width: 900,
  height: 700,
  chamfer: 40,
  vRoads: [300, 600],
  hRoads: [350],
  avenueX: 300,
  gbArea: '31011200', // 上海市闵行区
  ipOctet: 32,
  gates: [
    { name: '闵行校区正门', side: 'S', at: 300, vehicleLanes: 4, turnstiles: 4, lpr: true },
    { name: '闵行校区东门', side: 'E', at: 350, vehicleLanes: 2, turnstiles: 3, lpr: true },
    { name: '闵行校区北门', side: 'N', at: 600, vehicleLanes: 2, turnstiles: 2, lpr: true },
  ],
  blocks: [
    // row 0 (south)
    [
      [
        [green, yard('闵行校区停车场', 'parking'), green],
        [teaching('第六教学楼', 5, 2018), teaching('第七教学楼', 5, 2018), green],
      ],
      [
        [
          b('综合楼', 'admin', 8, 2019, {
            basements: 1,
            special: [
              { name: '分控中心', levels: [1], band: 'both', side: 'east', category: 'monitoring_center', siteName: '闵行校区安防分控中心' },
              { name: '母婴室', levels: [1], band: 'back', side: 'west', rooms: 1, privacy: 'lactation_room' },
              { name: '财务室', levels: [3], band: 'back', side: 'west', rooms: 2, category: 'finance_office', siteName: '闵行校区财务室（综合楼3层）', noPanicButton: true },
            ],
          }),
          b('闵行校区图书馆', 'library', 5, 2019),
          green,
        ],
        [b('工程实训中心', 'lab', 3, 2017), green, b('给水泵房', 'pump', 1, 2017)],
      ],
      [
        [
          b('环境科学实验楼', 'lab', 5, 2020, {
            special: [{ name: '危化品暂存间', levels: [2], band: 'back', side: 'east', rooms: 1, category: 'hazardous_lab', siteName: '环境科学实验楼危化品暂存间' }],
          }),
          green,
          green,
        ],
        [b('第四食堂', 'canteen', 2, 2018), green, b('体育中心', 'gym', 2, 2019)],
      ],
    ],
    // row 1 (north)
    [
      [
        [dormNew(13, 8, 2017), dormNew(14, 8, 2017), dormNew(15, 8, 2018)],
        [dormNew(16, 8, 2018), b('第五食堂', 'canteen', 2, 2019), green],
      ],
      [
        [dormNew(17, 8, 2019), dormNew(18, 8, 2019), green],
        [dormNew(19, 8, 2023), dormNew(20, 8, 2023), green],
      ],
      [
        [green, green, green],
        [green, green, green],
      ],
    ],
  ],
};

export const CAMPUSES: CampusSpec[] = [MAIN_CAMPUS, SECOND_CAMPUS];
