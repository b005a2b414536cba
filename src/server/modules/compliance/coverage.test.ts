import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AreaGeometry } from '../../../shared/geojson.ts';
import { pixelsPerMetre, reachAt, siteCoverage, type CoverageCamera, type CoverageSite } from './coverage.ts';

// Hand-computed geometry at latitude 31.3°: one metre north is 1/111,195 ° of latitude, one metre
// east 1/(111,195·cos 31.3°) ° of longitude.
const LAT0 = 31.3;
const LON0 = 121.5;
const M_PER_DEG_LAT = (Math.PI / 180) * 6_371_008.8;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((LAT0 * Math.PI) / 180);
const at = (eastM: number, northM: number) => ({ lon: LON0 + eastM / M_PER_DEG_LON, lat: LAT0 + northM / M_PER_DEG_LAT });
const pos = (eastM: number, northM: number): [number, number] => {
  const p = at(eastM, northM);
  return [p.lon, p.lat];
};

/** A 20 m × 20 m square with its south-west corner at the origin. */
const square = (size = 20): AreaGeometry => ({ type: 'Polygon', coordinates: [[pos(0, 0), pos(size, 0), pos(size, size), pos(0, size), pos(0, 0)]] });
const outdoorSite = (geometry = square()): CoverageSite => ({ id: 'site', geometry, floorIds: null });

const cam = (id: string, eastM: number, northM: number, bearing: number | null, fov: number | null, range: number | null, extra: Partial<CoverageCamera> = {}): CoverageCamera => ({
  id,
  name: id,
  ...at(eastM, northM),
  bearingDeg: bearing,
  fovDeg: fov,
  rangeM: range,
  resolution: null,
  floorId: null,
  inService: true,
  ...extra,
});

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

