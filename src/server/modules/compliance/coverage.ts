/**
 * Geometric camera coverage of a key site (issue 16 item 2, S-COVER and S-ENTRY-ID): the share of
 * the site's area and of its entrances inside the cameras' field-of-view sectors, the blind spots
 * as polygons, and the same again at the pixel density that identifies a face.
 *
 * The site is sampled on a grid (at most ~60,000 cells per floor, cells of 0.1 m and up) in a local
 * metric plane around it (an equirectangular projection: under 1 km its error is far below a
 * camera's placement error); a cell is covered when its centre lies in a camera's sector. Why a
 * grid and not polygon unions: unions of hundreds of sectors took seconds per building with the
 * polygon-clipping libraries tried (polygon-clipping, polyclip-ts) and failed on some demo sites with
 * their floating-point sweep line; a grid is exact to half a cell, fast, and its blind spots are
 * always valid polygons (grid-outline.ts). The evidence names the cell size.
 *
 * What counts, and why:
 * - A camera counts when it is in service and has a position, a bearing and a field of view; one
 *   without them cannot be placed and is listed as missing data, never assumed to cover.
 * - A PTZ camera counts with its home sector (bearing and field of view as recorded): it looks one
 *   way at a time, and a site is covered only where someone sees it without turning a camera.
 * - An outdoor site (no floors) is seen only by outdoor cameras. An indoor site is judged floor by
 *   floor, each floor by the cameras on it inside the site's outline (its walls stop the view from
 *   outside); walls inside the outline are not modelled.
 * - Reach: the recorded range, capped by the distance at which the camera still resolves a person
 *   (IEC 62676-4 "detect", 25 px/m); identification (250 px/m) gives the shorter sector used for
 *   faces at entrances.
 */
import type { CameraResolution } from '../../../shared/domain.ts';
import type { AreaGeometry, MultiPolygonGeometry, Position } from '../../../shared/geojson.ts';
import { gridOutlines, ringHolds, signedArea } from './grid-outline.ts';

/** Horizontal pixels of each resolution class (analog: D1). */
export const HORIZONTAL_PIXELS: Record<CameraResolution, number> = { analog: 704, '720p': 1280, '1080p': 1920, '4k': 3840 };

/** Pixel densities at the target (px/m) of IEC 62676-4 / EN 62676-4. */
export const PIXEL_DENSITY = { detect: 25, observe: 62, recognise: 125, identify: 250 } as const;

/** Samples per floor of a site, and the finest cell: a 20 m room is sampled every 0.1 m. */
const TARGET_CELLS = 60_000;
const MIN_CELL_M = 0.1;
/** Blind spots smaller than this (or than two cells) are not places anyone would fix. */
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
  floorId: string | null;
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
  /** The site's area on every floor judged (its outline's area × floors). */
  areaM2: number;
  /** Per floor judged (one entry with floorId null outdoors). */
  floors: { floorId: string | null; share: number }[];
  /** The sampling grid's cell size. */
  cellM: number;
  coveredM2: number;
  /** coveredM2 / areaM2, 0–1. */
  share: number;
  identifiedM2: number;
  identifiedShare: number;
  /** The parts of the site no camera sees (on at least one of its floors), WGS84. */
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

