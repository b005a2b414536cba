/**
 * Validation of WGS84 GeoJSON geometry as stored for campuses, buildings and key sites
 * (footprints are Polygon or MultiPolygon; positions are [longitude, latitude], RFC 7946).
 * Browser-safe: used by the server for request validation and by the web map editor.
 */

// The two turf modules used, not @turf/turf: the whole bundle costs the server ≈ 24 MiB of RSS.
import { area as turfArea } from '@turf/area';
import { kinks } from '@turf/kinks';
import type { FieldProblem } from './error-codes.ts';

export type Position = [number, number];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

/** Largest plausible area of one campus object (a campus, building or key site). */
export const MAX_CAMPUS_AREA_KM2 = 100;
/** At most this many problems are listed; the rest are summarised in one entry. */
export const MAX_GEOMETRY_PROBLEMS = 50;

/** Rough bounding box of China incl. the South China Sea islands, used only to spot swapped coordinates. */
const CHINA_BBOX = { minLon: 73, maxLon: 136, minLat: 3, maxLat: 54 };
const inChina = (lon: number, lat: number) =>
  lon >= CHINA_BBOX.minLon && lon <= CHINA_BBOX.maxLon && lat >= CHINA_BBOX.minLat && lat <= CHINA_BBOX.maxLat;

const SWAP_HINT = 'it looks like [latitude, longitude]; GeoJSON positions are [longitude, latitude]';

export interface ValidateGeometryOptions {
  /** Prefix for field paths, e.g. `footprint` gives `footprint.coordinates[0][3]`. Default: none (the root is `''`). */
  path?: string;
  /** Area limit in km²; default {@link MAX_CAMPUS_AREA_KM2}. */
  maxAreaKm2?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const fmt = (n: number) => String(Math.round(n * 1e7) / 1e7);
const fmtPos = (p: Position) => `[${fmt(p[0])}, ${fmt(p[1])}]`;

/** Problems of one position's numbers (range and swapped-order hints). */
function coordinateProblems(lon: number, lat: number): { which: 'lon' | 'lat'; reason: string; rule: string }[] {
  const out: { which: 'lon' | 'lat'; reason: string; rule: string }[] = [];
  const looksSwapped = Math.abs(lon) <= 90 && Math.abs(lat) <= 180;
  if (lon < -180 || lon > 180) {
    out.push({ which: 'lon', reason: `longitude ${lon} is out of range [-180, 180]`, rule: 'geo.lon_range' });
  }
  if (lat < -90 || lat > 90) {
    const hint = looksSwapped ? `; ${SWAP_HINT}` : '';
    out.push({ which: 'lat', reason: `latitude ${lat} is out of range [-90, 90]${hint}`, rule: 'geo.lat_range' });
  }
  return out;
}

/**
 * Validates a single WGS84 point given as separate fields. Problems are reported on the fields
 * `lon` and `lat` (rename with `fields`). Empty array = valid.
 */
export function validatePoint(lon: unknown, lat: unknown, fields: { lon: string; lat: string } = { lon: 'lon', lat: 'lat' }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isFiniteNumber(lon)) problems.push({ field: fields.lon, reason: 'must be a finite number (longitude in degrees)', rule: 'geo.number' });
  if (!isFiniteNumber(lat)) problems.push({ field: fields.lat, reason: 'must be a finite number (latitude in degrees)', rule: 'geo.number' });
  if (problems.length > 0) return problems;
  const x = lon as number;
  const y = lat as number;
  for (const p of coordinateProblems(x, y)) problems.push({ field: fields[p.which], reason: p.reason, rule: p.rule });
  if (problems.length === 0 && !inChina(x, y) && inChina(y, x)) {
    problems.push({
      field: fields.lon,
      reason: `point (${fmt(x)}, ${fmt(y)}) lies outside China but would lie inside it with longitude and latitude swapped; check the field order`,
      rule: 'geo.swapped',
    });
  }
  return problems;
}

