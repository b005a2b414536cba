/**
 * The university the alarm benchmarks run on, and its 1,000 linkage rules.
 *
 * The university is the demo generator's main campus (src/server/simulator/demo-university:
 * real building footprints, floors, rooms, key sites, cameras with bearing/FOV/range, doors,
 * intrusion and perimeter zones, fire detectors, LPR cameras, patrol checkpoints, panic buttons,
 * all with positions), thinned to ≈ --devices devices by keeping every non-camera device and
 * every k-th camera. It is written with the repositories the demo seed uses (one transaction).
 *
 * The rules are made through the real RulesService.create (schema + existence checks, audit),
 * on top of the university's default rules: mostly scoped per building or per device, event
 * triggers on alarm kinds, count triggers on access.denied with various thresholds and windows,
 * some with arming schedules, some absence triggers; actions create_alarm, link_cameras,
 * door_command, notify_guards.
 */
import { ownTables } from '../../src/server/store/tables.ts';
import type { RuleDefinitionT, ScheduleT } from '../../src/shared/alarms.ts';
import type { DeviceKind, KeySiteCategory } from '../../src/shared/domain.ts';
import type { Services } from '../../src/server/http/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import type { Device } from '../../src/shared/devices.ts';
import { DevicesRepository } from '../../src/server/modules/devices/devices.repository.ts';
import { OrgRepository, type OrgUnit } from '../../src/server/modules/org/org.repository.ts';
import { generateDemoUniversity } from '../../src/server/simulator/demo-university/generate.ts';
import type { Store } from '../../src/server/store/database.ts';
import { Random } from '../../src/server/util/random.ts';

export interface BenchUniversity {
  universityId: string;
  campusId: string;
  buildings: OrgUnit[];
  devices: Device[];
  byKind: Map<DeviceKind, Device[]>;
  keySites: number;
  /** Enabled rules after setup (defaults + generated). */
  enabledRules: number;
  ruleFamilies: Record<string, number>;
  setupMs: { university: number; rules: number };
}

const AFTER_HOURS: ScheduleT = {
  periods: [
    { days: [1, 2, 3, 4, 5], from: '19:00', to: '07:00' },
    { days: [6, 7], from: '00:00', to: '24:00' },
  ],
  holidays: 'armed',
  vacations: 'as_scheduled',
};
const NIGHT: ScheduleT = { periods: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '22:00', to: '06:00' }], holidays: 'armed', vacations: 'armed' };
const WEEKEND: ScheduleT = { periods: [{ days: [6, 7], from: '00:00', to: '24:00' }], holidays: 'as_sunday', vacations: 'armed' };
const SCHEDULES = [AFTER_HOURS, NIGHT, WEEKEND];

/** Writes the university into a migrated store whose services are `services`. */
export async function createBenchUniversity(store: Store, services: Services, opts: { devices: number; rules: number; seed: number }): Promise<BenchUniversity> {
  const t0 = performance.now();
  const commission = await services.org.ensureCommission(SYSTEM_ACTOR);
  const data = generateDemoUniversity({ commissionId: commission.id });
  const campus = data.campuses[0]!;
  const keep = (u: { campusId?: string | null }) => u.campusId === campus.id;
  const all = data.devices.filter(keep);
  const others = all.filter((d) => d.kind !== 'camera');
  const cameras = all.filter((d) => d.kind === 'camera');
  const wantCameras = Math.max(0, Math.min(cameras.length, opts.devices - others.length));
  const step = cameras.length / Math.max(1, wantCameras);
  const keptCameras = Array.from({ length: wantCameras }, (_, i) => cameras[Math.floor(i * step)]!);
  const devices = [...others, ...keptCameras];
  const buildings = data.buildings.filter((b) => b.parentId === campus.id);
  const buildingIds = new Set(buildings.map((b) => b.id));
  const floors = data.floors.filter((f) => buildingIds.has(f.parentId!));
  const floorIds = new Set(floors.map((f) => f.id));
  const areas = data.areas.filter((a) => floorIds.has(a.parentId!));
  const keySites = data.keySites.filter(keep);

  const org = new OrgRepository(store.dialect);
  const repo = new DevicesRepository(store.dialect);
  await store.db.transaction().execute(async (trx) => {
    await org.insertUnits(ownTables<'org'>(trx), [data.university, campus, ...buildings, ...floors, ...areas]);
    await org.insertKeySites(ownTables<'org'>(trx), keySites);
    await repo.insertMany(ownTables<'devices'>(trx), devices);
    await services.audit.record(trx, SYSTEM_ACTOR, { action: 'import', entityType: 'device', entityId: null, universityId: data.university.id, after: { benchmark: 'bench/alarms', created: devices.length } });
  });
  await services.rules.ensureDefaults(SYSTEM_ACTOR, data.university.id);
  const tUni = performance.now();

  const byKind = new Map<DeviceKind, Device[]>();
  for (const d of devices) {
    const list = byKind.get(d.kind) ?? [];
    list.push(d);
    byKind.set(d.kind, list);
  }
  const enabledDefaults = (await services.rules.rulesFor(data.university.id)).length;
  const { defs, families } = generateRules({ buildings, byKind, count: opts.rules - enabledDefaults, seed: opts.seed, keySites: [...new Set(keySites.map((s) => s.category))] });
  for (const definition of defs) await services.rules.create(SYSTEM_ACTOR, { universityId: data.university.id, definition });
  const enabledRules = (await services.rules.rulesFor(data.university.id)).length;
  return {
    universityId: data.university.id,
    campusId: campus.id,
    buildings,
    devices,
    byKind,
    keySites: keySites.length,
    enabledRules,
    ruleFamilies: { 'default rules (enabled)': enabledDefaults, ...families },
    setupMs: { university: tUni - t0, rules: performance.now() - tUni },
  };
}

