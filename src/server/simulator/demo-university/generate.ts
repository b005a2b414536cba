/**
 * The demo university as plain data: org units, key sites, devices, maintenance records,
 * accounts (without password hashes) and the list of planted flaws. Pure and deterministic:
 * the same seed and commission id always give deep-equal output (ids included).
 */
import { KEY_SITE_CATEGORIES, type DeviceKind, type KeySiteCategory } from '../../../shared/domain.ts';
import type { Position } from '../../../shared/geojson.ts';
import type { Device, MaintenanceRecord } from '../../../shared/devices.ts';
import type { KeySite, OrgUnit } from '../../modules/org/index.ts';
import { floorName, layoutCampus, type CampusLayout } from './campus-plan.ts';
import { CAMPUSES, DEMO_UNIVERSITY, type SpecialRoom } from './catalog.ts';
import { DraftBuilder, buildingCameras, gateDevices, outdoorCameras, perimeterZones, type CampusCtx, type PerimeterSegment } from './devices.ts';
import { finalizeDevices, maintenanceRecords, type UncoveredSite } from './finalize.ts';
import { centroid, type Ring } from './geometry.ts';
import { NameGenerator, demoAccounts, type DemoAccount } from './people.ts';
import { Random } from '../../util/random.ts';
import { alarmPanels, doorDevices, fireDetectors, intrusionZones, panicButtons, patrolCheckpoints } from './security-devices.ts';

export const DEMO_SEED = 10999;
/** created_at/updated_at of everything the demo writes. */
export const DEMO_CREATED_AT = '2026-01-01T00:00:00.000Z';
/** Maintenance records end here. */
export const DEMO_RECORDS_UNTIL = '2025-12-20';

export const DEMO_TARGETS = {
  doors: 600,
  alarmZones: 150, // intrusion + perimeter zones
  fireDetectors: 400,
  patrolCheckpoints: 120,
  maintenance: 320,
  shortRetentionRecorders: 3,
} as const;

export interface DemoFlaw {
  /** Stable key for tests and later compliance checks. */
  code: string;
  /** Rule the flaw is meant to trip, when it has a known id. */
  rule: string | null;
  description: string;
  entityType: 'device' | 'key_site' | 'org_unit';
  entityIds: string[];
  details?: Record<string, unknown>;
}

export interface DemoCounts {
  campuses: number;
  buildings: number;
  floors: number;
  areas: number;
  keySites: number;
  devices: number;
  byKind: Record<DeviceKind, number>;
  maintenance: number;
  accounts: number;
}

export interface DemoUniversityData {
  seed: number;
  university: OrgUnit;
  campuses: OrgUnit[];
  buildings: OrgUnit[];
  floors: OrgUnit[];
  areas: OrgUnit[];
  keySites: KeySite[];
  devices: Device[];
  maintenance: MaintenanceRecord[];
  accounts: DemoAccount[];
  /** Fence line of every perimeter zone (the ledger stores only the zone's midpoint). */
  perimeterSegments: { deviceId: string; lengthM: number; line: Position[] }[];
  /** Which cameras each recorder records. */
  recorders: { deviceId: string; cameraIds: string[]; keySites: boolean }[];
  flaws: DemoFlaw[];
  counts: DemoCounts;
}

export interface DemoOptions {
  commissionId: string;
  seed?: number;
  createdAt?: string;
}

const SHORT: Record<string, string> = { main: '杨浦', second: '闵行' };

