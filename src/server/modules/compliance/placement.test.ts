import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FULL_COVERAGE_SHARE } from '../../../shared/compliance.ts';
import type { PlacementSuggestion } from '../../../shared/compliance-remediation.ts';
import type { AreaGeometry } from '../../../shared/geojson.ts';
import { siteCoverage, type CoverageCamera, type CoverageSite } from './coverage.ts';
import { PLACEMENT_LIMITS, standardReachM, suggestPlacements } from './placement.ts';

const LAT0 = 31.3;
const LON0 = 121.5;
const M_PER_DEG_LAT = (Math.PI / 180) * 6_371_008.8;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((LAT0 * Math.PI) / 180);
const pos = (eastM: number, northM: number): [number, number] => [LON0 + eastM / M_PER_DEG_LON, LAT0 + northM / M_PER_DEG_LAT];
const rect = (x0: number, y0: number, x1: number, y1: number): AreaGeometry => ({ type: 'Polygon', coordinates: [[pos(x0, y0), pos(x1, y0), pos(x1, y1), pos(x0, y1), pos(x0, y0)]] });
const xyOf = (lon: number, lat: number) => [(lon - LON0) * M_PER_DEG_LON, (lat - LAT0) * M_PER_DEG_LAT] as const;

const cam = (id: string, eastM: number, northM: number, bearing: number, fov: number, range: number, extra: Partial<CoverageCamera> = {}): CoverageCamera => {
  const [lon, lat] = pos(eastM, northM);
  return { id, name: id, lon, lat, bearingDeg: bearing, fovDeg: fov, rangeM: range, resolution: null, floorId: null, inService: true, ...extra };
};
/** A suggestion as an installer would record it in the ledger. */
const installed = (s: PlacementSuggestion, k: number): CoverageCamera => ({
  id: `new-${k}`,
  name: `new-${k}`,
  lon: s.lon,
  lat: s.lat,
  bearingDeg: s.bearingDeg,
  fovDeg: s.fovDeg,
  rangeM: s.rangeM,
  resolution: s.resolution as CoverageCamera['resolution'],
  floorId: s.floorId,
  inService: true,
});

// A 20 m square; a camera 1 km west of it with a 2° lens and 1,010 m reach sees exactly its west
// half (its arc crosses the square at x = 10 m, bowing by 5 cm at the corners).
const square: CoverageSite = { id: 'sq', geometry: rect(0, 0, 20, 20), floorIds: null };
const westHalf = cam('west', -1000, 10, 90, 2, 1010);

describe('camera placement suggestions', () => {
  it('for a square whose west half is seen, suggests a camera covering its east half', () => {
    assert.ok(Math.abs(siteCoverage(square, [westHalf]).share - 0.5) < 0.01, 'the west half is seen');
    const r = suggestPlacements(square, [westHalf]);
    assert.ok(r.suggestions.length >= 1);
    const [s] = r.suggestions;
    assert.ok(s!.gainShare >= 0.4, `gain ${s!.gainShare}`);
    // Most of the east half is in the suggested camera's view.
    const east: CoverageSite = { id: 'east', geometry: rect(10, 0, 20, 20), floorIds: null };
    assert.ok(siteCoverage(east, [installed(s!, 1)]).share >= 0.8);
    // It stands on the outline, 0.3 m inside, and looks into the site with the standard camera.
    const [x, y] = xyOf(s!.lon, s!.lat);
    assert.ok(x > 0 && x < 20 && y > 0 && y < 20 && Math.min(x, y, 20 - x, 20 - y) < 0.5, `at ${x}, ${y}`);
    assert.equal(s!.fovDeg, 90);
    assert.equal(s!.resolution, '1080p');
    assert.ok(Math.abs(s!.rangeM - standardReachM()) < 0.1);
    assert.equal(s!.bearingDeg % PLACEMENT_LIMITS.bearingStepDeg, 0);
    // The reported share is the coverage analysis's own once the suggestions are installed.
    const after = siteCoverage(square, [westHalf, ...r.suggestions.map(installed)]).share;
    assert.equal(after, r.shareAfter);
    assert.equal(siteCoverage(square, [westHalf, installed(s!, 1)]).share, s!.shareAfter);
    assert.ok(r.shareAfter >= FULL_COVERAGE_SHARE);
    // The sector drawn on the map starts at the camera.
    assert.deepEqual(s!.sector.coordinates[0]![0], [s!.lon, s!.lat]);
  });

  it('suggests nothing for a fully covered site', () => {
    const r = suggestPlacements(square, [cam('corner', 0, 0, 45, 90, 40)]);
    assert.ok(r.shareBefore >= FULL_COVERAGE_SHARE);
    assert.deepEqual(r.suggestions, []);
  });

  it('indoors places cameras on the site’s floors, inside its outline', () => {
    const site: CoverageSite = { id: 'office', geometry: rect(0, 0, 12, 8), floorIds: ['f1', 'f2'] };
    const r = suggestPlacements(site, [cam('c1', 0.3, 0.3, 45, 90, 30, { floorId: 'f1' })]);
    assert.ok(r.suggestions.length >= 1);
    assert.equal(r.suggestions[0]!.floorId, 'f2', 'the floor without a camera gets the first');
    assert.ok(r.suggestions[0]!.gainShare > 0.4);
    assert.equal(siteCoverage(site, [cam('c1', 0.3, 0.3, 45, 90, 30, { floorId: 'f1' }), ...r.suggestions.map(installed)]).share, r.shareAfter);
  });

  it('stops at three cameras on a site three cannot cover, and stays fast', () => {
    const big: CoverageSite = { id: 'big', geometry: rect(0, 0, 120, 80), floorIds: null };
    const t0 = performance.now();
    const r = suggestPlacements(big, []);
    const ms = performance.now() - t0;
    assert.equal(r.suggestions.length, 3);
    assert.ok(r.suggestions.every((s) => s.gainShare >= PLACEMENT_LIMITS.minGainShare));
    assert.ok(ms < 3000, `${ms} ms`);
  });
});
