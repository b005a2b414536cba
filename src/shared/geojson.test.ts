import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_GEOMETRY_PROBLEMS, polygonCentroid, validatePoint, validatePolygonGeometry, type Position } from './geojson.ts';

/** L-shaped teaching building in Yangpu, Shanghai: 90 m × 33 m wing plus a 38 m × 33 m wing, ≈ 4 100 m². */
const L_BUILDING: Position[] = [
  [121.5, 31.3],
  [121.5009, 31.3],
  [121.5009, 31.3003],
  [121.5004, 31.3003],
  [121.5004, 31.3006],
  [121.5, 31.3006],
  [121.5, 31.3],
];
const poly = (...rings: Position[][]) => ({ type: 'Polygon', coordinates: rings });
/** Axis-aligned closed square ring, counter-clockwise. */
const square = (lon: number, lat: number, size: number): Position[] => [
  [lon, lat],
  [lon + size, lat],
  [lon + size, lat + size],
  [lon, lat + size],
  [lon, lat],
];
const fields = (problems: { field: string }[]) => problems.map((p) => p.field);

test('accepts a realistic Shanghai building footprint in either winding order', () => {
  assert.deepEqual(validatePolygonGeometry(poly(L_BUILDING)), []);
  assert.deepEqual(validatePolygonGeometry(poly([...L_BUILDING].reverse())), []);
  // A repeated consecutive vertex (common in surveyed data) is not a self-intersection.
  const withRepeat = [...L_BUILDING.slice(0, 3), L_BUILDING[2], ...L_BUILDING.slice(3)];
  assert.deepEqual(validatePolygonGeometry(poly(withRepeat)), []);
});

test('accepts a courtyard building (hole) and a MultiPolygon of two buildings', () => {
  const outer = square(121.5, 31.3, 0.001);
  const courtyard = square(121.5003, 31.3003, 0.0004).reverse();
  assert.deepEqual(validatePolygonGeometry(poly(outer, courtyard)), []);
  const multi = { type: 'MultiPolygon', coordinates: [[L_BUILDING], [square(121.502, 31.3, 0.0005)]] };
  assert.deepEqual(validatePolygonGeometry(multi), []);
});

test('rejects values that are not geometry objects', () => {
  for (const [v, got] of [[null, 'null'], ['POLYGON((…))', 'string'], [[L_BUILDING], 'an array'], [42, 'number'], [undefined, 'undefined']] as const) {
    assert.deepEqual(validatePolygonGeometry(v), [{ field: '', reason: `must be a GeoJSON geometry object (got ${got})`, rule: 'geo.object' }]);
  }
});

test('rejects geometry types other than Polygon and MultiPolygon', () => {
  const [point] = validatePolygonGeometry({ type: 'Point', coordinates: [121.5, 31.3] });
  assert.deepEqual(point, { field: 'type', reason: "must be 'Polygon' or 'MultiPolygon' (got 'Point')", rule: 'geo.type' });
  const [feature] = validatePolygonGeometry({ type: 'Feature', geometry: poly(L_BUILDING), properties: {} });
  assert.equal(feature.reason, "must be 'Polygon' or 'MultiPolygon' (got 'Feature'); pass the feature's geometry");
  const [none] = validatePolygonGeometry({ coordinates: [L_BUILDING] });
  assert.equal(none.reason, "must be 'Polygon' or 'MultiPolygon' (got nothing)");
  // Case matters in GeoJSON.
  assert.equal(validatePolygonGeometry({ type: 'polygon', coordinates: [L_BUILDING] })[0].field, 'type');
});

test('rejects missing or empty coordinates', () => {
  assert.deepEqual(fields(validatePolygonGeometry({ type: 'Polygon' })), ['coordinates']);
  assert.match(validatePolygonGeometry({ type: 'Polygon', coordinates: [] })[0].reason, /at least one linear ring/);
  assert.match(validatePolygonGeometry({ type: 'MultiPolygon', coordinates: [] })[0].reason, /at least one polygon/);
  assert.deepEqual(fields(validatePolygonGeometry({ type: 'MultiPolygon', coordinates: [[L_BUILDING], []] })), ['coordinates[1]']);
});

