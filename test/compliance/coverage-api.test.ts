/**
 * Key-site coverage through the API (issue 16 item 2): a finance office inside a building, a gate
 * outdoors, cameras placed from the ledger; shares, blind spots, entrances and cameras lacking data,
 * scoped to the caller's university.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CoverageReport } from '../../src/shared/compliance.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { at, LAT0, LON0, rect } from './local-metres.ts';


let t: TestApp;
let U: UniversityFixture;
let other: UniversityFixture;
let director: string;

describe('key-site coverage API', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'CV', LON0, LAT0);
    other = await createUniversity(t.services, 'CX', 121.6, 31.4);
    director = await t.login(U.users.security_director.username);
  });
  after(() => t?.close());

  it('computes shares, blind spots, entrances and lists cameras it cannot place', async () => {
    // The fixture's own finance office and camera sit elsewhere in the building; ours are 100 m east.
    const office = await t.services.org.createKeySite(SYSTEM_ACTOR, { campusId: U.campusId, buildingId: U.buildingId, name: '财务处', category: 'finance_office', geometry: rect(100, 0, 110, 10) });
    const gate = await t.services.org.createKeySite(SYSTEM_ACTOR, { campusId: U.campusId, name: '南门', category: 'gate', geometry: rect(200, 0, 220, 20) });
    const camera = (name: string, eastM: number, northM: number, extra: Record<string, unknown>, floor = true) =>
      t.services.devices.create(SYSTEM_ACTOR, { name, kind: 'camera', ...(floor ? { floorId: U.floorId } : { campusId: U.campusId }), ...at(eastM, northM), camera: { resolution: '4k', type: 'fixed', ...extra } });
    // In the office's south-west corner looking north-east: a quarter disc of radius 10 m covers
    // π·100/4 = 78.5 of its 100 m² (4K over 90°: 3840/2 = 1920/d px/m, identification to 7.68 m).
    const inOffice = await camera('财务处-1', 100, 0, { bearingDeg: 45, fovDeg: 90, rangeM: 10 });
    const noBearing = await camera('财务处-2', 105, 5, { fovDeg: 90, rangeM: 10 });
    await camera('走廊', 95, 5, { bearingDeg: 90, fovDeg: 90, rangeM: 30 }); // outside the office's walls: does not count
    await camera('室外', 100, -1, { bearingDeg: 0, fovDeg: 90, rangeM: 30 }, false); // outdoor: does not count indoors
    const door = await t.services.devices.create(SYSTEM_ACTOR, { name: '财务处门', kind: 'door', floorId: U.floorId, ...at(103, 0) });
    // The gate: one outdoor camera sees it whole; its barrier on the outline is an entrance.
    const gateCam = await camera('南门-1', 200, 0, { bearingDeg: 45, fovDeg: 90, rangeM: 40 }, false);
    const barrier = await t.services.devices.create(SYSTEM_ACTOR, { name: '南门道闸', kind: 'barrier_gate', campusId: U.campusId, ...at(210, 0) });

    const res = await t.call(director, 'GET', '/api/compliance/coverage');
    assert.equal(res.statusCode, 200, res.body);
    const report = json<CoverageReport>(res);
    assert.equal(report.universityId, U.universityId);
    assert.ok(Date.parse(report.computedAt) <= t.clock.now(), 'computed on the app clock');
    const of = (id: string) => report.sites.find((s) => s.siteId === id)!;

    const o = of(office.id);
    assert.equal(o.indoor, true);
    assert.ok(Math.abs(o.areaM2 - 100) < 0.2, `area ${o.areaM2}`);
    assert.ok(Math.abs(o.share - Math.PI / 4) < 0.005, `share ${o.share}`);
    assert.ok(Math.abs(o.identifiedM2 - (Math.PI * 7.68 ** 2) / 4) < 0.3, `identified ${o.identifiedM2}`);
    assert.deepEqual(o.cameras.map((c) => c.id), [inOffice.id]);
    assert.deepEqual(o.unplaced, [{ id: noBearing.id, name: '财务处-2', missing: ['bearing'] }]);
    assert.equal(o.blindSpots.coordinates.length, 1);
    assert.deepEqual(o.entrances, [{ id: door.id, name: '财务处门', seenBy: [inOffice.id], identifiedBy: [inOffice.id] }]);

    const g = of(gate.id);
    assert.equal(g.indoor, false);
    assert.ok(g.share > 0.99, `gate share ${g.share}`);
    assert.deepEqual(g.cameras.map((c) => c.id), [gateCam.id]);
    assert.deepEqual(g.entrances.map((e) => [e.id, e.seenBy]), [[barrier.id, [gateCam.id]]]);

    assert.equal(report.summary.sites, report.sites.length);
    assert.ok(report.summary.fullyCovered >= 1);
  });

  it('one site by id; another university’s site is not found; a city-wide account must name the university', async () => {
    const one = json<CoverageReport>(await t.call(director, 'GET', `/api/compliance/coverage?siteId=${U.keySiteId}`));
    assert.deepEqual(one.sites.map((s) => s.siteId), [U.keySiteId]);
    const foreign = await t.call(director, 'GET', `/api/compliance/coverage?siteId=${other.keySiteId}`);
    assert.equal(foreign.statusCode, 404, foreign.body);
    const admin = await t.login('admin');
    const missing = await t.call(admin, 'GET', '/api/compliance/coverage');
    assert.equal(missing.statusCode, 400);
    assert.equal(json(missing).details[0].field, 'universityId');
    const named = await t.call(admin, 'GET', `/api/compliance/coverage?universityId=${other.universityId}`);
    assert.equal(named.statusCode, 200, named.body);
    assert.deepEqual(json<CoverageReport>(named).sites.map((s) => s.siteId), [other.keySiteId]);
  });

  it('a guard may not read it', async () => {
    const guard = await t.login(U.users.guard.username);
    assert.equal((await t.call(guard, 'GET', '/api/compliance/coverage')).statusCode, 403);
  });
});

describe('compliance snapshots (评估快照)', () => {
  let s: TestApp;
  let V: UniversityFixture;
  let W: UniversityFixture;
  before(async () => {
    s = await createTestApp();
    V = await createUniversity(s.services, 'SV', LON0, LAT0);
    W = await createUniversity(s.services, 'SW', 121.6, 31.4);
  });
  after(() => s?.close());

  it('takes one a day per university with its inputs, lists the trend, and recomputes a stored score to the same figures', async () => {
    assert.equal(await s.services.compliance.snapshotDue(), 2, 'both universities');
    assert.equal(await s.services.compliance.snapshotDue(), 0, 'once a day');
    const director = await s.login(V.users.security_director.username);
    const list = await s.call(director, 'GET', '/api/compliance/snapshots?days=7');
    assert.equal(list.statusCode, 200, list.body);
    const [snap, ...more] = json<{ id: string; universityId: string; score: number; packVersion: string }[]>(list);
    assert.equal(more.length, 0);
    assert.equal(snap!.universityId, V.universityId);
    const live = json<{ score: number }>(await s.call(director, 'GET', '/api/compliance/score'));
    assert.equal(snap!.score, live.score, 'nothing changed since: the same score');

    const replay = await s.call(director, 'GET', `/api/compliance/snapshots/${snap!.id}/replay`);
    assert.equal(replay.statusCode, 200, replay.body);
    assert.equal(json(replay).identical, true);
    assert.equal(json(replay).recomputed.score, snap!.score);
    assert.equal(json(replay).recomputed.pack.version, snap!.packVersion);

    // The ledger changes after the snapshot: today's score moves, the stored one recomputes as it was.
    await s.services.devices.create(SYSTEM_ACTOR, { name: '模拟机', kind: 'camera', campusId: V.campusId, lon: LON0, lat: LAT0, camera: { resolution: 'analog', type: 'fixed', bearingDeg: 0, fovDeg: 60, rangeM: 20 }, retentionDays: 7 });
    assert.notEqual(json<{ score: number }>(await s.call(director, 'GET', '/api/compliance/score')).score, snap!.score);
    assert.equal(json(await s.call(director, 'GET', `/api/compliance/snapshots/${snap!.id}/replay`)).recomputed.score, snap!.score);

    const foreign = json<{ id: string }[]>(await s.call(await s.login('admin'), 'GET', `/api/compliance/snapshots?universityId=${W.universityId}`))[0]!;
    assert.equal((await s.call(director, 'GET', `/api/compliance/snapshots/${foreign.id}/replay`)).statusCode, 404);
    assert.equal((await s.call(director, 'GET', '/api/compliance/snapshots?days=0')).statusCode, 400);
  });
});
