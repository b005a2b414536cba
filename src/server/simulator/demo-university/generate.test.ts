/**
 * The generated demo university, in memory: deterministic, valid by our own rules, realistic
 * in its numbers and geometry, and carrying exactly the planted flaws.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KEY_SITE_CATEGORIES, PRIVACY_KINDS } from '../../../shared/domain.ts';
import { checkGbIdForDeviceKind } from '../../../shared/gb28181-id.ts';
import type { AreaGeometry, Position } from '../../../shared/geojson.ts';
import { DEMO_TARGETS, generateDemoUniversity, type DemoUniversityData } from './generate.ts';
import { pointInRing, ringsIntersect, sectorRing, type Pt, type Ring } from './geometry.ts';
import { validateDemoData } from './write.ts';

const COMMISSION = '00000000-0000-4000-8000-000000000001';
const data = generateDemoUniversity({ commissionId: COMMISSION });

/** Metres east/north of a reference point (same flat-earth model as the generator). */
function metres(ref: Position) {
  const mx = 111_320 * Math.cos((ref[1] * Math.PI) / 180);
  return (p: Position): Pt => [(p[0] - ref[0]) * mx, (p[1] - ref[1]) * 110_574];
}
const outer = (g: AreaGeometry): Position[][] => (g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0]));
const ringsOf = (g: AreaGeometry, m: (p: Position) => Pt): Ring[] => outer(g).map((r) => r.slice(0, -1).map(m));
const cameras = (d: DemoUniversityData) => d.devices.filter((x) => x.kind === 'camera');
const sector = (dev: DemoUniversityData['devices'][number], m: (p: Position) => Pt) =>
  sectorRing(m([dev.lon!, dev.lat!]), dev.camera!.bearingDeg!, dev.camera!.fovDeg!, dev.camera!.rangeM!, 3);

