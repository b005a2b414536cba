/**
 * Planar geometry for laying out a campus. A campus is drawn in its own "plan" frame
 * (metres, x along the campus' main axis, y across it); {@link CampusFrame} rotates the plan
 * to east/north metres (ENU) around the campus origin and converts to WGS84 longitude/latitude.
 * At campus scale (≤ 2 km) the flat-earth approximation is accurate to centimetres.
 */
import type { AreaGeometry, Position } from '../../../shared/geojson.ts';

/** A point in metres. */
export type Pt = [number, number];
/** A closed-or-open ring of points in metres (the first point is not repeated). */
export type Ring = Pt[];

const DEG = Math.PI / 180;
const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON_EQUATOR = 111_320;

export const round = (n: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Compass bearing (0 = north, clockwise) of the direction from `a` to `b`, both in ENU metres. */
export function bearingEnu(a: Pt, b: Pt): number {
  const deg = Math.atan2(b[0] - a[0], b[1] - a[1]) / DEG;
  return ((deg % 360) + 360) % 360;
}

/** Unit vector (ENU) of a compass bearing. */
export function bearingVector(bearing: number): Pt {
  return [Math.sin(bearing * DEG), Math.cos(bearing * DEG)];
}

export const normBearing = (b: number) => ((b % 360) + 360) % 360;

export class CampusFrame {
  private readonly cos: number;
  private readonly sin: number;
  private readonly mPerDegLon: number;

  /**
   * @param lon0 longitude of the plan origin
   * @param lat0 latitude of the plan origin
   * @param rotationDeg plan x axis, counter-clockwise from east
   */
  constructor(
    readonly lon0: number,
    readonly lat0: number,
    readonly rotationDeg: number,
  ) {
    this.cos = Math.cos(rotationDeg * DEG);
    this.sin = Math.sin(rotationDeg * DEG);
    this.mPerDegLon = M_PER_DEG_LON_EQUATOR * Math.cos(lat0 * DEG);
  }

  /** Plan metres → east/north metres. */
  enu(p: Pt): Pt {
    return [p[0] * this.cos - p[1] * this.sin, p[0] * this.sin + p[1] * this.cos];
  }

  /** Plan metres → [lon, lat] rounded to 1e-7° (≈ 1 cm). */
  lonLat(p: Pt): Position {
    const [e, n] = this.enu(p);
    return [round(this.lon0 + e / this.mPerDegLon, 7), round(this.lat0 + n / M_PER_DEG_LAT, 7)];
  }

  /** East/north metres → [lon, lat] (not rounded). */
  enuToLonLat(p: Pt): Position {
    return [this.lon0 + p[0] / this.mPerDegLon, this.lat0 + p[1] / M_PER_DEG_LAT];
  }

  /** Compass bearing of the direction from plan point `a` to plan point `b`. */
  bearing(a: Pt, b: Pt): number {
    return bearingEnu(this.enu(a), this.enu(b));
  }

  /** Compass bearing of a plan direction vector. */
  bearingOf(direction: Pt): number {
    return bearingEnu([0, 0], this.enu(direction));
  }

  /** GeoJSON Polygon from plan rings (outer first); rings are closed and wound per RFC 7946. */
  polygon(rings: Ring[]): AreaGeometry {
    return {
      type: 'Polygon',
      coordinates: rings.map((r, i) => this.closedRing(r, i === 0)),
    };
  }

  multiPolygon(polys: Ring[][]): AreaGeometry {
    if (polys.length === 1) return this.polygon(polys[0]);
    return { type: 'MultiPolygon', coordinates: polys.map((rings) => rings.map((r, i) => this.closedRing(r, i === 0))) };
  }

  private closedRing(ring: Ring, outer: boolean): Position[] {
    // Rotation keeps the orientation, so the plan winding decides: outer rings counter-clockwise, holes clockwise.
    const ccw = signedArea(ring) > 0;
    const ordered = ccw === outer ? ring : ring.slice().reverse();
    const out = ordered.map((p) => this.lonLat(p));
    out.push([out[0][0], out[0][1]]);
    return out;
  }
}

// ---- plan helpers --------------------------------------------------------------------------

export const add = (a: Pt, b: Pt): Pt => [a[0] + b[0], a[1] + b[1]];
export const sub = (a: Pt, b: Pt): Pt => [a[0] - b[0], a[1] - b[1]];
export const scale = (a: Pt, k: number): Pt => [a[0] * k, a[1] * k];
export const dist = (a: Pt, b: Pt) => Math.hypot(a[0] - b[0], a[1] - b[1]);
export const lerp = (a: Pt, b: Pt, t: number): Pt => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];

export function signedArea(ring: Ring): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i];
    const q = ring[(i + 1) % ring.length];
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}

export function centroid(ring: Ring): Pt {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i];
    const q = ring[(i + 1) % ring.length];
    const c = p[0] * q[1] - q[0] * p[1];
    a += c;
    cx += (p[0] + q[0]) * c;
    cy += (p[1] + q[1]) * c;
  }
  return [cx / (3 * a), cy / (3 * a)];
}