test('rejects longitude outside [-180, 180] at the exact position', () => {
  const ring = L_BUILDING.map((p) => [...p] as Position);
  ring[3] = [181.5004, 31.3003];
  assert.deepEqual(validatePolygonGeometry(poly(ring)), [
    { field: 'coordinates[0][3]', reason: 'longitude 181.5004 is out of range [-180, 180]', rule: 'geo.lon_range' },
  ]);
});

test('rejects latitude outside [-90, 90]', () => {
  const ring = L_BUILDING.map((p) => [...p] as Position);
  ring[2] = [121.5009, -91.3];
  const problems = validatePolygonGeometry(poly(ring));
  assert.deepEqual(problems, [{ field: 'coordinates[0][2]', reason: 'latitude -91.3 is out of range [-90, 90]', rule: 'geo.lat_range' }]);
});

test('hints at swapped [lat, lon] positions', () => {
  const swapped = L_BUILDING.map(([lon, lat]) => [lat, lon] as Position);
  const problems = validatePolygonGeometry(poly(swapped));
  assert.equal(problems.length, swapped.length);
  assert.deepEqual(problems[0], {
    field: 'coordinates[0][0]',
    reason: 'latitude 121.5 is out of range [-90, 90]; it looks like [latitude, longitude]; GeoJSON positions are [longitude, latitude]',
    rule: 'geo.lat_range',
  });
  // Urumqi (87.6 E, 43.8 N) swapped stays within the numeric ranges, but lands in the Arctic.
  const urumqi = square(87.6, 43.8, 0.001).map(([lon, lat]) => [lat, lon] as Position);
  const [hint, ...rest] = validatePolygonGeometry(poly(urumqi));
  assert.equal(rest.length, 0);
  assert.equal(hint.field, 'coordinates');
  assert.equal(hint.rule, 'geo.swapped');
  assert.match(hint.reason, /outside China but would lie inside it if swapped/);
});

test('rejects positions that are not number pairs', () => {
  const ring: unknown[] = [...L_BUILDING];
  ring[1] = '121.5009,31.3';
  ring[2] = [121.5009];
  ring[3] = [121.5004, '31.3003'];
  ring[4] = [121.5004, 31.3006, 12];
  ring[5] = [Number.NaN, 31.3006];
  const problems = validatePolygonGeometry({ type: 'Polygon', coordinates: [ring] });
  assert.deepEqual(fields(problems), ['coordinates[0][1]', 'coordinates[0][2]', 'coordinates[0][3]', 'coordinates[0][4]', 'coordinates[0][5]']);
  assert.equal(problems[0].reason, 'must be a [longitude, latitude] pair of numbers');
  assert.equal(problems[3].reason, 'must be a [longitude, latitude] pair (got 3 numbers; altitude is not stored)');
  assert.ok(problems.every((p) => p.rule === 'geo.position'));
});

test('rejects a ring with fewer than 4 positions', () => {
  const problems = validatePolygonGeometry(poly([[121.5, 31.3], [121.5009, 31.3], [121.5, 31.3]]));
  assert.equal(problems.length, 1);
  assert.equal(problems[0].field, 'coordinates[0]');
  assert.match(problems[0].reason, /^ring must have at least 4 positions \(got 3\)/);
});

test('rejects a ring that is not closed', () => {
  const open = L_BUILDING.slice(0, -1);
  assert.deepEqual(validatePolygonGeometry(poly(open)), [
    {
      field: 'coordinates[0]',
      reason: 'ring is not closed: the last position [121.5, 31.3006] must repeat the first [121.5, 31.3]',
      rule: 'geo.ring_closed',
    },
  ]);
});