describe('demo university generator', () => {
  test('is deterministic: the same seed gives deep-equal data, ids included', () => {
    const again = generateDemoUniversity({ commissionId: COMMISSION });
    assert.deepEqual(again, data);
    const other = generateDemoUniversity({ commissionId: COMMISSION, seed: 1 });
    assert.notEqual(other.university.id, data.university.id);
  });

  test('obeys our own validation rules (devices, geometry, hierarchy)', () => {
    assert.doesNotThrow(() => validateDemoData(data));
  });

  test('meets the size targets', () => {
    const c = data.counts;
    assert.equal(c.campuses, 2);
    assert.ok(c.buildings >= 40, `${c.buildings} buildings`);
    assert.ok(c.areas >= 100 && c.areas < 2000, `${c.areas} areas`);
    assert.ok(c.byKind.camera >= 3000, `${c.byKind.camera} cameras`);
    assert.equal(c.byKind.door, DEMO_TARGETS.doors);
    assert.equal(c.byKind.intrusion_zone + c.byKind.perimeter_zone, DEMO_TARGETS.alarmZones);
    assert.equal(c.byKind.fire_detector, DEMO_TARGETS.fireDetectors);
    assert.equal(c.byKind.patrol_checkpoint, DEMO_TARGETS.patrolCheckpoints);
    assert.ok(c.byKind.panic_button >= 10 && c.byKind.alarm_panel >= 10 && c.byKind.turnstile >= 8 && c.byKind.barrier_gate >= 8);
    const perRecorder = c.byKind.camera / c.byKind.recorder;
    assert.ok(perRecorder > 50 && perRecorder <= 64, `${perRecorder.toFixed(1)} cameras per recorder`);
    assert.ok(c.maintenance >= 200 && c.maintenance <= 600);
    assert.equal(data.keySites.filter((s) => s.category === 'gate').length, 8);
    for (const cat of KEY_SITE_CATEGORIES) assert.ok(data.keySites.some((s) => s.category === cat), `no key site of category ${cat}`);
    for (const p of PRIVACY_KINDS) assert.ok(data.areas.some((a) => a.privacy === p), `no ${p} area`);
    assert.equal(data.campuses.reduce((s, c) => s + c.population!, 0), 40000);
  });

  test('camera mix, aim parameters, retention and ids are realistic', () => {
    const cams = cameras(data);
    const share = (pred: (x: (typeof cams)[number]) => boolean) => cams.filter(pred).length / cams.length;
    const near = (x: number, target: number) => Math.abs(x - target) < 0.02;
    assert.ok(near(share((x) => x.camera!.resolution === 'analog'), 0.1));
    assert.ok(near(share((x) => x.camera!.resolution === '720p'), 0.2));
    assert.ok(near(share((x) => x.camera!.resolution === '1080p'), 0.6));
    assert.ok(near(share((x) => x.camera!.resolution === '4k'), 0.1));
    assert.ok(near(share((x) => x.camera!.type === 'ptz'), 0.15));
    assert.ok(share((x) => x.retentionDays === 30) > 0.6);
    for (const x of [...cams, ...data.devices.filter((d) => d.kind === 'lpr_camera')]) {
      const cam = x.camera!;
      assert.ok(cam.mountHeightM! >= 1 && cam.mountHeightM! <= 12, `${x.name} mount ${cam.mountHeightM}`);
      assert.ok(cam.fovDeg! >= 30 && cam.fovDeg! <= 110, `${x.name} fov ${cam.fovDeg}`);
      assert.ok(cam.rangeM! >= 10 && cam.rangeM! <= 80, `${x.name} range ${cam.rangeM}`);
      assert.ok(cam.bearingDeg! >= 0 && cam.bearingDeg! < 360);
      assert.ok(cam.placement === 'indoor' || cam.placement === 'outdoor');
      if (cam.type === 'ptz') assert.ok(cam.fovDeg! >= 80);
    }
    for (const x of cams) {
      if (x.camera!.placement === 'outdoor' && x.kind === 'camera') assert.ok(x.camera!.mountHeightM! >= 2.5);
      assert.equal(x.ip === null, x.camera!.resolution === 'analog', `${x.name}: analog cameras have no IP, IP cameras do`);
      assert.equal(x.gbId!.slice(10, 13), x.camera!.resolution === 'analog' ? '131' : '132');
    }
    // Key-site cameras keep 90 days.
    assert.ok(cams.filter((x) => x.retentionDays === 90).length > 200);
    const gb = data.devices.filter((d) => d.gbId);
    assert.equal(new Set(gb.map((d) => d.gbId)).size, gb.length, 'GB/T 28181 ids are unique');
    for (const d of gb) {
      assert.equal(checkGbIdForDeviceKind(d.gbId!, d.kind), null);
      assert.match(d.gbId!, /^310(110|112)0011\d{3}0\d{6}$/, 'Shanghai Yangpu/Minhang, education industry');
    }
    for (const k of ['camera', 'recorder', 'intrusion_zone', 'perimeter_zone', 'fire_detector', 'panic_button'] as const) {
      assert.ok(data.devices.filter((d) => d.kind === k).every((d) => d.gbId), `every ${k} has a GB/T 28181 id`);
    }
    const ips = data.devices.filter((d) => d.ip);
    assert.equal(new Set(ips.map((d) => d.ip)).size, ips.length, 'IP addresses are unique');
    assert.ok(ips.every((d) => /^10\.\d+\.\d+\.\d+$/.test(d.ip!)));
    const serials = data.devices.map((d) => d.serial);
    assert.equal(new Set(serials).size, serials.length, 'serials are unique');
  });

  test('dates, warranty and statuses', () => {
    for (const d of data.devices) {
      assert.ok(d.installDate! >= '2014-01-01' && d.installDate! <= '2025-12-31', `${d.name} installed ${d.installDate}`);
      const years = (Date.parse(d.warrantyEnd!) - Date.parse(d.installDate!)) / (365.25 * 86_400_000);
      assert.ok(years > 2.9 && years < 5.1, `${d.name}: warranty ${years} years`);
    }
    const inService = data.devices.filter((d) => d.status === 'in_service').length / data.devices.length;
    assert.ok(inService > 0.85 && inService < 0.98);
    assert.ok(data.devices.some((d) => d.status === 'under_repair') && data.devices.some((d) => d.status === 'out_of_service'));
    const byId = new Map(data.devices.map((d) => [d.id, d]));
    for (const m of data.maintenance) assert.ok(m.date >= byId.get(m.deviceId)!.installDate!, 'maintenance after installation');
    for (const d of data.devices.filter((x) => x.status === 'under_repair')) {
      assert.ok(data.maintenance.some((m) => m.deviceId === d.id && m.kind === 'repair'), `${d.name} under repair has a repair record`);
    }
  });

  test('geometry: buildings inside their campus, not overlapping; indoor cameras inside their building', () => {
    for (const campus of data.campuses) {
      const m = metres([campus.lon!, campus.lat!]);
      const boundary = ringsOf(campus.geometry!, m)[0];
      const buildings = data.buildings.filter((b) => b.parentId === campus.id);
      const rings = buildings.map((b) => ringsOf(b.geometry!, m)[0]);
      rings.forEach((r, i) => {
        assert.ok(
          r.every((p) => pointInRing(p, boundary)),
          `${buildings[i].name} lies inside ${campus.name}`,
        );
        for (let j = 0; j < i; j++) assert.ok(!ringsIntersect(r, rings[j]), `${buildings[i].name} overlaps ${buildings[j].name}`);
      });
      const xs = boundary.map((p) => p[0]);
      const ys = boundary.map((p) => p[1]);
      for (const extent of [Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)]) {
        assert.ok(extent > 300 && extent < 1600, `${campus.name} is a few hundred metres to ~1.5 km across (${Math.round(extent)} m)`);
      }
      const byBuilding = new Map(buildings.map((b, i) => [b.id, rings[i]]));
      for (const cam of cameras(data).filter((c) => c.campusId === campus.id && c.camera!.placement === 'indoor')) {
        assert.ok(pointInRing(m([cam.lon!, cam.lat!]), byBuilding.get(cam.buildingId!)!), `${cam.name} is inside its building`);
      }
    }
  });

  test('cameras point at what they cover: entrances at their building, and every key site but the planted ones is seen', () => {
    const uncovered = new Set(data.flaws.filter((f) => f.code === 'key_site_without_camera').flatMap((f) => f.entityIds));
    assert.equal(uncovered.size, 2);
    // The half-covered building's outdoor cameras that would see its planted blind half were turned away.
    const halfCovered = new Set(data.flaws.filter((f) => f.code === 'key_site_half_covered').flatMap((f) => f.entityIds.map((id) => data.keySites.find((s) => s.id === id)!.buildingId)));
    assert.equal(halfCovered.size, 1);
    for (const campus of data.campuses) {
      const m = metres([campus.lon!, campus.lat!]);
      const cams = data.devices.filter((d) => d.camera && d.campusId === campus.id);
      const sectors = cams.map((c) => sector(c, m));
      for (const b of data.buildings.filter((x) => x.parentId === campus.id)) {
        const ring = ringsOf(b.geometry!, m)[0];
        cams.forEach((c, i) => {
          if (c.buildingId === b.id && c.name.endsWith('室外') && !halfCovered.has(b.id)) assert.ok(ringsIntersect(sectors[i], ring), `${c.name} sees its building`);
        });
      }
      for (const site of data.keySites.filter((s) => s.campusId === campus.id)) {
        const rings = ringsOf(site.geometry, m);
        const seen = sectors.some((s) => rings.some((r) => ringsIntersect(s, r)));
        if (uncovered.has(site.id)) assert.ok(!seen, `${site.name} is planted as uncovered but a camera sees it`);
        else assert.ok(seen, `${site.name} (${site.category}) is seen by some camera`);
      }
    }
  });

  test('carries the planted flaws', () => {
    const flaw = (code: string) => {
      const f = data.flaws.filter((x) => x.code === code);
      assert.ok(f.length, `flaw ${code} is listed`);
      return f;
    };
    const byId = new Map(data.devices.map((d) => [d.id, d]));
    const areaById = new Map(data.areas.map((a) => [a.id, a]));

    // Exactly one camera in a privacy area: by its area and by its position.
    const [privacy] = flaw('camera_in_privacy_area');
    const inPrivate = cameras(data).filter((c) => c.areaId && areaById.get(c.areaId)!.privacy);
    assert.deepEqual(
      inPrivate.map((c) => c.id),
      privacy.entityIds,
    );
    assert.equal(areaById.get(inPrivate[0].areaId!)!.privacy, 'toilet');
    for (const campus of data.campuses) {
      const m = metres([campus.lon!, campus.lat!]);
      const privateAreas = data.areas.filter((a) => a.privacy && a.geometry);
      const floorOf = new Map(privateAreas.map((a) => [a.id, a.parentId]));
      for (const cam of cameras(data).filter((c) => c.campusId === campus.id && c.floorId)) {
        const p = m([cam.lon!, cam.lat!]);
        const hits = privateAreas.filter((a) => floorOf.get(a.id) === cam.floorId && ringsOf(a.geometry!, m).some((r) => pointInRing(p, r)));
        assert.equal(hits.length > 0, privacy.entityIds.includes(cam.id), `${cam.name}: position inside a privacy area only for the planted camera`);
      }
    }

    const analog = cameras(data).filter((c) => c.camera!.resolution === 'analog').length / cameras(data).length;
    assert.ok(analog > 0.08 && analog < 0.12);

    const [rec15] = flaw('recorder_retention_15_days');
    assert.equal(rec15.entityIds.length, DEMO_TARGETS.shortRetentionRecorders);
    for (const id of rec15.entityIds) assert.equal(byId.get(id)!.retentionDays, 15);
    const [cam15] = flaw('camera_retention_15_days');
    assert.ok(cam15.entityIds.length > 10);
    for (const id of cam15.entityIds) assert.equal(byId.get(id)!.retentionDays, 15);
    const onShort = data.recorders.filter((r) => rec15.entityIds.includes(r.deviceId)).flatMap((r) => r.cameraIds);
    assert.deepEqual([...onShort].sort(), [...cam15.entityIds].sort(), 'the 15-day cameras are exactly those on the 15-day recorders');

    const [gate] = flaw('gate_without_lpr');
    const gateSite = data.keySites.find((s) => s.id === gate.entityIds[0])!;
    assert.equal(gateSite.category, 'gate');
    const lprAt = (name: string) => data.devices.filter((d) => d.kind === 'lpr_camera' && d.name.startsWith(name + ' ')).length;
    const barriersAt = (name: string) => data.devices.filter((d) => d.kind === 'barrier_gate' && d.name.startsWith(name + ' ')).length;
    assert.equal(lprAt(gateSite.name), 0);
    assert.ok(barriersAt(gateSite.name) > 0);
    for (const g of data.keySites.filter((s) => s.category === 'gate' && s.id !== gateSite.id)) assert.equal(lprAt(g.name), barriersAt(g.name), `${g.name}: one LPR camera per lane`);

    const [finance] = flaw('finance_office_without_panic_button');
    const financeSites = data.keySites.filter((s) => s.category === 'finance_office');
    assert.equal(financeSites.length, 2);
    assert.ok(financeSites.some((s) => s.id === finance.entityIds[0]));
    const panicInArea = (siteName: string) => data.devices.some((d) => d.kind === 'panic_button' && d.buildingId === financeSites.find((s) => s.name === siteName)!.buildingId && d.name.includes('财务'));
    for (const s of financeSites) assert.equal(panicInArea(s.name), s.id !== finance.entityIds[0]);

    const [long] = flaw('perimeter_zone_too_long');
    const zones = data.perimeterSegments;
    assert.equal(zones.length, data.counts.byKind.perimeter_zone);
    const tooLong = zones.filter((z) => z.lengthM > 200);
    assert.ok(tooLong.length >= 1 && tooLong.length <= 5, 'a few zones are too long');
    assert.deepEqual(
      tooLong.map((z) => z.deviceId),
      long.entityIds,
    );
    assert.ok(zones.filter((z) => z.lengthM <= 200).length / zones.length > 0.85);
  });

  test('accounts: 40 guards, 20 operators, one of each other role, one analyst', () => {
    const count = (role: string) => data.accounts.filter((a) => a.role === role).length;
    assert.equal(count('guard'), 40);
    assert.equal(count('operator'), 20);
    for (const role of ['security_director', 'maintainer', 'auditor', 'commission_analyst']) assert.equal(count(role), 1, role);
    assert.deepEqual(
      data.accounts.filter((a) => !a.inUniversity).map((a) => a.username),
      ['analyst'],
    );
    assert.ok(data.accounts.some((a) => a.username === 'guard01') && data.accounts.some((a) => a.username === 'operator20'));
    assert.equal(new Set(data.accounts.map((a) => a.displayName)).size, data.accounts.length);
    for (const a of data.accounts) assert.match(a.displayName, /^[\u4e00-\u9fa5]{2,3}$/);
  });
});