/**
 * Validates a Polygon or MultiPolygon geometry object (not a Feature). Returns the problems found,
 * each with a field path such as `coordinates[0][3]` (Polygon) or `coordinates[1][0][3]`
 * (MultiPolygon); an empty array means the geometry is valid.
 *
 * Structure (types, ranges, ring sizes, closure) is checked first; only a structurally sound
 * geometry is checked for topology (self-intersection, degenerate rings, holes, overlapping
 * members) and area.
 */
export function validatePolygonGeometry(value: unknown, options: ValidateGeometryOptions = {}): FieldProblem[] {
  const root = options.path ?? '';
  const at = (sub: string) => (root === '' ? sub : sub.startsWith('[') ? `${root}${sub}` : `${root}.${sub}`);
  const maxAreaKm2 = options.maxAreaKm2 ?? MAX_CAMPUS_AREA_KM2;
  const problems: FieldProblem[] = [];
  const add = (field: string, reason: string, rule: string) => problems.push({ field, reason, rule });

  if (!isObject(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    add(root, `must be a GeoJSON geometry object (got ${got})`, 'geo.object');
    return problems;
  }
  const type = value.type;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    const got = typeof type === 'string' ? `'${type}'` : type === undefined ? 'nothing' : typeof type;
    const extra = type === 'Feature' ? "; pass the feature's geometry" : '';
    add(at('type'), `must be 'Polygon' or 'MultiPolygon' (got ${got})${extra}`, 'geo.type');
    return problems;
  }

  // --- structure -------------------------------------------------------------------------
  const coords = value.coordinates;
  const coordsField = at('coordinates');
  if (!Array.isArray(coords)) {
    add(coordsField, type === 'Polygon' ? 'must be an array of linear rings' : 'must be an array of polygons', 'geo.structure');
    return problems;
  }
  /** polygons[i] = rings of polygon i, with their field paths, once structurally valid. */
  const polygons: { rings: Position[][]; field: string }[] = [];
  let swappedCount = 0;
  let positionCount = 0;

  const checkRing = (ring: unknown, field: string): Position[] | null => {
    if (!Array.isArray(ring)) {
      add(field, 'must be an array of [longitude, latitude] positions (a linear ring)', 'geo.structure');
      return null;
    }
    let ok = true;
    ring.forEach((pos, k) => {
      const pf = `${field}[${k}]`;
      if (!Array.isArray(pos) || !pos.every(isFiniteNumber) || pos.length < 2) {
        add(pf, 'must be a [longitude, latitude] pair of numbers', 'geo.position');
        ok = false;
        return;
      }
      if (pos.length > 2) {
        add(pf, `must be a [longitude, latitude] pair (got ${pos.length} numbers; altitude is not stored)`, 'geo.position');
        ok = false;
        return;
      }
      const [lon, lat] = pos as Position;
      positionCount++;
      if (!inChina(lon, lat) && inChina(lat, lon)) swappedCount++;
      for (const p of coordinateProblems(lon, lat)) {
        add(pf, p.reason, p.rule);
        ok = false;
      }
    });
    if (ring.length < 4) {
      add(field, `ring must have at least 4 positions (got ${ring.length}); a closed triangle needs 3 corners plus the repeated first position`, 'geo.ring_size');
      return null;
    }
    if (!ok) return null;
    const first = ring[0] as Position;
    const last = ring[ring.length - 1] as Position;
    if (first[0] !== last[0] || first[1] !== last[1]) {
      add(field, `ring is not closed: the last position ${fmtPos(last)} must repeat the first ${fmtPos(first)}`, 'geo.ring_closed');
      return null;
    }
    return ring as Position[];
  };

  const checkPolygon = (rings: unknown, field: string) => {
    if (!Array.isArray(rings)) {
      add(field, 'must be an array of linear rings', 'geo.structure');
      return;
    }
    if (rings.length === 0) {
      add(field, 'must contain at least one linear ring (the outer boundary)', 'geo.structure');
      return;
    }
    const valid: Position[][] = [];
    rings.forEach((r, j) => {
      const ring = checkRing(r, `${field}[${j}]`);
      if (ring) valid.push(ring);
    });
    if (valid.length === rings.length) polygons.push({ rings: valid, field });
  };

  if (type === 'Polygon') {
    checkPolygon(coords, coordsField);
  } else if (coords.length === 0) {
    add(coordsField, 'must contain at least one polygon', 'geo.structure');
  } else {
    coords.forEach((poly, i) => checkPolygon(poly, `${coordsField}[${i}]`));
  }

  if (problems.length === 0 && positionCount > 0 && swappedCount === positionCount) {
    add(coordsField, `all positions lie outside China but would lie inside it if swapped; ${SWAP_HINT}`, 'geo.swapped');
  }
  if (problems.length > 0) return capped(problems, coordsField);

  // --- topology ----------------------------------------------------------------------------
  for (const { rings, field } of polygons) {
    const ringField = (j: number) => `${field}[${j}]`;
    let ringsOk = true;
    rings.forEach((ring, j) => {
      const clean = dedupe(ring);
      const degenerate = () => {
        add(ringField(j), 'ring encloses no area (its positions are repeated or on one line)', 'geo.ring_degenerate');
        ringsOk = false;
      };
      if (clean.length < 4) return degenerate();
      // Before the area test: a bow-tie has zero signed area but is better explained as crossing itself.
      const hits = kinks({ type: 'Polygon', coordinates: [clean] }).features;
      if (hits.length > 0) {
        const where = hits[0].geometry.coordinates as Position;
        const more = hits.length > 1 ? ` (and ${hits.length - 1} more place${hits.length > 2 ? 's' : ''})` : '';
        add(ringField(j), `ring intersects itself near ${fmtPos(where)}${more}`, 'geo.self_intersection');
        ringsOk = false;
        return;
      }
      if (Math.abs(ringArea(clean)) <= 1e-12 * bboxDiagonalSq(clean)) degenerate();
    });
    if (!ringsOk) continue;
    const outer = rings[0];
    for (let j = 1; j < rings.length; j++) {
      if (ringsCross(outer, rings[j])) {
        add(ringField(j), 'hole crosses the outer ring', 'geo.hole_outside');
      } else if (!ringInsideRing(rings[j], outer)) {
        add(ringField(j), 'hole lies outside the outer ring', 'geo.hole_outside');
      }
    }
  }
  if (problems.length > 0) return capped(problems, coordsField);

  if (type === 'MultiPolygon') {
    for (let b = 1; b < polygons.length; b++) {
      for (let a = 0; a < b; a++) {
        if (polygonsOverlap(polygons[a].rings, polygons[b].rings)) {
          add(polygons[b].field, `polygon overlaps polygon ${a}; members of a MultiPolygon must not overlap`, 'geo.overlap');
        }
      }
    }
    if (problems.length > 0) return capped(problems, coordsField);
  }

  // --- area --------------------------------------------------------------------------------
  const km2 = turfArea(value as unknown as AreaGeometry) / 1e6;
  if (km2 > maxAreaKm2) {
    add(coordsField, `area ${km2.toFixed(1)} km² is implausibly large for a campus object (limit ${maxAreaKm2} km²)`, 'geo.area');
  }
  return problems;
}

