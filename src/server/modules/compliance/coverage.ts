/**
 * Geometric camera coverage of a key site (issue 16 item 2, S-COVER and S-ENTRY-ID): the share of
 * the site's area and of its entrances inside the union of the cameras' field-of-view sectors, the
 * blind spots as polygons, and the same again at the pixel density that identifies a face.
 *
 * Exact polygon geometry (polygon-clipping), computed in a local metric plane around the site (an
 * equirectangular projection: at campus scale, under 1 km, its error is far below a camera's
 * placement error) and mapped back to WGS84 for the blind spots.
 *
 * What counts, and why:
 * - A camera counts when it is in service and has a position, a bearing and a field of view; one
 *   without them cannot be placed and is listed as missing data, never assumed to cover.
 * - A PTZ camera counts with its home sector (bearing and field of view as recorded): it looks one
 *   way at a time, and a site is covered only where someone sees it without turning a camera.
 * - An outdoor site (no floors) is seen only by outdoor cameras; an indoor site only by cameras on
 *   its floors and inside its own outline (its walls stop the view from outside).
 * - Reach: the recorded range, capped by the distance at which the camera still resolves a person
 *   (IEC 62676-4 "detect", 25 px/m); identification (250 px/m) gives the shorter sector used for
 *   faces at entrances.
 */
import polygonClipping, { type MultiPolygon, type Polygon as ClipPolygon } from 'polygon-clipping';
import type { CameraResolution } from '../../../shared/domain.ts';
import type { AreaGeometry, MultiPolygonGeometry, Position } from '../../../shared/geojson.ts';

/** Horizontal pixels of each resolution class (analog: D1). */
export const HORIZONTAL_PIXELS: Record<CameraResolution, number> = { analog: 704, '720p': 1280, '1080p': 1920, '4k': 3840 };

/** Pixel densities at the target (px/m) of IEC 62676-4 / EN 62676-4. */
export const PIXEL_DENSITY = { detect: 25, observe: 62, recognise: 125, identify: 250 } as const;

/** Chord step of a sector's arc: the inscribed polygon loses 0.13 % of the area at 5°. */
const ARC_STEP_DEG = 5;
/** Blind spots smaller than this are slivers of the arc approximation, not places. */
const MIN_BLIND_SPOT_M2 = 0.5;
const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

export interface CoverageCamera {
  id: string;
  name: string;
  lon: number | null;
  lat: number | null;
  bearingDeg: number | null;
  fovDeg: number | null;
  rangeM: number | null;
  resolution: CameraResolution | null;
  floorId: string | null;
  inService: boolean;
}

export interface CoverageSite {
  id: string;
  geometry: AreaGeometry;
  /** The floors an indoor site lies on; null for an outdoor site. */
  floorIds: readonly string[] | null;
}

export interface CoverageEntrance {
  id: string;
  name: string;
  lon: number;
  lat: number;
}

export interface EntranceCoverage {
  id: string;
  name: string;
  /** Cameras whose sector holds the entrance. */
  seenBy: string[];
  /** Cameras that resolve a face there (≥ 250 px/m). */
  identifiedBy: string[];
}

export interface SiteCoverage {
  siteId: string;
  areaM2: number;
  coveredM2: number;
  /** coveredM2 / areaM2, 0–1. */
  share: number;
  identifiedM2: number;
  identifiedShare: number;
  /** The parts of the site no camera sees, WGS84. */
  blindSpots: MultiPolygonGeometry;
  entrances: EntranceCoverage[];
  /** Cameras that took part, with the area of the site each one sees (overlaps counted in each). */
  cameras: { id: string; name: string; seesM2: number }[];
  /** Cameras near the site left out for missing data (no position, bearing or field of view). */
  unplaced: { id: string; name: string; missing: ('position' | 'bearing' | 'fov')[] }[];
}

/** Pixels per metre across the image at `distanceM`: a rectilinear lens below 180°, the arc for wider lenses. */
export function pixelsPerMetre(resolution: CameraResolution, fovDeg: number, distanceM: number): number {
  const widthM = fovDeg < 180 ? 2 * distanceM * Math.tan(rad(fovDeg) / 2) : distanceM * rad(fovDeg);
  return HORIZONTAL_PIXELS[resolution] / widthM;
}

/** The distance up to which the camera resolves `density` px/m. */
export function reachAt(resolution: CameraResolution, fovDeg: number, density: number): number {
  return pixelsPerMetre(resolution, fovDeg, 1) / density;
}

/** A local plane in metres around an origin (x east, y north). */
export class LocalPlane {
  private readonly mPerLon: number;
  private readonly mPerLat = (Math.PI * EARTH_RADIUS_M) / 180;
  constructor(private readonly lon0: number, private readonly lat0: number) {
    this.mPerLon = this.mPerLat * Math.cos(rad(lat0));
  }
  static around(geometry: AreaGeometry): LocalPlane {
    const ring = geometry.type === 'Polygon' ? geometry.coordinates[0]! : geometry.coordinates[0]![0]!;
    return new LocalPlane(ring[0]![0], ring[0]![1]);
  }
  toXY([lon, lat]: readonly [number, number]): [number, number] {
    return [(lon - this.lon0) * this.mPerLon, (lat - this.lat0) * this.mPerLat];
  }
  toLonLat([x, y]: readonly [number, number]): Position {
    return [this.lon0 + x / this.mPerLon, this.lat0 + y / this.mPerLat];
  }
}