export function generateDemoUniversity(opts: DemoOptions): DemoUniversityData {
  const seed = opts.seed ?? DEMO_SEED;
  const createdAt = opts.createdAt ?? DEMO_CREATED_AT;
  const rng = new Random(seed);
  const idRng = rng.fork('ids');
  const nextId = () => idRng.uuid();

  const unit = (u: Omit<OrgUnit, 'createdAt' | 'updatedAt' | 'code' | 'floorLevel' | 'privacy' | 'population' | 'address' | 'lon' | 'lat' | 'geometry'> & Partial<OrgUnit>): OrgUnit => ({
    code: null,
    floorLevel: null,
    privacy: null,
    population: null,
    address: null,
    lon: null,
    lat: null,
    geometry: null,
    createdAt,
    updatedAt: createdAt,
    ...u,
  });

  const universityId = nextId();
  const layouts: CampusLayout[] = CAMPUSES.map((spec) => layoutCampus(spec, rng.fork(`layout:${spec.key}`), spec.key === 'main' ? 'YP-B' : 'MH-B'));
  const mainCenter = layouts[0].frame.lonLat(centroid(layouts[0].boundary));
  const university = unit({
    id: universityId,
    kind: 'university',
    parentId: opts.commissionId,
    universityId,
    name: DEMO_UNIVERSITY.name,
    code: DEMO_UNIVERSITY.code,
    population: CAMPUSES.reduce((s, c) => s + c.population, 0),
    address: DEMO_UNIVERSITY.address,
    lon: mainCenter[0],
    lat: mainCenter[1],
  });

  const campuses: OrgUnit[] = [];
  const buildings: OrgUnit[] = [];
  const floors: OrgUnit[] = [];
  const areas: OrgUnit[] = [];
  const keySites: KeySite[] = [];
  const ctxs: CampusCtx[] = [];
  /** Key sites whose cameras keep less than 90 days (planted flaw), by site id. */
  const shortSiteRetention = new Map<string, number>();

  for (const layout of layouts) {
    const { spec, frame } = layout;
    const campusId = nextId();
    const [lon, lat] = frame.lonLat(centroid(layout.boundary));
    campuses.push(
      unit({ id: campusId, kind: 'campus', parentId: universityId, universityId, name: spec.name, code: spec.code, population: spec.population, address: spec.address, lon, lat, geometry: frame.polygon([layout.boundary]) }),
    );
    const site = (name: string, category: KeySiteCategory, rings: Parameters<typeof frame.polygon>[0], buildingId: string | null = null, notes: string | null = null, floorIds: string[] = []): string => {
      const id = nextId();
      keySites.push({ id, universityId, campusId, buildingId, floorIds, name, category, geometry: frame.polygon(rings), notes, createdAt, updatedAt: createdAt });
      return id;
    };

    const ctx: CampusCtx = {
      layout,
      campusId,
      short: SHORT[spec.key],
      buildingId: new Map(),
      floorId: new Map(),
      areaId: new Map(),
      siteOfBuilding: new Map(),
      siteOfRoom: new Map(),
      siteOfYard: new Map(),
      siteOfGate: new Map(),
      perimeterSiteId: '',
      avenueSiteId: '',
      control: undefined as unknown as CampusCtx['control'],
    };

    const specialSites = new Map<SpecialRoom, string>();
    for (const b of layout.buildings) {
      const bid = nextId();
      ctx.buildingId.set(b, bid);
      const [blon, blat] = frame.lonLat(b.center);
      buildings.push(unit({ id: bid, kind: 'building', parentId: campusId, universityId, name: b.spec.name, code: b.code, lon: blon, lat: blat, geometry: frame.polygon([b.footprint]) }));
      const levels = new Map<number, string>();
      ctx.floorId.set(b, levels);
      for (const plan of b.floors) {
        const fid = nextId();
        levels.set(plan.level, fid);
        floors.push(unit({ id: fid, kind: 'floor', parentId: bid, universityId, name: plan.name, floorLevel: plan.level }));
        for (const room of plan.rooms.filter((r) => r.isArea)) {
          const aid = nextId();
          ctx.areaId.set(room, aid);
          const [alon, alat] = frame.lonLat(room.center);
          const name = room.special ? `${floorName(plan.level)} ${room.special.name}` : room.name;
          areas.push(unit({ id: aid, kind: 'area', parentId: fid, universityId, name, privacy: room.privacy, lon: alon, lat: alat, geometry: frame.multiPolygon(room.rings.map((r) => [r])) }));
        }
      }
      if (b.category) ctx.siteOfBuilding.set(b, site(b.spec.name, b.category, [b.footprint], bid));
      for (const plan of b.floors) {
        for (const room of plan.rooms.filter((r) => r.special?.category)) {
          const sp = room.special!;
          let sid = specialSites.get(sp);
          if (!sid) {
            const levels = sp.levels.map(floorName).join('、');
            sid = site(sp.siteName ?? `${b.spec.name}${sp.name}`, sp.category!, room.rings, bid, `位于${b.spec.name}${levels}`, sp.levels.map((l) => ctx.floorId.get(b)!.get(l)!));
            specialSites.set(sp, sid);
            if (sp.retentionDays) shortSiteRetention.set(sid, sp.retentionDays);
          }
          ctx.siteOfRoom.set(room, sid);
          if (sp.category === 'monitoring_center') ctx.control = { building: b, room };
        }
      }
    }
    if (!ctx.control) throw new Error(`demo: campus ${spec.name} has no monitoring centre`);

    const YARD_CATEGORY = { parking: 'parking', square: 'road_square', stadium: 'sports_venue', gas: 'utility' } as const;
    for (const y of layout.yards) ctx.siteOfYard.set(y, site(y.spec.name, YARD_CATEGORY[y.spec.yard], [y.ring]));
    for (const g of layout.gates) ctx.siteOfGate.set(g, site(g.spec.name, 'gate', [g.ring], null, `车行道${g.spec.vehicleLanes}条，人行闸机${g.spec.turnstiles}台`));
    ctx.perimeterSiteId = site(`${spec.name}周界`, 'perimeter', [layout.boundary, layout.perimeterInner], null, '沿围墙6米宽的周界防护带');
    const avenue = layout.roads.find((r) => r.avenue)!;
    const hw = avenue.halfWidth;
    ctx.avenueSiteId = site(`${spec.name}主干道`, 'road_square', [
      [
        [avenue.a[0] - hw, avenue.a[1] + 6],
        [avenue.a[0] + hw, avenue.a[1] + 6],
        [avenue.b[0] + hw, avenue.b[1] - 6],
        [avenue.b[0] - hw, avenue.b[1] - 6],
      ],
    ]);
    ctxs.push(ctx);
  }

  // ---- devices ----
  const db = new DraftBuilder(rng.fork('devices'));
  for (const c of ctxs) for (const b of c.layout.buildings) buildingCameras(db, c, b);

  // Planted flaw: a camera inside a toilet (S-NOCAM-PRIVATE).
  const mainCtx = ctxs[0];
  const teaching2 = mainCtx.layout.buildings.find((b) => b.spec.name === '第二教学楼')!;
  const toilet = teaching2.floors.find((f) => f.level === 2)!.rooms.find((r) => r.kind === 'toilet' && r.name.includes('男'))!;
  db.camera(mainCtx, {
    name: '第二教学楼 2F 男卫生间 洗手区',
    ctx: 'room',
    pos: toilet.center,
    aim: toilet.door,
    year: 2019,
    group: teaching2.spec.name,
    buildingId: mainCtx.buildingId.get(teaching2)!,
    floorId: mainCtx.floorId.get(teaching2)!.get(2)!,
    areaId: mainCtx.areaId.get(toilet)!,
    tag: 'privacy-flaw',
  });

  for (const c of ctxs) {
    outdoorCameras(db, c);
    gateDevices(db, c);
  }
  const segments: PerimeterSegment[] = [];
  // Planted flaw: the west fence of the main campus has 3 zones of ~290 m instead of ≤ 200 m.
  for (const c of ctxs) segments.push(...perimeterZones(db, c, c === mainCtx ? new Map([[6, 3]]) : new Map()));
  doorDevices(db, ctxs, DEMO_TARGETS.doors);
  intrusionZones(db, ctxs, DEMO_TARGETS.alarmZones - segments.length);
  fireDetectors(db, ctxs, DEMO_TARGETS.fireDetectors);
  patrolCheckpoints(db, ctxs, DEMO_TARGETS.patrolCheckpoints);
  panicButtons(db, ctxs);
  alarmPanels(db, ctxs);

  // Planted flaws: key sites that no camera looks at, and one that cameras see only half of.
  const uncovered: UncoveredSite[] = [];
  for (const c of ctxs) {
    for (const b of c.layout.buildings.filter((x) => x.spec.noCameras)) uncovered.push({ campus: c, siteId: c.siteOfBuilding.get(b)!, ring: b.footprint });
    for (const b of c.layout.buildings.filter((x) => x.spec.halfCovered)) uncovered.push({ campus: c, siteId: c.siteOfBuilding.get(b)!, ring: halfOf(b.footprint), half: true });
  }

  const fin = finalizeDevices({
    drafts: db.drafts,
    universityId,
    createdAt,
    rng: rng.fork('finalize'),
    nextId,
    uncovered,
    shortRetentionRecorders: DEMO_TARGETS.shortRetentionRecorders,
    shortSiteRetention,
  });
  const devices = fin.devices;

  // ---- people ----
  const names = new NameGenerator(rng.fork('names'));
  const accounts = demoAccounts(rng.fork('accounts'), names, nextId);
  const maintainer = accounts.find((a) => a.role === 'maintainer')!;
  const technicians = Array.from({ length: 6 }, () => names.next());
  const maintenance = maintenanceRecords(devices, {
    rng: rng.fork('maintenance'),
    nextId,
    maintainer: { id: maintainer.id, name: maintainer.displayName },
    technicians,
    target: DEMO_TARGETS.maintenance,
    until: DEMO_RECORDS_UNTIL,
  });

  // ---- flaws ----
  const deviceIdOf = new Map<object, string>();
  for (const [id, d] of fin.draftOf) deviceIdOf.set(d, id);
  const byTag = (tag: string) => devices.filter((d) => fin.draftOf.get(d.id)!.tag === tag);
  const cameras = devices.filter((d) => d.kind === 'camera');
  const analog = cameras.filter((d) => d.camera?.resolution === 'analog');
  const shortRecorders = byTag('retention-15');
  const shortCameras = cameras.filter((d) => d.retentionDays === 15);
  const flaws: DemoFlaw[] = [];
  const privacyCam = byTag('privacy-flaw');
  flaws.push({
    code: 'camera_in_privacy_area',
    rule: 'S-NOCAM-PRIVATE',
    description: 'A camera is installed inside the men’s toilet on 2F of 第二教学楼 (privacy area).',
    entityType: 'device',
    entityIds: privacyCam.map((d) => d.id),
    details: { areaId: privacyCam[0]?.areaId ?? null },
  });
  for (const u of uncovered) {
    const s = keySites.find((k) => k.id === u.siteId)!;
    flaws.push({
      code: u.half ? 'key_site_half_covered' : 'key_site_without_camera',
      rule: null,
      description: u.half ? `Half of key site ${s.name} (${s.category}) is out of every camera's view.` : `Key site ${s.name} (${s.category}) has no camera inside it or aimed at it.`,
      entityType: 'key_site',
      entityIds: [s.id],
      details: { camerasReaimedAway: fin.trimmed, camerasRemoved: fin.dropped },
    });
  }
  flaws.push({
    code: 'analog_cameras',
    rule: null,
    description: `${analog.length} of ${cameras.length} cameras (${Math.round((analog.length / cameras.length) * 100)}%) are analog.`,
    entityType: 'device',
    entityIds: analog.map((d) => d.id),
    details: { count: analog.length, share: analog.length / cameras.length },
  });
  flaws.push({
    code: 'recorder_retention_15_days',
    rule: 'S-RET-30',
    description: `${shortRecorders.length} recorders keep video for only 15 days.`,
    entityType: 'device',
    entityIds: shortRecorders.map((d) => d.id),
  });
  flaws.push({
    code: 'camera_retention_15_days',
    rule: 'S-RET-30',
    description: `${shortCameras.length} cameras on those recorders keep video for only 15 days.`,
    entityType: 'device',
    entityIds: shortCameras.map((d) => d.id),
  });
  for (const [siteId, days] of shortSiteRetention) {
    const s = keySites.find((k) => k.id === siteId)!;
    const cams = cameras.filter((d) => fin.draftOf.get(d.id)!.keySiteId === siteId);
    flaws.push({
      code: 'key_site_retention_short',
      rule: 'S-RET-90',
      description: `The ${cams.length} cameras of key site ${s.name} keep video for only ${days} days.`,
      entityType: 'device',
      entityIds: cams.map((d) => d.id),
      details: { siteId, days },
    });
  }
  for (const c of ctxs) {
    for (const g of c.layout.gates.filter((x) => !x.spec.lpr)) {
      flaws.push({
        code: 'gate_without_lpr',
        rule: null,
        description: `Gate ${g.spec.name} has ${g.spec.vehicleLanes} barrier-gate lanes but no LPR camera.`,
        entityType: 'key_site',
        entityIds: [c.siteOfGate.get(g)!],
      });
    }
  }
  for (const s of keySites.filter((k) => k.category === 'finance_office')) {
    const buttons = devices.filter((d) => d.kind === 'panic_button' && fin.draftOf.get(d.id)!.keySiteId === s.id);
    if (!buttons.length) {
      flaws.push({ code: 'finance_office_without_panic_button', rule: null, description: `Finance office ${s.name} has no panic button.`, entityType: 'key_site', entityIds: [s.id] });
    }
  }
  const longZones = segments.filter((s) => s.lengthM > 200).map((s) => ({ id: deviceIdOf.get(s.draft)!, lengthM: s.lengthM }));
  flaws.push({
    code: 'perimeter_zone_too_long',
    rule: null,
    description: `${longZones.length} perimeter zones are longer than 200 m (${longZones.map((z) => z.lengthM + ' m').join(', ')}).`,
    entityType: 'device',
    entityIds: longZones.map((z) => z.id),
    details: { lengthsM: longZones.map((z) => z.lengthM) },
  });

  // ---- summary ----
  const byKind = Object.fromEntries(
    (['camera', 'door', 'intrusion_zone', 'perimeter_zone', 'fire_detector', 'barrier_gate', 'lpr_camera', 'turnstile', 'patrol_checkpoint', 'panic_button', 'recorder', 'alarm_panel'] as DeviceKind[]).map((k) => [
      k,
      devices.filter((d) => d.kind === k).length,
    ]),
  ) as Record<DeviceKind, number>;
  const missing = KEY_SITE_CATEGORIES.filter((cat) => !keySites.some((s) => s.category === cat));
  if (missing.length) throw new Error(`demo: no key site of category ${missing.join(', ')}`);

  return {
    seed,
    university,
    campuses,
    buildings,
    floors,
    areas,
    keySites,
    devices,
    maintenance,
    accounts,
    perimeterSegments: segments.map((s) => ({
      deviceId: deviceIdOf.get(s.draft)!,
      lengthM: s.lengthM,
      line: s.line.map((p) => s.draft.campus.layout.frame.lonLat(p)),
    })),
    recorders: fin.recorders.map((r) => ({ deviceId: r.device.id, cameraIds: r.cameraIds, keySites: r.keySites })),
    flaws,
    counts: {
      campuses: campuses.length,
      buildings: buildings.length,
      floors: floors.length,
      areas: areas.length,
      keySites: keySites.length,
      devices: devices.length,
      byKind,
      maintenance: maintenance.length,
      accounts: accounts.length,
    },
  };
}

/** The half of a rectangular footprint along its first and last corners (cut through the middles of its long sides). */
function halfOf(ring: Ring): Ring {
  if (ring.length !== 4) throw new Error('a half-covered site needs a rectangular footprint');
  const [a, b, c, d] = ring as [Ring[number], Ring[number], Ring[number], Ring[number]];
  const mid = (p: Ring[number], q: Ring[number]): Ring[number] => [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
  return [a, mid(a, b), mid(c, d), d];
}
