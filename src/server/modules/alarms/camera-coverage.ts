/** Cameras whose field of view covers a point: the "linked cameras" of an alarm. */

export interface CameraGeometry {
  id: string;
  name: string;
  lon: number;
  lat: number;
  bearingDeg: number | null;
  fovDeg: number | null;
  rangeM: number | null;
  ptz: boolean;
  floorId: string | null;
  status: string;
}

export interface CoveredBy {
  id: string;
  name: string;
  distanceM: number;
  ptz: boolean;
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Initial bearing from 1 to 2, degrees clockwise from north, 0–360. */
export function bearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const y = Math.sin(rad(lon2 - lon1)) * Math.cos(rad(lat2));
  const x = Math.cos(rad(lat1)) * Math.sin(rad(lat2)) - Math.sin(rad(lat1)) * Math.cos(rad(lat2)) * Math.cos(rad(lon2 - lon1));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

/** Smallest angle between two bearings, 0–180. */
export const angleBetween = (a: number, b: number) => {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
};

const DEFAULT_RANGE_M = 30;
const DEFAULT_FOV_DEG = 60;

/**
 * A fixed camera covers the point when the point is within its range and inside its horizontal
 * field-of-view sector; a PTZ camera can turn, so its whole range circle counts. Indoor points
 * are covered only by cameras on the same floor; outdoor points only by cameras not on a floor.
 * Cameras out of service do not count. Nearest first.
 */
export function camerasCovering(point: { lon: number; lat: number; floorId: string | null }, cameras: Iterable<CameraGeometry>, max: number): CoveredBy[] {
  const hits: CoveredBy[] = [];
  // ~0.01° is ≥ 900 m at campus latitudes: a cheap box before the trigonometry.
  const box = 0.01;
  for (const c of cameras) {
    if (c.status !== 'in_service' || c.floorId !== point.floorId) continue;
    if (Math.abs(c.lon - point.lon) > box || Math.abs(c.lat - point.lat) > box) continue;
    const range = c.rangeM ?? DEFAULT_RANGE_M;
    const d = distanceM(c.lon, c.lat, point.lon, point.lat);
    if (d > range) continue;
    if (!c.ptz && d > 0.5) {
      const fov = c.fovDeg ?? DEFAULT_FOV_DEG;
      if (c.bearingDeg === null) continue; // direction unknown: cannot claim coverage
      if (angleBetween(c.bearingDeg, bearingDeg(c.lon, c.lat, point.lon, point.lat)) > fov / 2) continue;
    }
    hits.push({ id: c.id, name: c.name, distanceM: Math.round(d * 10) / 10, ptz: c.ptz });
  }
  return hits.sort((a, b) => a.distanceM - b.distanceM).slice(0, max);
}