/** A field-of-view sector in the plane: apex at the camera, arc at `reach`; a 360° lens is a disc. */
export function sectorXY(apex: [number, number], bearingDeg: number, fovDeg: number, reach: number): ClipPolygon {
  const full = fovDeg >= 360;
  const span = full ? 360 : fovDeg;
  const steps = Math.max(2, Math.ceil(span / ARC_STEP_DEG));
  const ring: [number, number][] = full ? [] : [apex];
  for (let i = 0; i <= (full ? steps - 1 : steps); i++) {
    const a = rad(bearingDeg - span / 2 + (span * i) / steps);
    ring.push([apex[0] + reach * Math.sin(a), apex[1] + reach * Math.cos(a)]);
  }
  ring.push(ring[0]!);
  return [ring];
}

/** Planar area of a multipolygon (shoelace; holes subtract). */
export function planarArea(mp: MultiPolygon): number {
  let total = 0;
  for (const poly of mp) {
    poly.forEach((ring, k) => {
      let a = 0;
      for (let i = 0; i + 1 < ring.length; i++) a += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
      total += (k === 0 ? 1 : -1) * Math.abs(a / 2);
    });
  }
  return total;
}

function pointInRing(p: readonly [number, number], ring: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside a polygon with holes, or within `toleranceM` of its outline (a door sits on the wall). */
export function inPolygonXY(p: readonly [number, number], poly: ClipPolygon, toleranceM = 0): boolean {
  const [outer, ...holes] = poly;
  if (pointInRing(p, outer!) && !holes.some((h) => pointInRing(p, h))) return true;
  return toleranceM > 0 && poly.some((ring) => distanceToRing(p, ring) <= toleranceM);
}

function distanceToRing(p: readonly [number, number], ring: readonly (readonly [number, number])[]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax, ay] = ring[i]!;
    const [bx, by] = ring[i + 1]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - ax) * dx + (p[1] - ay) * dy) / len2));
    best = Math.min(best, Math.hypot(p[0] - (ax + t * dx), p[1] - (ay + t * dy)));
  }
  return best;
}

/** How close to a sector's edge an entrance may lie and still count as inside it (a door is ~1 m wide). */
const ENTRANCE_TOLERANCE_M = 0.5;

function sitePolygonsXY(site: CoverageSite, plane: LocalPlane): MultiPolygon {
  const polys = site.geometry.type === 'Polygon' ? [site.geometry.coordinates] : site.geometry.coordinates;
  return polys.map((poly) => poly.map((ring) => ring.map((pos) => plane.toXY(pos))));
}

/** Which cameras may see the site at all (floors, walls, data), before any geometry of their view. */
function eligible(site: CoverageSite, siteXY: MultiPolygon, plane: LocalPlane, cameras: readonly CoverageCamera[]) {
  const placed: { camera: CoverageCamera; apex: [number, number] }[] = [];
  const unplaced: SiteCoverage['unplaced'] = [];
  const floors = site.floorIds ? new Set(site.floorIds) : null;
  for (const c of cameras) {
    if (!c.inService) continue;
    if (floors ? c.floorId === null || !floors.has(c.floorId) : c.floorId !== null) continue;
    if (c.lon === null || c.lat === null) {
      unplaced.push({ id: c.id, name: c.name, missing: ['position', ...(c.bearingDeg === null ? (['bearing'] as const) : []), ...(c.fovDeg === null ? (['fov'] as const) : [])] });
      continue;
    }
    const apex = plane.toXY([c.lon, c.lat]);
    // Indoors, walls: only a camera inside the site's own outline looks into it.
    if (floors && !siteXY.some((poly) => inPolygonXY(apex, poly, ENTRANCE_TOLERANCE_M))) continue;
    const missing = [...(c.bearingDeg === null && (c.fovDeg ?? 0) < 360 ? (['bearing'] as const) : []), ...(c.fovDeg === null ? (['fov'] as const) : [])];
    if (missing.length > 0) {
      unplaced.push({ id: c.id, name: c.name, missing });
      continue;
    }
    placed.push({ camera: c, apex });
  }
  return { placed, unplaced };
}

/** The camera's reach at a pixel density: its recorded range, capped by what its resolution resolves. */
function reachOf(c: CoverageCamera, density: number): number {
  const resolved = c.resolution ? reachAt(c.resolution, c.fovDeg!, density) : Infinity;
  const reach = Math.min(c.rangeM ?? Infinity, resolved);
  return Number.isFinite(reach) ? reach : 0;
}

const unionAll = (polys: ClipPolygon[]): MultiPolygon => (polys.length === 0 ? [] : polygonClipping.union(polys[0]!, ...polys.slice(1)));

