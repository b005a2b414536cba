import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Feature, Point } from 'geojson';
import type { DeviceProps } from '../../api/types.ts';
import { deviceVisible, type DeviceFilter } from './device-filter.ts';
import { cameraCones, camerasIn, fovSector } from './fov.ts';

/** Metres between two WGS84 points (haversine). */
function metres(a: number[], b: number[]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1]! - a[1]!) * rad;
  const dLon = (b[0]! - a[0]!) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1]! * rad) * Math.cos(b[1]! * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008 * Math.asin(Math.sqrt(h));
}
/** Compass bearing from a to b in degrees. */
function bearing(a: number[], b: number[]): number {
  const rad = Math.PI / 180;
  const y = Math.sin((b[0]! - a[0]!) * rad) * Math.cos(b[1]! * rad);
  const x = Math.cos(a[1]! * rad) * Math.sin(b[1]! * rad) - Math.sin(a[1]! * rad) * Math.cos(b[1]! * rad) * Math.cos((b[0]! - a[0]!) * rad);
  return (Math.atan2(y, x) / rad + 360) % 360;
}

describe('camera field of view', () => {
  const apex = [121.5, 31.3];

  it('is a closed sector from the camera out to its range, within a metre', () => {
    const ring = fovSector(apex[0]!, apex[1]!, 90, 60, 40);
    assert.deepEqual(ring[0], apex, 'starts at the camera');
    assert.deepEqual(ring.at(-1), ring[0], 'closed');
    for (const p of ring.slice(1, -1)) assert.ok(Math.abs(metres(apex, p) - 40) < 1, `arc point at ${metres(apex, p)} m`);
    const arc = ring.slice(1, -1).map((p) => bearing(apex, p));
    assert.ok(Math.abs(arc[0]! - 60) < 0.5 && Math.abs(arc.at(-1)! - 120) < 0.5, `arc spans 60°–120°, got ${arc[0]}–${arc.at(-1)}`);
  });

  it('wraps around north', () => {
    const ring = fovSector(apex[0]!, apex[1]!, 0, 90, 20);
    const arc = ring.slice(1, -1).map((p) => bearing(apex, p));
    assert.ok(Math.abs(arc[0]! - 315) < 0.5 && Math.abs(arc.at(-1)! - 45) < 0.5);
  });

  it('is a full circle (no apex) for a 360° camera', () => {
    const ring = fovSector(apex[0]!, apex[1]!, 0, 360, 15);
    assert.deepEqual(ring.at(-1), ring[0]);
    for (const p of ring) assert.ok(Math.abs(metres(apex, p) - 15) < 0.5);
  });

  it('builds cones only for visible cameras in the box that know bearing, angle and range', () => {
    const device = (id: string, lon: number, props: Partial<DeviceProps>): Feature<Point, DeviceProps> => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, 31.3] },
      properties: { id, name: id, kind: 'camera', status: 'in_service', buildingId: null, floorId: null, floorLevel: null, resolution: '1080p', bearingDeg: 0, fovDeg: 60, rangeM: 30, ...props },
    });
    const devices = [
      device('ok', 121.5, {}),
      device('lpr', 121.5, { kind: 'lpr_camera' }),
      device('no-bearing', 121.5, { bearingDeg: null }),
      device('door', 121.5, { kind: 'door' }),
      device('outside', 122, {}),
      device('retired', 121.5, { status: 'retired' }),
    ];
    const filter: DeviceFilter = { kinds: [], statuses: ['in_service'], healths: [], floorLevel: 'all' };
    const cones = cameraCones(devices, { west: 121.4, south: 31.2, east: 121.6, north: 31.4 }, (p) => deviceVisible(p, filter));
    assert.deepEqual(cones.features.map((f) => f.properties.id), ['ok', 'lpr']);
    assert.equal(camerasIn(devices, { west: 121.4, south: 31.2, east: 121.6, north: 31.4 }, (p) => deviceVisible(p, filter)), 2);
    assert.equal(camerasIn(devices, { west: 121.4, south: 31.2, east: 121.6, north: 31.4 }, () => true, 1), 1, 'stops counting');
  });
});

describe('device filter', () => {
  const p = (over: Partial<DeviceProps>): DeviceProps => ({ id: 'x', name: 'x', kind: 'door', status: 'in_service', buildingId: 'b1', floorId: null, floorLevel: null, resolution: null, bearingDeg: null, fovDeg: null, rangeM: null, ...over });
  const all: DeviceFilter = { kinds: [], statuses: [], healths: [], floorLevel: 'all' };

  it('shows indoor devices only on the chosen floor, outdoor ones always', () => {
    const onTwo = p({ floorId: 'f2', floorLevel: 2 });
    const outdoor = p({ buildingId: null });
    assert.equal(deviceVisible(onTwo, all), true);
    assert.equal(deviceVisible(onTwo, { ...all, floorLevel: 2 }), true);
    assert.equal(deviceVisible(onTwo, { ...all, floorLevel: 1 }), false);
    assert.equal(deviceVisible(outdoor, { ...all, floorLevel: 1 }), true);
  });

  it('narrows by kind, status and building', () => {
    assert.equal(deviceVisible(p({}), { ...all, kinds: ['camera'] }), false);
    assert.equal(deviceVisible(p({}), { ...all, kinds: ['door', 'camera'] }), true);
    assert.equal(deviceVisible(p({ status: 'retired' }), { ...all, statuses: ['in_service'] }), false);
    assert.equal(deviceVisible(p({}), { ...all, buildingId: 'b2' }), false);
  });

  it('narrows by online state once it is known, stamped on the device or given', () => {
    const offlineOnly = { ...all, healths: ['offline' as const] };
    assert.equal(deviceVisible({ ...p({}), health: 'offline' }, offlineOnly), true);
    assert.equal(deviceVisible({ ...p({}), health: 'online' }, offlineOnly), false);
    assert.equal(deviceVisible(p({}), offlineOnly, 'unknown'), false);
    assert.equal(deviceVisible(p({}), offlineOnly), true, 'no state loaded yet: shown, like the map does');
    assert.equal(deviceVisible({ ...p({}), health: 'unknown' }, { ...all, healths: ['unknown', 'offline'] }), true);
  });
});