/**
 * `count` rule definitions, families in turn (each family contributes its next variant), so
 * any count gives a similar mix.
 */
function generateRules(u: { buildings: OrgUnit[]; byKind: Map<DeviceKind, Device[]>; count: number; seed: number; keySites: KeySiteCategory[] }): { defs: RuleDefinitionT[]; families: Record<string, number> } {
  const rng = new Random(u.seed).fork('rules');
  const kind = (k: DeviceKind) => u.byKind.get(k) ?? [];
  const withDevices = (k: DeviceKind) => u.buildings.filter((b) => kind(k).some((d) => d.buildingId === b.id));
  const doorBuildings = withDevices('door');
  const intrusionBuildings = withDevices('intrusion_zone');
  const fireBuildings = withDevices('fire_detector');
  const cameraBuildings = withDevices('camera');
  const patrolBuildings = withDevices('patrol_checkpoint');
  const doors = rng.shuffle(kind('door'));
  const zones = rng.shuffle([...kind('intrusion_zone'), ...kind('perimeter_zone')]);
  const ksCategories = u.keySites.length ? u.keySites : (['finance_office'] as KeySiteCategory[]);
  const n = (i: number, list: readonly unknown[]) => i % Math.max(1, list.length);

  type Family = { name: string; make: (i: number) => RuleDefinitionT | null };
  const families: Family[] = [
    {
      name: 'intrusion per building (after hours / night / weekend)',
      make: (i) => {
        const b = intrusionBuildings[n(i, intrusionBuildings)];
        if (!b) return null;
        return {
          name: `${b.name} 入侵报警 #${i}`,
          enabled: true,
          trigger: { type: 'event', kinds: ['intrusion'], buildingIds: [b.id], deviceKinds: ['intrusion_zone'] },
          schedule: SCHEDULES[i % SCHEDULES.length],
          actions: [
            { type: 'create_alarm', alarmType: 'intrusion', priority: 1, latch: true },
            { type: 'link_cameras', max: 4 },
            { type: 'notify_guards', count: 2 },
          ],
        };
      },
    },
    {
      name: 'access.denied count per building',
      make: (i) => {
        const b = doorBuildings[n(i, doorBuildings)];
        if (!b) return null;
        const threshold = [3, 5, 8, 10][i % 4]!;
        const windowSeconds = [60, 120, 300, 600][(i >> 2) % 4]!;
        return {
          name: `${b.name} 连续刷卡失败（${windowSeconds}秒内${threshold}次）`,
          enabled: true,
          trigger: { type: 'count', kinds: ['access.denied'], threshold, windowSeconds, buildingIds: [b.id] },
          ...(i % 3 === 0 ? { schedule: AFTER_HOURS } : {}),
          actions: [
            { type: 'create_alarm', alarmType: 'access_failures', priority: 3 },
            { type: 'link_cameras', max: 2 },
          ],
        };
      },
    },
    {
      name: 'access.denied count per door',
      make: (i) => {
        const d = doors[n(i, doors)];
        if (!d) return null;
        return {
          name: `${d.name} 刷卡失败 ${i}`,
          enabled: true,
          trigger: { type: 'count', kinds: ['access.denied'], threshold: 3 + (i % 4), windowSeconds: 60 * (1 + (i % 5)), deviceIds: [d.id] },
          actions: [
            { type: 'create_alarm', alarmType: 'access_failures', priority: 2 },
            { type: 'link_cameras', max: 2 },
            { type: 'door_command', command: 'lock', target: 'event_device', timeoutSeconds: 2 },
          ],
        };
      },
    },
    {
      name: 'fire per building (doors held open)',
      make: (i) => {
        const b = fireBuildings[n(i, fireBuildings)];
        if (!b) return null;
        return {
          name: `${b.name} 火警联动 #${i}`,
          enabled: true,
          trigger: { type: 'event', kinds: i % 2 ? ['fire'] : ['fire', 'smoke'], buildingIds: [b.id] },
          actions: [
            { type: 'create_alarm', alarmType: 'fire', priority: 1 },
            { type: 'door_command', command: 'hold_open', target: 'doors_in_building', timeoutSeconds: 2 },
            { type: 'link_cameras', max: 4 },
            { type: 'notify_guards', count: 3 },
          ],
        };
      },
    },
    {
      name: 'zone-scoped intrusion/perimeter per device',
      make: (i) => {
        const z = zones[n(i, zones)];
        if (!z) return null;
        const perimeter = z.kind === 'perimeter_zone';
        return {
          name: `${z.name} 专项布防 ${i}`,
          enabled: true,
          trigger: { type: 'event', kinds: [perimeter ? 'perimeter' : 'intrusion'], deviceIds: [z.id] },
          ...(perimeter ? {} : { schedule: SCHEDULES[(i + 1) % SCHEDULES.length] }),
          actions: [
            { type: 'create_alarm', alarmType: perimeter ? 'perimeter' : 'intrusion', priority: 1, latch: true },
            { type: 'link_cameras', max: 3 },
            { type: 'notify_guards', count: 1 + (i % 2) },
          ],
        };
      },
    },
    {
      name: 'door forced / held open per building',
      make: (i) => {
        const b = doorBuildings[n(i, doorBuildings)];
        if (!b) return null;
        const held = i % 2 === 1;
        return {
          name: `${b.name} ${held ? '门长时间未关' : '门被强行打开'} #${i}`,
          enabled: true,
          trigger: { type: 'event', kinds: [held ? 'door.held_open' : 'door.forced'], buildingIds: [b.id], deviceKinds: ['door'] },
          ...(i % 4 === 0 ? { schedule: NIGHT } : {}),
          actions: [
            { type: 'create_alarm', alarmType: held ? 'door_held_open' : 'door_forced', priority: held ? 3 : 2 },
            { type: 'link_cameras', max: 2 },
          ],
        };
      },
    },
    {
      name: 'camera tamper / video loss per building',
      make: (i) => {
        const b = cameraBuildings[n(i, cameraBuildings)];
        if (!b) return null;
        return {
          name: `${b.name} 视频遮挡/丢失 #${i}`,
          enabled: true,
          trigger: { type: 'event', kinds: ['tamper', 'video.loss'], buildingIds: [b.id], deviceKinds: ['camera'] },
          actions: [{ type: 'create_alarm', alarmType: i % 2 ? 'video_loss' : 'tamper', priority: 3 }],
        };
      },
    },
    {
      name: 'key-site category rules (face match, intrusion, panic)',
      make: (i) => {
        const c = ksCategories[i % ksCategories.length]!;
        const kinds = (['face.match', 'intrusion', 'panic'] as const)[i % 3]!;
        return {
          name: `重点部位(${c}) ${kinds} #${i}`,
          enabled: true,
          trigger: { type: 'event', kinds: [kinds], keySiteCategories: [c] },
          actions: [
            { type: 'create_alarm', alarmType: kinds === 'face.match' ? 'face_watchlist' : kinds === 'panic' ? 'panic' : 'intrusion', priority: 1, latch: kinds !== 'face.match' },
            { type: 'link_cameras', max: 4 },
            { type: 'notify_guards', count: 2 },
          ],
        };
      },
    },
    {
      name: 'device fault per building',
      make: (i) => {
        const b = u.buildings[n(i, u.buildings)];
        if (!b) return null;
        return {
          name: `${b.name} 设备故障 #${i}`,
          enabled: true,
          trigger: { type: 'event', kinds: ['device.fault'], buildingIds: [b.id] },
          actions: [{ type: 'create_alarm', alarmType: 'device_fault', priority: 4 }],
        };
      },
    },
    {
      name: 'patrol absence per building',
      make: (i) => {
        const b = patrolBuildings[n(i, patrolBuildings)];
        if (!b) return null;
        const from = ['20:00', '21:00', '22:00', '01:00'][i % 4]!;
        const by = ['21:00', '23:00', '23:30', '03:00'][i % 4]!;
        return {
          name: `${b.name} 巡更漏检 ${from}-${by} #${i}`,
          enabled: true,
          trigger: { type: 'absence', kinds: ['patrol.checkin'], from, by, deviceKinds: ['patrol_checkpoint'], buildingIds: [b.id] },
          actions: [{ type: 'create_alarm', alarmType: 'patrol_missed', priority: 3 }],
        };
      },
    },
  ];
  // Weights: how many of each family per round (sums to 20): most rules are per-building/per-device.
  const weights = [3, 3, 4, 2, 3, 2, 1, 1, 0.5, 0.5];
  const defs: RuleDefinitionT[] = [];
  const counts: Record<string, number> = {};
  const used = families.map(() => 0);
  const credit = families.map(() => 0);
  let guard = 0;
  while (defs.length < u.count && guard++ < u.count * 50) {
    for (let f = 0; f < families.length && defs.length < u.count; f++) {
      credit[f] += weights[f]!;
      while (credit[f] >= 1 && defs.length < u.count) {
        credit[f] -= 1;
        const def = families[f]!.make(used[f]!++);
        if (!def) continue;
        def.name = def.name.slice(0, 100);
        defs.push(def);
        counts[families[f]!.name] = (counts[families[f]!.name] ?? 0) + 1;
      }
    }
  }
  return { defs, families: counts };
}