/**
 * The coverage of one site by the given cameras, its entrances (doors, turnstiles, gates at its
 * outline) judged against the same sectors. Cameras far from the site may be passed: a sector that
 * misses the site adds nothing.
 */
export function siteCoverage(site: CoverageSite, cameras: readonly CoverageCamera[], entrances: readonly CoverageEntrance[] = []): SiteCoverage {
  const plane = LocalPlane.around(site.geometry);
  const siteXY = sitePolygonsXY(site, plane);
  const areaM2 = planarArea(siteXY);
  const { placed, unplaced } = eligible(site, siteXY, plane, cameras);

  const sees: { camera: CoverageCamera; sector: ClipPolygon; idSector: ClipPolygon | null }[] = [];
  for (const { camera, apex } of placed) {
    const reach = reachOf(camera, PIXEL_DENSITY.detect);
    if (reach <= 0) continue;
    const idReach = reachOf(camera, PIXEL_DENSITY.identify);
    sees.push({
      camera,
      sector: sectorXY(apex, camera.bearingDeg ?? 0, camera.fovDeg!, reach),
      idSector: idReach > 0 ? sectorXY(apex, camera.bearingDeg ?? 0, camera.fovDeg!, idReach) : null,
    });
  }

  const seen = unionAll(sees.map((s) => s.sector));
  const identified = unionAll(sees.flatMap((s) => (s.idSector ? [s.idSector] : [])));
  const coveredXY = seen.length ? polygonClipping.intersection(siteXY, seen) : [];
  const identifiedXY = identified.length ? polygonClipping.intersection(siteXY, identified) : [];
  const blindXY = seen.length ? polygonClipping.difference(siteXY, seen) : siteXY;
  const coveredM2 = planarArea(coveredXY);
  const identifiedM2 = planarArea(identifiedXY);

  const cameraAreas = sees
    .map((s) => ({ id: s.camera.id, name: s.camera.name, seesM2: round2(planarArea(polygonClipping.intersection(siteXY, s.sector))) }))
    .filter((c) => c.seesM2 > 0);

  const entranceCoverage = entrances.map((e) => {
    const p = plane.toXY([e.lon, e.lat]);
    return {
      id: e.id,
      name: e.name,
      seenBy: sees.filter((s) => inPolygonXY(p, s.sector, ENTRANCE_TOLERANCE_M)).map((s) => s.camera.id),
      identifiedBy: sees.filter((s) => s.idSector && inPolygonXY(p, s.idSector, ENTRANCE_TOLERANCE_M)).map((s) => s.camera.id),
    };
  });

  const blindSpots = blindXY.filter((poly) => planarArea([poly]) >= MIN_BLIND_SPOT_M2).map((poly) => poly.map((ring) => ring.map((xy) => plane.toLonLat(xy))));
  return {
    siteId: site.id,
    areaM2: round2(areaM2),
    coveredM2: round2(coveredM2),
    share: areaM2 > 0 ? Math.min(1, coveredM2 / areaM2) : 0,
    identifiedM2: round2(identifiedM2),
    identifiedShare: areaM2 > 0 ? Math.min(1, identifiedM2 / areaM2) : 0,
    blindSpots: { type: 'MultiPolygon', coordinates: blindSpots },
    entrances: entranceCoverage,
    cameras: cameraAreas,
    unplaced,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Doors, turnstiles and barriers this close to a site's outline (or inside it) are its entrances. */
const ENTRANCE_CATCH_M = 3;

export interface AccessPoint extends CoverageEntrance {
  floorId: string | null;
}

/** The access points that are the site's entrances: on (or inside) its outline, on its floors (outdoors: not on a floor). */
export function entrancesOf(site: CoverageSite, points: readonly AccessPoint[]): CoverageEntrance[] {
  const plane = LocalPlane.around(site.geometry);
  const siteXY = sitePolygonsXY(site, plane);
  const floors = site.floorIds ? new Set(site.floorIds) : null;
  return points
    .filter((p) => (floors ? p.floorId !== null && floors.has(p.floorId) : p.floorId === null))
    .filter((p) => siteXY.some((poly) => inPolygonXY(plane.toXY([p.lon, p.lat]), poly, ENTRANCE_CATCH_M)))
    .map(({ id, name, lon, lat }) => ({ id, name, lon, lat }));
}

/** Cameras whose reach could touch the site (a box test before any geometry). */
export function camerasNear(site: CoverageSite, cameras: readonly CoverageCamera[]): CoverageCamera[] {
  const plane = LocalPlane.around(site.geometry);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const poly of sitePolygonsXY(site, plane)) for (const [x, y] of poly[0]!) xs.push(x), ys.push(y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return cameras.filter((c) => {
    if (c.lon === null || c.lat === null) return true; // listed as unplaced if it otherwise qualifies
    const [x, y] = plane.toXY([c.lon, c.lat]);
    const reach = c.fovDeg ? reachOf(c, PIXEL_DENSITY.detect) : (c.rangeM ?? 0);
    return x >= minX - reach && x <= maxX + reach && y >= minY - reach && y <= maxY + reach;
  });
}