/** Inside a polygon with holes, or within `toleranceM` of its outline (a door sits on the wall). */
export function inPolygonXY(p: readonly [number, number], poly: PolygonXY, toleranceM = 0): boolean {
  const [outer, ...holes] = poly;
  if (ringHolds(outer!, p) && !holes.some((h) => ringHolds(h, p))) return true;
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

export type PolygonXY = [number, number][][];

function sitePolygonsXY(site: CoverageSite, plane: LocalPlane): PolygonXY[] {
  const polys = site.geometry.type === 'Polygon' ? [site.geometry.coordinates] : site.geometry.coordinates;
  return polys.map((poly) => poly.map((ring) => ring.map((pos) => plane.toXY(pos))));
}

/** Which cameras may see the site at all (floors, walls, data), before any geometry of their view. */
export function eligible(site: CoverageSite, siteXY: PolygonXY[], plane: LocalPlane, cameras: readonly CoverageCamera[]) {
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

/** A camera's view on the plane: a sector (or a disc for a 360° lens) out to its reach. */
export interface View {
  camera: CoverageCamera;
  apex: [number, number];
  reach: number;
  idReach: number;
}

/** Smallest angle between two bearings, 0–180. */
const angleBetween = (a: number, b: number) => {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
};

/** Whether a point lies in the view's sector out to `reach`, with `slackM` of tolerance at its edges. */
function sees(v: View, p: readonly [number, number], reach: number, slackM = 0): boolean {
  const dx = p[0] - v.apex[0];
  const dy = p[1] - v.apex[1];
  const d = Math.hypot(dx, dy);
  if (d > reach + slackM) return false;
  if (v.camera.fovDeg! >= 360 || d <= slackM) return true;
  const bearing = (Math.atan2(dx, dy) * 180) / Math.PI;
  const slackDeg = slackM > 0 ? (Math.atan2(slackM, d) * 180) / Math.PI : 0;
  return angleBetween(bearing, v.camera.bearingDeg!) <= v.camera.fovDeg! / 2 + slackDeg;
}

/**
 * A view's angular test without trigonometry per cell: inside a sector under 180° means left of its
 * right edge and right of its left edge; a wider one is "not inside the narrower gap behind it".
 * Also the box around the sector, so only cells near it are visited.
 */
function wedgeOf(v: View): { holds: (dx: number, dy: number) => boolean; box: [number, number, number, number] } {
  const [ax, ay] = v.apex;
  const r = v.reach;
  const fov = v.camera.fovDeg!;
  if (fov >= 360) return { holds: () => true, box: [ax - r, ay - r, ax + r, ay + r] };
  const b = rad(v.camera.bearingDeg!);
  const half = rad(fov / 2);
  // Directions (east, north) of the two edges, clockwise from north like bearings.
  const [lx, ly] = [Math.sin(b - half), Math.cos(b - half)];
  const [rx, ry] = [Math.sin(b + half), Math.cos(b + half)];
  const cross = (ex: number, ey: number, dx: number, dy: number) => ex * dy - ey * dx;
  const EPS = 1e-9;
  const inNarrow = (dx: number, dy: number) => cross(lx, ly, dx, dy) <= EPS && cross(rx, ry, dx, dy) >= -EPS;
  const holds = fov <= 180 ? inNarrow : (dx: number, dy: number) => !(cross(lx, ly, dx, dy) > EPS && cross(rx, ry, dx, dy) < -EPS);
  // The box: the apex and the arc's extreme points (its ends and the compass points it passes).
  const xs = [ax, ax + r * lx, ax + r * rx];
  const ys = [ay, ay + r * ly, ay + r * ry];
  for (const [cx, cy] of [[0, 1], [1, 0], [0, -1], [-1, 0]] as const) {
    if (holds(cx, cy)) {
      xs.push(ax + r * cx);
      ys.push(ay + r * cy);
    }
  }
  return { holds, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] };
}

/** Which cell centres of the grid lie inside the site (even-odd, holes and several parts included). */
function insideMask(siteXY: PolygonXY[], x0: number, y0: number, cell: number, w: number, h: number): Uint8Array {
  const mask = new Uint8Array(w * h);
  const edges = siteXY.flatMap((poly) => poly.flatMap((ring) => ring.slice(0, -1).map((a, k) => [a, ring[k + 1]!] as const)));
  const xs: number[] = [];
  for (let j = 0; j < h; j++) {
    const y = y0 + (j + 0.5) * cell;
    xs.length = 0;
    for (const [a, b] of edges) if (a[1] > y !== b[1] > y) xs.push(a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]));
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil((xs[k]! - x0) / cell - 0.5));
      const to = Math.min(w - 1, Math.floor((xs[k + 1]! - x0) / cell - 0.5));
      for (let i = from; i <= to; i++) mask[j * w + i] = 1;
    }
  }
  return mask;
}

