import type { Feature, FeatureCollection, Point, Polygon, Position } from 'geojson';
import type { DeviceProps } from '../../api/types.ts';

/** Metres per degree of latitude, and of longitude at the equator (WGS84, local approximation). */
const M_PER_DEG = 111_320;
/** One edge point per this many degrees of arc: smooth at campus scale, cheap for thousands. */
const ARC_STEP_DEG = 6;

/**
 * The field-of-view sector of a camera as a closed polygon ring: apex at the camera, arc at
 * `rangeM` from `bearingDeg - fovDeg/2` to `bearingDeg + fovDeg/2` (clockwise from north).
 * A local flat-earth approximation, exact to well under a metre at campus distances.
 */
export function fovSector(lon: number, lat: number, bearingDeg: number, fovDeg: number, rangeM: number): Position[] {
  const fov = Math.min(Math.max(fovDeg, 1), 360);
  const mPerDegLon = M_PER_DEG * Math.cos((lat * Math.PI) / 180);
  const full = fov >= 360;
  const steps = Math.max(2, Math.ceil(fov / ARC_STEP_DEG));
  const start = bearingDeg - fov / 2;
  const ring: Position[] = full ? [] : [[lon, lat]];
  const last = full ? steps - 1 : steps;
  for (let i = 0; i <= last; i++) {
    const a = ((start + (fov * i) / steps) * Math.PI) / 180;
    ring.push([lon + (rangeM * Math.sin(a)) / mPerDegLon, lat + (rangeM * Math.cos(a)) / M_PER_DEG]);
  }
  ring.push(ring[0]!);
  return ring;
}

export interface LngLatBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

const hasCone = (p: DeviceProps) => (p.kind === 'camera' || p.kind === 'lpr_camera') && p.bearingDeg != null && p.fovDeg != null && p.rangeM != null;

/** How many cameras with a cone are inside `box` and pass `visible`, counting up to `stopAt`. */
export function camerasIn(devices: Feature<Point, DeviceProps>[], box: LngLatBox, visible: (p: DeviceProps) => boolean, stopAt = Infinity): number {
  let n = 0;
  for (const d of devices) {
    if (!hasCone(d.properties)) continue;
    const [lon, lat] = d.geometry.coordinates as [number, number];
    if (lon < box.west || lon > box.east || lat < box.south || lat > box.north || !visible(d.properties)) continue;
    if (++n >= stopAt) break;
  }
  return n;
}

/**
 * Cones of the cameras inside `box` that pass `visible` and know their bearing, field of view
 * and range. Computed for the viewport only, so 10,000 devices stay smooth.
 */
export function cameraCones(
  devices: Feature<Point, DeviceProps>[],
  box: LngLatBox,
  visible: (p: DeviceProps) => boolean,
  limit = 4000,
): FeatureCollection<Polygon, { id: string; kind: string }> {
  const features: Feature<Polygon, { id: string; kind: string }>[] = [];
  for (const d of devices) {
    const p = d.properties;
    if (!hasCone(p)) continue;
    const [lon, lat] = d.geometry.coordinates as [number, number];
    if (lon < box.west || lon > box.east || lat < box.south || lat > box.north) continue;
    if (!visible(p)) continue;
    features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [fovSector(lon, lat, p.bearingDeg!, p.fovDeg!, p.rangeM!)] }, properties: { id: p.id, kind: p.kind } });
    if (features.length >= limit) break;
  }
  return { type: 'FeatureCollection', features };
}