function capped(problems: FieldProblem[], field: string): FieldProblem[] {
  if (problems.length <= MAX_GEOMETRY_PROBLEMS) return problems;
  const rest = problems.length - (MAX_GEOMETRY_PROBLEMS - 1);
  return [...problems.slice(0, MAX_GEOMETRY_PROBLEMS - 1), { field, reason: `${rest} more problems not listed`, rule: 'geo.more' }];
}

/**
 * Area-weighted centroid of a Polygon/MultiPolygon (holes subtracted), as [lon, lat].
 * Planar in degrees, which is exact enough at campus scale. Falls back to the mean of the
 * vertices when the geometry has no area. Expects a geometry that passed validation.
 */
export function polygonCentroid(geometry: AreaGeometry): Position {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const origin = polys[0]?.[0]?.[0];
  if (!origin) throw new Error('polygonCentroid: geometry has no positions');
  const [ox, oy] = origin;
  let sumA = 0;
  let sumX = 0;
  let sumY = 0;
  let n = 0;
  let meanX = 0;
  let meanY = 0;
  for (const rings of polys) {
    rings.forEach((ring, j) => {
      const pts = ring.map(([x, y]) => [x - ox, y - oy] as Position);
      let a = 0;
      let cx = 0;
      let cy = 0;
      for (let k = 0; k < pts.length - 1; k++) {
        const [x0, y0] = pts[k];
        const [x1, y1] = pts[k + 1];
        const cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
      a /= 2;
      // Outer rings add, holes subtract, whatever their winding order.
      const sign = (j === 0 ? 1 : -1) * Math.sign(a);
      if (a !== 0) {
        sumA += sign * a;
        sumX += (sign * cx) / 6;
        sumY += (sign * cy) / 6;
      }
      if (j === 0) {
        const open = pts.length > 1 ? pts.slice(0, -1) : pts;
        for (const [x, y] of open) {
          meanX += x;
          meanY += y;
          n++;
        }
      }
    });
  }
  if (Math.abs(sumA) > 1e-18) return [ox + sumX / sumA, oy + sumY / sumA];
  return [ox + meanX / n, oy + meanY / n];
}

// --- planar helpers (degrees; fine for topology at campus scale) -----------------------------

/** Drops consecutive repeated positions (keeps the ring closed). */
function dedupe(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const prev = out[out.length - 1];
    if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) out.push(p);
  }
  return out;
}