/** The sampling grid of a site in its local plane: cells of the bounding box and which lie inside. */
export interface SiteGrid {
  plane: LocalPlane;
  siteXY: PolygonXY[];
  footprintM2: number;
  minX: number;
  minY: number;
  cell: number;
  w: number;
  h: number;
  /** 1 where the cell's centre lies inside the site (index j * w + i). */
  mask: Uint8Array;
  insideCells: number;
}

/** The grid a site is sampled on: at most ~`targetCells` cells inside it (fewer for a coarse search), none finer than 0.1 m. */
export function siteGrid(site: CoverageSite, targetCells = TARGET_CELLS): SiteGrid {
  const plane = LocalPlane.around(site.geometry);
  const siteXY = sitePolygonsXY(site, plane);
  const footprintM2 = Math.abs(siteXY.reduce((sum, poly) => sum + poly.reduce((s2, ring, k) => s2 + (k === 0 ? 1 : -1) * Math.abs(signedArea(ring)), 0), 0));
  const all = siteXY.flatMap((poly) => poly[0]!);
  const [minX, maxX] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [minY, maxY] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  const cell = Math.max(MIN_CELL_M, Math.sqrt(Math.max(footprintM2, 1e-6) / Math.min(targetCells, TARGET_CELLS)));
  const w = Math.max(1, Math.ceil((maxX - minX) / cell));
  const h = Math.max(1, Math.ceil((maxY - minY) / cell));
  const mask = insideMask(siteXY, minX, minY, cell, w, h);
  let insideCells = 0;
  for (const m of mask) insideCells += m;
  return { plane, siteXY, footprintM2, minX, minY, cell, w, h, mask, insideCells };
}

/** The views of placed cameras (those that reach nowhere left out). */
export function viewsOf(placed: readonly { camera: CoverageCamera; apex: [number, number] }[]): View[] {
  return placed
    .map(({ camera, apex }) => ({ camera, apex, reach: reachOf(camera, PIXEL_DENSITY.detect), idReach: reachOf(camera, PIXEL_DENSITY.identify) }))
    .filter((v) => v.reach > 0);
}

/** Calls `onCell` for every cell inside the site that the view sees (whether it also identifies a face there); returns how many. */
export function paintView(grid: SiteGrid, v: View, onCell: (k: number, identified: boolean) => void): number {
  const { minX, minY, cell, w, h, mask } = grid;
  const wedge = wedgeOf(v);
  const [bx0, by0, bx1, by1] = wedge.box;
  const i0 = Math.max(0, Math.floor((bx0 - minX) / cell));
  const i1 = Math.min(w - 1, Math.ceil((bx1 - minX) / cell));
  const j0 = Math.max(0, Math.floor((by0 - minY) / cell));
  const j1 = Math.min(h - 1, Math.ceil((by1 - minY) / cell));
  const r2 = v.reach * v.reach;
  const id2 = v.idReach * v.idReach;
  let count = 0;
  for (let j = j0; j <= j1; j++) {
    const dy = minY + (j + 0.5) * cell - v.apex[1];
    for (let i = i0; i <= i1; i++) {
      const k = j * w + i;
      if (!mask[k]) continue;
      const dx = minX + (i + 0.5) * cell - v.apex[0];
      const d2 = dx * dx + dy * dy;
      if (d2 > r2 || !wedge.holds(dx, dy)) continue;
      count++;
      onCell(k, d2 <= id2);
    }
  }
  return count;
}

const SEEN = 1;
const IDENTIFIED = 2;

/**
 * The coverage of one site by the given cameras, its entrances (doors, turnstiles, gates at its
 * outline) judged against the same views on their own floor. Cameras far from the site may be
 * passed: a view that misses the site adds nothing.
 */