export function ringLength(ring: Ring, closed = true): number {
  let s = 0;
  const n = closed ? ring.length : ring.length - 1;
  for (let i = 0; i < n; i++) s += dist(ring[i], ring[(i + 1) % ring.length]);
  return s;
}

/**
 * A local frame on a rectangle: `u` runs along its length, `w` across it, (0,0) is its centre.
 * `facing` is the plan direction of the +w side (the "front").
 */
export class RectFrame {
  readonly t: Pt;
  readonly n: Pt;

  constructor(
    readonly center: Pt,
    readonly length: number,
    readonly depth: number,
    /** Unit plan vector of the front (+w) direction. */
    facing: Pt,
  ) {
    const len = Math.hypot(facing[0], facing[1]);
    this.n = [facing[0] / len, facing[1] / len];
    this.t = [this.n[1], -this.n[0]];
  }

  /** Plan point of local (u, w). */
  at(u: number, w: number): Pt {
    return [this.center[0] + u * this.t[0] + w * this.n[0], this.center[1] + u * this.t[1] + w * this.n[1]];
  }

  /** Local (u, w) of a plan point. */
  local(p: Pt): [number, number] {
    const d: Pt = [p[0] - this.center[0], p[1] - this.center[1]];
    return [d[0] * this.t[0] + d[1] * this.t[1], d[0] * this.n[0] + d[1] * this.n[1]];
  }

  /** Plan rectangle between local u0..u1, w0..w1. */
  rect(u0: number, u1: number, w0: number, w1: number): Ring {
    return [this.at(u0, w0), this.at(u1, w0), this.at(u1, w1), this.at(u0, w1)];
  }

  /** The whole rectangle. */
  outline(): Ring {
    return this.rect(-this.length / 2, this.length / 2, -this.depth / 2, this.depth / 2);
  }

  /** Plan direction of local (du, dw). */
  dir(du: number, dw: number): Pt {
    return [du * this.t[0] + dw * this.n[0], du * this.t[1] + dw * this.n[1]];
  }
}

// ---- predicates ----------------------------------------------------------------------------

const orient = (a: Pt, b: Pt, c: Pt) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

export function pointInRing(p: Pt, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

function segmentsIntersect(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  return ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0));
}

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function bbox(ring: Ring): Box {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of ring) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

const boxesOverlap = (a: Box, b: Box) => a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;

/** True when two simple rings share any area or touch across an edge. */
export function ringsIntersect(a: Ring, b: Ring): boolean {
  if (!boxesOverlap(bbox(a), bbox(b))) return false;
  if (a.some((p) => pointInRing(p, b)) || b.some((p) => pointInRing(p, a))) return true;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      if (segmentsIntersect(a[i], a[(i + 1) % a.length], b[j], b[(j + 1) % b.length])) return true;
    }
  }
  return false;
}

/** Smallest distance from `p` to any edge of a convex ring, negative when outside. */
export function insetDistance(p: Pt, convexCcwRing: Ring): number {
  let d = Infinity;
  for (let i = 0; i < convexCcwRing.length; i++) {
    const a = convexCcwRing[i];
    const b = convexCcwRing[(i + 1) % convexCcwRing.length];
    const len = dist(a, b);
    d = Math.min(d, orient(a, b, p) / len);
  }
  return d;
}

/** Inward offset of a convex counter-clockwise ring by `d` metres. */
export function offsetConvex(ring: Ring, d: number): Ring {
  const n = ring.length;
  const lines = ring.map((a, i) => {
    const b = ring[(i + 1) % n];
    const len = dist(a, b);
    const normal: Pt = [-(b[1] - a[1]) / len, (b[0] - a[0]) / len]; // left of a→b = inside for CCW
    return { p: add(a, scale(normal, d)), dir: sub(b, a) };
  });
  return lines.map((l, i) => {
    const prev = lines[(i - 1 + n) % n];
    // Intersection of prev line and this line.
    const denom = prev.dir[0] * l.dir[1] - prev.dir[1] * l.dir[0];
    const t = ((l.p[0] - prev.p[0]) * l.dir[1] - (l.p[1] - prev.p[1]) * l.dir[0]) / denom;
    return add(prev.p, scale(prev.dir, t));
  });
}

/**
 * A camera's field of view as a ring (apex + arc) in the same metres as `apex`.
 * `bearing` is a compass bearing; for ENU input the ring is in ENU.
 */
export function sectorRing(apex: Pt, bearing: number, fov: number, range: number, stepDeg = 5): Ring {
  const out: Ring = [apex];
  const steps = Math.max(2, Math.ceil(fov / stepDeg));
  for (let i = 0; i <= steps; i++) {
    const b = bearing - fov / 2 + (fov * i) / steps;
    const v = bearingVector(b);
    out.push([apex[0] + v[0] * range, apex[1] + v[1] * range]);
  }
  return out;
}