test('rejects a self-intersecting (bow-tie) ring and says where', () => {
  // Two corners of a 100 m square swapped in order: the edges cross at the centre.
  const bowTie: Position[] = [
    [121.5, 31.3],
    [121.501, 31.301],
    [121.501, 31.3],
    [121.5, 31.301],
    [121.5, 31.3],
  ];
  const problems = validatePolygonGeometry(poly(bowTie));
  assert.equal(problems.length, 1);
  assert.equal(problems[0].field, 'coordinates[0]');
  assert.equal(problems[0].rule, 'geo.self_intersection');
  assert.equal(problems[0].reason, 'ring intersects itself near [121.5005, 31.3005]');
  // The same in the second member of a MultiPolygon is located there.
  const multi = validatePolygonGeometry({ type: 'MultiPolygon', coordinates: [[L_BUILDING], [bowTie.map(([x, y]) => [x + 0.01, y] as Position)]] });
  assert.deepEqual(fields(multi), ['coordinates[1][0]']);
});

test('rejects a ring whose positions are all on one line', () => {
  const flat: Position[] = [
    [121.5, 31.3],
    [121.5005, 31.3005],
    [121.501, 31.301],
    [121.5, 31.3],
  ];
  assert.deepEqual(validatePolygonGeometry(poly(flat)).map((p) => p.rule), ['geo.ring_degenerate']);
});

test('rejects holes outside or crossing the outer ring', () => {
  const outer = square(121.5, 31.3, 0.001);
  const outside = validatePolygonGeometry(poly(outer, square(121.503, 31.3, 0.0002)));
  assert.deepEqual(outside, [{ field: 'coordinates[1]', reason: 'hole lies outside the outer ring', rule: 'geo.hole_outside' }]);
  const crossing = validatePolygonGeometry(poly(outer, square(121.5008, 31.3004, 0.0004)));
  assert.deepEqual(crossing, [{ field: 'coordinates[1]', reason: 'hole crosses the outer ring', rule: 'geo.hole_outside' }]);
});

test('rejects overlapping MultiPolygon members, including identical ones', () => {
  const a = square(121.5, 31.3, 0.001);
  const overlapping = validatePolygonGeometry({ type: 'MultiPolygon', coordinates: [[a], [square(121.5005, 31.3005, 0.001)]] });
  assert.deepEqual(fields(overlapping), ['coordinates[1]']);
  assert.equal(overlapping[0].rule, 'geo.overlap');
  const same = validatePolygonGeometry({ type: 'MultiPolygon', coordinates: [[a], [a]] });
  assert.deepEqual(fields(same), ['coordinates[1]']);
  // Touching along an edge is not an overlap.
  assert.deepEqual(validatePolygonGeometry({ type: 'MultiPolygon', coordinates: [[a], [square(121.501, 31.3, 0.001)]] }), []);
});

test('rejects an implausibly large area', () => {
  // 0.2° × 0.2° around Yangpu ≈ 19 km × 22 km ≈ 422 km².
  const problems = validatePolygonGeometry(poly(square(121.4, 31.2, 0.2)));
  assert.equal(problems.length, 1);
  assert.equal(problems[0].field, 'coordinates');
  assert.equal(problems[0].rule, 'geo.area');
  const km2 = Number(/area ([\d.]+) km²/.exec(problems[0].reason)?.[1]);
  assert.ok(km2 > 400 && km2 < 440, problems[0].reason);
  assert.match(problems[0].reason, /implausibly large for a campus object \(limit 100 km²\)$/);
  // A big real campus (~3 km × 3 km) is fine; the limit is configurable.
  assert.deepEqual(validatePolygonGeometry(poly(square(121.49, 31.29, 0.03))), []);
  assert.equal(validatePolygonGeometry(poly(square(121.49, 31.29, 0.03)), { maxAreaKm2: 5 })[0]?.rule, 'geo.area');
});

