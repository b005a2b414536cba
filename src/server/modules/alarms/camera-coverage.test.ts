import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { angleBetween, bearingDeg, camerasCovering, distanceM, type CameraGeometry } from './camera-coverage.ts';

// Hand-computed geometry at latitude 31.3°: one metre north is 1/111,195 ° of latitude (mean
// earth radius 6,371,008.8 m); one metre east is 1/(111,195·cos 31.3°) = 1/95,016 ° of longitude.
const LAT0 = 31.3;
const LON0 = 121.5;
const M_PER_DEG_LAT = (Math.PI / 180) * 6_371_008.8; // 111,195.08
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((LAT0 * Math.PI) / 180); // 95,016
const at = (eastM: number, northM: number) => ({ lon: LON0 + eastM / M_PER_DEG_LON, lat: LAT0 + northM / M_PER_DEG_LAT });

const cam = (id: string, eastM: number, northM: number, bearing: number | null, fov: number, range: number, extra: Partial<CameraGeometry> = {}): CameraGeometry => ({
  id,
  name: id,
  ...at(eastM, northM),
  bearingDeg: bearing,
  fovDeg: fov,
  rangeM: range,
  ptz: false,
  floorId: null,
  status: 'in_service',
  ...extra,
});

describe('camera coverage', () => {
  it('distance and bearing match hand computation', () => {
    const p = at(30, 40); // 3-4-5 triangle: 50 m away, bearing atan2(30, 40) = 36.87°
    assert.ok(Math.abs(distanceM(LON0, LAT0, p.lon, p.lat) - 50) < 0.05);
    assert.ok(Math.abs(bearingDeg(LON0, LAT0, p.lon, p.lat) - 36.87) < 0.05);
    assert.equal(angleBetween(350, 10), 20);
    assert.equal(angleBetween(90, 270), 180);
  });

  it('picks fixed cameras whose sector holds the point, nearest first', () => {
    const event = { ...at(0, 0), floorId: null };
    const cameras = [
      // 20 m south, looking north (0°): the point is straight ahead.
      cam('south-looking-north', 0, -20, 0, 60, 30),
      // 40 m west, looking east (90°) with a 60° lens: straight ahead, 40 m.
      cam('west-looking-east', -40, 0, 90, 60, 50),
      // 10 m east, looking east: the point is behind it.
      cam('east-looking-away', 10, 0, 90, 90, 50),
      // 30 m south-west looking north: the point lies at bearing 45°, outside ±30°.
      cam('sw-looking-north', -21.2132, -21.2132, 0, 60, 50),
      // Same, with a 100° lens: ±50° now includes 45°.
      cam('sw-wide', -21.2132, -21.2132, 0, 100, 50),
      // Looking straight at it but 60 m away with a 50 m range.
      cam('too-far', 0, 60, 180, 60, 50),
    ];
    const hits = camerasCovering(event, cameras, 8);
    assert.deepEqual(hits.map((h) => h.id), ['south-looking-north', 'sw-wide', 'west-looking-east']);
    assert.ok(Math.abs(hits[0].distanceM - 20) < 0.1);
    assert.ok(Math.abs(hits[1].distanceM - 30) < 0.1);
    assert.equal(camerasCovering(event, cameras, 1).length, 1);
  });

  it('a PTZ camera covers its whole range circle; direction unknown covers nothing', () => {
    const event = { ...at(0, 0), floorId: null };
    const hits = camerasCovering(event, [cam('dome', 10, 0, 90, 60, 40, { ptz: true }), cam('unknown-bearing', 0, -5, null, 60, 40)], 8);
    assert.deepEqual(hits.map((h) => h.id), ['dome']);
  });

  it('indoor events are seen only from the same floor; broken cameras do not count', () => {
    const indoor = { ...at(0, 0), floorId: 'f2' };
    const cameras = [
      cam('outdoor', 0, -10, 0, 60, 30),
      cam('floor1', 0, -10, 0, 60, 30, { floorId: 'f1' }),
      cam('floor2', 0, -10, 0, 60, 30, { floorId: 'f2' }),
      cam('floor2-broken', 0, -5, 0, 60, 30, { floorId: 'f2', status: 'under_repair' }),
    ];
    assert.deepEqual(camerasCovering(indoor, cameras, 8).map((h) => h.id), ['floor2']);
  });
});