function ringArea(ring: Position[]): number {
  let a = 0;
  for (let k = 0; k < ring.length - 1; k++) a += ring[k][0] * ring[k + 1][1] - ring[k + 1][0] * ring[k][1];
  return a / 2;
}

function bboxDiagonalSq(ring: Position[]): number {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of ring) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  return (maxX - minX) ** 2 + (maxY - minY) ** 2;
}

const orient = (a: Position, b: Position, c: Position) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));

/** True when segments ab and cd cross at a single interior point (touching does not count). */
function segmentsCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

function ringsCross(r: Position[], s: Position[]): boolean {
  for (let i = 0; i < r.length - 1; i++) {
    for (let j = 0; j < s.length - 1; j++) {
      if (segmentsCross(r[i], r[i + 1], s[j], s[j + 1])) return true;
    }
  }
  return false;
}

/** -1 outside, 0 on the boundary, 1 inside (ray casting). */
function pointInRing(p: Position, ring: Position[]): -1 | 0 | 1 {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (orient(a, b, p) === 0 && p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0]) && p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1])) {
      return 0;
    }
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside ? 1 : -1;
}

/** Assumes the rings do not cross: decides by the first vertex of `inner` not on `outer`'s boundary. */
function ringInsideRing(inner: Position[], outer: Position[]): boolean {
  for (const p of inner) {
    const where = pointInRing(p, outer);
    if (where !== 0) return where === 1;
  }
  return true; // every vertex on the boundary: treat as inside (degenerate rings are reported elsewhere)
}

/** Point strictly inside a polygon with holes (outer ring minus holes). */
function pointInPolygon(p: Position, rings: Position[][]): boolean {
  if (pointInRing(p, rings[0]) !== 1) return false;
  for (let j = 1; j < rings.length; j++) if (pointInRing(p, rings[j]) !== -1) return false;
  return true;
}

function polygonsOverlap(a: Position[][], b: Position[][]): boolean {
  if (ringsCross(a[0], b[0])) return true;
  if (b[0].some((p) => pointInPolygon(p, a)) || a[0].some((p) => pointInPolygon(p, b))) return true;
  // Coinciding outlines share all vertices: compare an interior point instead.
  const ca = polygonCentroid({ type: 'Polygon', coordinates: a });
  const cb = polygonCentroid({ type: 'Polygon', coordinates: b });
  return (pointInPolygon(ca, a) && pointInPolygon(ca, b)) || (pointInPolygon(cb, b) && pointInPolygon(cb, a));
}