test('prefixes field paths with options.path', () => {
  const ring = L_BUILDING.map((p) => [...p] as Position);
  ring[3] = [200, 31.3];
  assert.deepEqual(fields(validatePolygonGeometry(poly(ring), { path: 'footprint' })), ['footprint.coordinates[0][3]']);
  assert.deepEqual(fields(validatePolygonGeometry(null, { path: 'footprint' })), ['footprint']);
  assert.deepEqual(fields(validatePolygonGeometry({ type: 'Point' }, { path: 'footprint' })), ['footprint.type']);
});

test('caps the number of problems', () => {
  const ring: Position[] = Array.from({ length: 120 }, (_, k) => [200 + k, 31.3]);
  ring.push(ring[0]);
  const problems = validatePolygonGeometry(poly(ring));
  assert.equal(problems.length, MAX_GEOMETRY_PROBLEMS);
  assert.deepEqual(problems.at(-1), { field: 'coordinates', reason: '72 more problems not listed', rule: 'geo.more' });
});

test('validatePoint', () => {
  assert.deepEqual(validatePoint(121.5, 31.3), []);
  assert.deepEqual(validatePoint(-0.1276, 51.5072), []); // a campus abroad is not flagged
  assert.deepEqual(fields(validatePoint('121.5', null)), ['lon', 'lat']);
  assert.deepEqual(validatePoint(Number.POSITIVE_INFINITY, 31.3)[0].reason, 'must be a finite number (longitude in degrees)');
  assert.deepEqual(validatePoint(-181, 31.3), [{ field: 'lon', reason: 'longitude -181 is out of range [-180, 180]', rule: 'geo.lon_range' }]);
  assert.deepEqual(validatePoint(121.5, 90.5)[0].field, 'lat');
  assert.deepEqual(validatePoint(31.2, 121.4), [
    {
      field: 'lat',
      reason: 'latitude 121.4 is out of range [-90, 90]; it looks like [latitude, longitude]; GeoJSON positions are [longitude, latitude]',
      rule: 'geo.lat_range',
    },
  ]);
  const [swapped] = validatePoint(43.8, 87.6);
  assert.equal(swapped.rule, 'geo.swapped');
  assert.deepEqual(fields(validatePoint(200, 100, { lon: 'camera.lon', lat: 'camera.lat' })), ['camera.lon', 'camera.lat']);
});

test('polygonCentroid is area-weighted and honours holes', () => {
  const close = (a: Position, b: Position) =>
    assert.ok(Math.abs(a[0] - b[0]) < 1e-9 && Math.abs(a[1] - b[1]) < 1e-9, `${a} != ${b}`);
  // L-shape: wing A 9×3 units centred (4.5, 1.5), wing B 4×3 centred (2, 4.5) (units of 1e-4°).
  close(polygonCentroid({ type: 'Polygon', coordinates: [L_BUILDING] }), [121.5 + (27 * 4.5 + 12 * 2) / 39 / 1e4, 31.3 + (27 * 1.5 + 12 * 4.5) / 39 / 1e4]);
  close(polygonCentroid({ type: 'Polygon', coordinates: [[...L_BUILDING].reverse()] }), polygonCentroid({ type: 'Polygon', coordinates: [L_BUILDING] }));
  const sq = square(121.5, 31.3, 0.001);
  close(polygonCentroid({ type: 'Polygon', coordinates: [sq] }), [121.5005, 31.3005]);
  // A hole in the east half shifts the centroid west.
  const holed = polygonCentroid({ type: 'Polygon', coordinates: [sq, square(121.5006, 31.3004, 0.0002)] });
  assert.ok(holed[0] < 121.5005);
  close([0, holed[1]], [0, 31.3005]);
  // Two equal buildings: the midpoint.
  close(polygonCentroid({ type: 'MultiPolygon', coordinates: [[sq], [square(121.503, 31.3, 0.001)]] }), [121.502, 31.3005]);
  // Degenerate (no area): mean of the outer ring's vertices (closing position not counted twice).
  close(polygonCentroid({ type: 'Polygon', coordinates: [[[121.5, 31.3], [121.501, 31.3], [121.5, 31.3], [121.5, 31.3]]] }), [121.500333333333, 31.3]);
});