describe('site coverage geometry', () => {
  it('a camera in a corner looking along the diagonal with reach beyond it sees the whole square', () => {
    const c = siteCoverage(outdoorSite(), [cam('a', 0, 0, 45, 90, 30)]);
    near(c.areaM2, 400, 0.5, 'area');
    near(c.share, 1, 0.002, 'share');
    assert.equal(c.blindSpots.coordinates.length, 0);
  });

  it('with a 20 m reach it sees a quarter disc: π·20²/4 = 314.16 m², and the rest is one blind spot', () => {
    const c = siteCoverage(outdoorSite(), [cam('a', 0, 0, 45, 90, 20)]);
    // Sampled every 0.1 m: exact to about half a cell along the arc.
    near(c.coveredM2, 314.16, 1.5, 'covered');
    near(c.share, 0.7854, 0.004, 'share');
    assert.equal(c.blindSpots.coordinates.length, 1);
    assert.deepEqual(c.cameras.map((x) => x.id), ['a']);
  });

  it('overlapping cameras are counted once', () => {
    const one = siteCoverage(outdoorSite(), [cam('a', 0, 0, 45, 90, 20)]);
    const two = siteCoverage(outdoorSite(), [cam('a', 0, 0, 45, 90, 20), cam('b', 0, 0, 45, 90, 20)]);
    near(two.coveredM2, one.coveredM2, 0.01, 'covered');
    // Each camera is still credited with what it sees.
    assert.deepEqual(two.cameras.map((x) => x.seesM2), [one.coveredM2, one.coveredM2]);
  });

  it('two cameras on opposite corners cover the square with their two quarter discs (overlap subtracted)', () => {
    // Quarter discs of radius r = 20 from (0,0) and (20,20), each 314.16 m², overlap in the lens of two
    // circles d = 28.284 apart: 2r²·acos(d/2r) − (d/2)·√(4r² − d²) = 628.32 − 400 = 228.32 m², all inside.
    const c = siteCoverage(outdoorSite(), [cam('a', 0, 0, 45, 90, 20), cam('b', 20, 20, 225, 90, 20)]);
    near(c.coveredM2, 2 * 314.16 - 228.32, 1.2, 'covered');
  });

  it('a camera looking away from the site sees none of it', () => {
    const c = siteCoverage(outdoorSite(), [cam('a', 0, 0, 225, 90, 30)]);
    assert.equal(c.coveredM2, 0);
    assert.equal(c.share, 0);
    assert.deepEqual(c.cameras, []);
  });

  it('a 360° camera in the centre with a 10 m reach sees a disc of π·100 = 314.16 m²', () => {
    const c = siteCoverage(outdoorSite(), [cam('a', 10, 10, null, 360, 10)]);
    near(c.coveredM2, 314.16, 0.6, 'covered');
  });

  it('out-of-service cameras do not count; cameras without bearing or field of view are listed, never assumed', () => {
    const c = siteCoverage(outdoorSite(), [
      cam('off', 0, 0, 45, 90, 30, { inService: false }),
      cam('nobearing', 0, 0, null, 90, 30),
      cam('nofov', 0, 0, 45, null, 30),
      cam('nowhere', 0, 0, 45, 90, 30, { lon: null, lat: null }),
    ]);
    assert.equal(c.coveredM2, 0);
    assert.deepEqual(
      c.unplaced.map((u) => [u.id, u.missing]),
      [['nobearing', ['bearing']], ['nofov', ['fov']], ['nowhere', ['position']]],
    );
  });

  it('an outdoor site is seen by outdoor cameras only; an indoor site by cameras on its floors and inside its walls', () => {
    const indoorCam = cam('indoor', 0, 0, 45, 90, 30, { floorId: 'f1' });
    assert.equal(siteCoverage(outdoorSite(), [indoorCam]).coveredM2, 0);

    const indoorSite: CoverageSite = { id: 'office', geometry: square(), floorIds: ['f1'] };
    near(siteCoverage(indoorSite, [indoorCam]).share, 1, 0.002, 'same floor');
    assert.equal(siteCoverage(indoorSite, [cam('outdoor', 0, 0, 45, 90, 30)]).coveredM2, 0, 'outdoor camera, indoor site');
    assert.equal(siteCoverage(indoorSite, [cam('upstairs', 0, 0, 45, 90, 30, { floorId: 'f2' })]).coveredM2, 0, 'another floor');
    // Same floor but in the corridor outside the office, looking in through the wall.
    assert.equal(siteCoverage(indoorSite, [cam('corridor', -3, -3, 45, 90, 40, { floorId: 'f1' })]).coveredM2, 0, 'behind the wall');
  });

  it('the reach is capped by the resolution, and faces are identified only close up (IEC 62676-4 densities)', () => {
    // 1080p over 90°: 1920 px across 2·d·tan 45° = 2d metres, so 960/d px/m: 25 px/m at 38.4 m, 250 px/m at 3.84 m.
    near(pixelsPerMetre('1080p', 90, 10), 96, 1e-9, 'px/m at 10 m');
    near(reachAt('1080p', 90, 250), 3.84, 1e-9, 'identification reach');
    const c = siteCoverage(outdoorSite(square(60)), [cam('hd', 0, 0, 45, 90, 100, { resolution: '1080p' })]);
    near(c.coveredM2, (Math.PI * 38.4 ** 2) / 4, 2, 'seen up to 38.4 m, not the recorded 100 m');
    near(c.identifiedM2, (Math.PI * 3.84 ** 2) / 4, 0.05, 'identified up to 3.84 m');
  });

  it('entrances on the outline count as seen when inside a sector, and as identified only within the face reach', () => {
    const doorNear = { id: 'door-near', name: '近门', floorId: null, ...at(3, 0) }; // on the south wall, 3 m from the camera
    const doorFar = { id: 'door-far', name: '远门', floorId: null, ...at(20, 10) }; // east wall, 22.4 m away
    const doorBehind = { id: 'door-behind', name: '背后门', floorId: null, ...at(0, 10) }; // west wall, 10 m north (bearing 0°): outside the cone
    const c = siteCoverage(outdoorSite(), [cam('a', 0, 0, 70, 70, 30, { resolution: '1080p' })], [doorNear, doorFar, doorBehind]);
    // Bearing 70° ± 35° spans 35°–105°: the south door (bearing 90°, 3 m) and the east door (63.4°, 22.4 m) are inside;
    // 1080p over 70° identifies faces up to 1920/(2·tan 35°)/250 = 5.48 m.
    assert.deepEqual(
      c.entrances.map((e) => [e.id, e.seenBy, e.identifiedBy]),
      [['door-near', ['a'], ['a']], ['door-far', ['a'], []], ['door-behind', [], []]],
    );
  });

  it('blind spots come back as WGS84 polygons inside the site', () => {
    const c = siteCoverage(outdoorSite(), [cam('a', 0, 0, 45, 90, 20)]);
    for (const poly of c.blindSpots.coordinates) {
      for (const [lon, lat] of poly[0]!) {
        assert.ok(lon >= LON0 - 1e-9 && lon <= at(20, 0).lon + 1e-9, `lon ${lon}`);
        assert.ok(lat >= LAT0 - 1e-9 && lat <= at(0, 20).lat + 1e-9, `lat ${lat}`);
      }
    }
  });
});