export function siteCoverage(site: CoverageSite, cameras: readonly CoverageCamera[], entrances: readonly CoverageEntrance[] = []): SiteCoverage {
  const grid = siteGrid(site);
  const { plane, siteXY, footprintM2, minX, minY, cell, w, h, mask, insideCells } = grid;
  const { placed, unplaced } = eligible(site, siteXY, plane, cameras);
  const views = viewsOf(placed);

  const floorIds = site.floorIds ?? [null];
  const blind = new Uint8Array(w * h);
  const seesCells = new Map<string, number>();
  const floors: SiteCoverage['floors'] = [];
  let seenCells = 0;
  let identifiedCells = 0;
  for (const floorId of floorIds) {
    const marks = new Uint8Array(w * h);
    for (const v of views.filter((x) => x.camera.floorId === floorId)) {
      const count = paintView(grid, v, (k, identified) => (marks[k]! |= identified ? SEEN | IDENTIFIED : SEEN));
      if (count) seesCells.set(v.camera.id, (seesCells.get(v.camera.id) ?? 0) + count);
    }
    let seenHere = 0;
    for (let k = 0; k < marks.length; k++) {
      if (!mask[k]) continue;
      if (marks[k]! & SEEN) seenHere++;
      else blind[k] = 1;
      if (marks[k]! & IDENTIFIED) identifiedCells++;
    }
    seenCells += seenHere;
    floors.push({ floorId, share: insideCells ? seenHere / insideCells : 0 });
  }

  const judged = insideCells * floorIds.length;
  const areaM2 = footprintM2 * floorIds.length;
  const share = judged ? seenCells / judged : 0;
  const identifiedShare = judged ? identifiedCells / judged : 0;
  const cellArea = footprintM2 / Math.max(insideCells, 1);

  const minCells = Math.max(2, MIN_BLIND_SPOT_M2 / (cell * cell));
  const blindSpots = gridOutlines(w, h, (i, j) => blind[j * w + i] === 1)
    .filter((poly) => Math.abs(signedArea(poly[0]!)) + poly.slice(1).reduce((s2, r) => s2 - Math.abs(signedArea(r)), 0) >= minCells)
    .map((poly) => poly.map((ring) => ring.map(([i, j]) => plane.toLonLat([minX + i * cell, minY + j * cell]))));

  const entranceCoverage = entrances.map((e) => {
    const p = plane.toXY([e.lon, e.lat]);
    const here = views.filter((v) => v.camera.floorId === e.floorId);
    return {
      id: e.id,
      name: e.name,
      seenBy: here.filter((v) => sees(v, p, v.reach, ENTRANCE_TOLERANCE_M)).map((v) => v.camera.id),
      identifiedBy: here.filter((v) => sees(v, p, v.idReach, ENTRANCE_TOLERANCE_M)).map((v) => v.camera.id),
    };
  });

  return {
    siteId: site.id,
    areaM2: round2(areaM2),
    floors,
    cellM: round2(cell),
    coveredM2: round2(share * areaM2),
    share,
    identifiedM2: round2(identifiedShare * areaM2),
    identifiedShare,
    blindSpots: { type: 'MultiPolygon', coordinates: blindSpots },
    entrances: entranceCoverage,
    cameras: views.filter((v) => seesCells.has(v.camera.id)).map((v) => ({ id: v.camera.id, name: v.camera.name, seesM2: round2(seesCells.get(v.camera.id)! * cellArea) })),
    unplaced,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Doors, turnstiles and barriers this close to a site's outline (or inside it) are its entrances. */
const ENTRANCE_CATCH_M = 3;

export type AccessPoint = CoverageEntrance;

/** The points on (or inside) the site's outline, on its floors (outdoors: not on a floor). */
export function pointsAt<P extends AccessPoint>(site: CoverageSite, points: readonly P[]): P[] {
  const plane = LocalPlane.around(site.geometry);
  const siteXY = sitePolygonsXY(site, plane);
  const floors = site.floorIds ? new Set(site.floorIds) : null;
  return points
    .filter((p) => (floors ? p.floorId !== null && floors.has(p.floorId) : p.floorId === null))
    .filter((p) => siteXY.some((poly) => inPolygonXY(plane.toXY([p.lon, p.lat]), poly, ENTRANCE_CATCH_M)));
}

/** The access points that are the site's entrances. */
export function entrancesOf(site: CoverageSite, points: readonly AccessPoint[]): CoverageEntrance[] {
  return pointsAt(site, points).map(({ id, name, lon, lat, floorId }) => ({ id, name, lon, lat, floorId }));
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

