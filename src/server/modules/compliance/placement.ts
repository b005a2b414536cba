/**
 * Suggested camera placements for a key site with blind spots (整改计划, issue 16 item 5): "a camera
 * here, pointing there, covers 18 % more of the finance office". Pure.
 *
 * Greedy, on the coverage analysis's own grid and sector geometry (coverage.ts), coarser for the
 * search: candidates stand along the site's outline (its corners and every few metres of its
 * walls, 0.3 m inside; indoors on each of the site's floors) and look into the site every 15°; all
 * use one standard camera (1080p, 90°, reach where it still resolves 25 px/m). Each step takes the
 * candidate that sees the most still-blind cells (lazily: a candidate's gain only shrinks as others
 * are chosen), then the chosen camera is judged again by siteCoverage itself at full resolution, so
 * the reported gain and share are exactly what the coverage analysis will show once it is
 * installed. Stops at FULL_COVERAGE_SHARE, after `maxCameras`, or when a camera would add under 2 %.
 */
import { FULL_COVERAGE_SHARE } from '../../../shared/compliance.ts';
import type { CameraResolution } from '../../../shared/domain.ts';
import type { PlacementSuggestion } from '../../../shared/compliance-remediation.ts';
import { eligible, inPolygonXY, paintView, PIXEL_DENSITY, reachAt, siteGrid, viewsOf, type CoverageCamera, type CoverageSite, type SiteGrid, type View } from './coverage.ts';

/** The camera every suggestion uses: a common fixed 1080p camera with a 90° lens. */
export const STANDARD_CAMERA: { resolution: CameraResolution; fovDeg: number } = { resolution: '1080p', fovDeg: 90 };

export const PLACEMENT_LIMITS = {
  maxCameras: 3,
  /** Cells per floor of the search grid (the final figures use the full grid). */
  searchCells: 2_500,
  /** Candidates (position × bearing × floor) per site. */
  maxCandidates: 1_500,
  bearingStepDeg: 15,
  /** Candidates stand this far inside the outline. */
  insetM: 0.3,
  /** Smallest spacing of candidates along a wall. */
  minSpacingM: 2,
  /** A camera adding less than this share is not suggested. */
  minGainShare: 0.02,
};

export interface SitePlacementResult {
  siteId: string;
  shareBefore: number;
  shareAfter: number;
  suggestions: PlacementSuggestion[];
}

interface Candidate {
  floorIndex: number;
  xy: [number, number];
  bearingDeg: number;
}

const rad = (d: number) => (d * Math.PI) / 180;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The standard camera's reach (25 px/m): the same rule as every ledger camera's. */
export const standardReachM = () => reachAt(STANDARD_CAMERA.resolution, STANDARD_CAMERA.fovDeg, PIXEL_DENSITY.detect);

function inside(grid: SiteGrid, p: [number, number]): boolean {
  return grid.siteXY.some((poly) => inPolygonXY(p, poly));
}

/** Positions along the outer outlines: corners and every `spacing` metres, moved `inset` into the site. */
function outlinePositions(grid: SiteGrid, spacing: number, inset: number): [number, number][] {
  const out: [number, number][] = [];
  for (const poly of grid.siteXY) {
    const ring = poly[0]!;
    const n = ring.length - 1;
    const normals: [number, number][] = [];
    for (let k = 0; k < n; k++) {
      const [ax, ay] = ring[k]!;
      const [bx, by] = ring[k + 1]!;
      const len = Math.hypot(bx - ax, by - ay) || 1;
      const nrm: [number, number] = [-(by - ay) / len, (bx - ax) / len];
      const mid: [number, number] = [(ax + bx) / 2 + nrm[0] * inset, (ay + by) / 2 + nrm[1] * inset];
      normals.push(inside(grid, mid) ? nrm : [-nrm[0], -nrm[1]]);
    }
    for (let k = 0; k < n; k++) {
      const [ax, ay] = ring[k]!;
      const [bx, by] = ring[k + 1]!;
      const [nx, ny] = normals[k]!;
      const [px, py] = normals[(k + n - 1) % n]!;
      // The corner, inset along both walls' normals.
      out.push([ax + (nx + px) * inset, ay + (ny + py) * inset]);
      const len = Math.hypot(bx - ax, by - ay);
      const steps = Math.floor(len / spacing);
      for (let s = 1; s < steps; s++) {
        const t = (s * spacing + (len - steps * spacing) / 2) / len;
        out.push([ax + t * (bx - ax) + nx * inset, ay + t * (by - ay) + ny * inset]);
      }
    }
  }
  return out.filter((p) => inside(grid, p));
}

function candidatesOf(grid: SiteGrid, floors: number, limits: typeof PLACEMENT_LIMITS): Candidate[] {
  const perimeter = grid.siteXY.reduce((sum, poly) => sum + poly[0]!.slice(1).reduce((s, p, k) => s + Math.hypot(p[0] - poly[0]![k]![0], p[1] - poly[0]![k]![1]), 0), 0);
  // About half the bearings of a wall point into the site.
  const bearingsPerPosition = Math.ceil(180 / limits.bearingStepDeg) + 1;
  const spacing = Math.max(limits.minSpacingM, (perimeter * bearingsPerPosition * floors) / limits.maxCandidates);
  const positions = outlinePositions(grid, spacing, limits.insetM);
  const probe = Math.max(1, grid.cell * 2);
  const perFloor: Omit<Candidate, 'floorIndex'>[] = [];
  for (const xy of positions) {
    for (let b = 0; b < 360; b += limits.bearingStepDeg) {
      if (inside(grid, [xy[0] + probe * Math.sin(rad(b)), xy[1] + probe * Math.cos(rad(b))])) perFloor.push({ xy, bearingDeg: b });
    }
  }
  // Corners add positions beyond the spacing budget: thin out evenly to stay within it.
  const stride = Math.max(1, Math.ceil((perFloor.length * floors) / limits.maxCandidates));
  const kept = perFloor.filter((_, k) => k % stride === 0);
  return Array.from({ length: floors }, (_, floorIndex) => kept.map((c) => ({ ...c, floorIndex }))).flat();
}

function cameraAt(grid: SiteGrid, c: Candidate, floorId: string | null, id: string): CoverageCamera {
  // Rounded as reported (about 1 cm), so the suggestion as installed is the camera judged.
  const [lon, lat] = grid.plane.toLonLat(c.xy).map((v) => round(v, 7));
  return { id, name: id, lon: lon!, lat: lat!, bearingDeg: c.bearingDeg, fovDeg: STANDARD_CAMERA.fovDeg, rangeM: null, resolution: STANDARD_CAMERA.resolution, floorId, inService: true };
}

/** The field-of-view sector as a WGS84 polygon (arc every ≤ 5°). */
export function sectorPolygon(grid: SiteGrid, xy: [number, number], bearingDeg: number, fovDeg: number, reach: number): PlacementSuggestion['sector'] {
  const steps = Math.max(2, Math.ceil(fovDeg / 5));
  const ring: [number, number][] = [xy];
  for (let s = 0; s <= steps; s++) {
    const b = rad(bearingDeg - fovDeg / 2 + (s * fovDeg) / steps);
    ring.push([xy[0] + reach * Math.sin(b), xy[1] + reach * Math.cos(b)]);
  }
  ring.push(xy);
  return { type: 'Polygon', coordinates: [ring.map((p) => grid.plane.toLonLat(p).map((v) => round(v, 7)))] };
}

/**
 * Up to `maxCameras` standard cameras that close the site's blind spots, best first. `cameras`
 * are the ledger's cameras near the site (camerasNear), as the coverage analysis gets them.
 */
export function suggestPlacements(
  site: CoverageSite,
  cameras: readonly CoverageCamera[],
  opts: { limits?: typeof PLACEMENT_LIMITS; /** The site's share as siteCoverage computed it with these cameras (saves painting every floor at full resolution). */ shareBefore?: number } = {},
): SitePlacementResult {
  const limits = opts.limits ?? PLACEMENT_LIMITS;
  const floorIds = site.floorIds ?? [null];
  // The coverage analysis's own grid, painted as siteCoverage paints it: counting newly seen cells
  // on it gives exactly the share siteCoverage will report with the camera installed. Floors are
  // painted when a suggestion lands on them.
  const fullGrid = siteGrid(site);
  const fullViews = viewsOf(eligible(site, fullGrid.siteXY, fullGrid.plane, cameras).placed);
  const judged = fullGrid.insideCells * floorIds.length;
  const fullBlind = new Map<number, { blind: Uint8Array; seen: number }>();
  const blindOnFull = (f: number) => {
    if (!fullBlind.has(f)) fullBlind.set(f, paintFloor(fullGrid, fullViews, floorIds[f]!));
    return fullBlind.get(f)!;
  };
  const shareOf = (n: number) => (judged ? n / judged : 0);
  // seen / judged is how siteCoverage computes the share: the integer comes back exactly.
  let seen = opts.shareBefore !== undefined ? Math.round(opts.shareBefore * judged) : floorIds.reduce((n, _, f) => n + blindOnFull(f).seen, 0);
  const shareBefore = shareOf(seen);
  const result: SitePlacementResult = { siteId: site.id, shareBefore, shareAfter: shareBefore, suggestions: [] };
  if (shareBefore >= FULL_COVERAGE_SHARE || judged === 0) return result;

  const search = blindCells(site, siteGrid(site, limits.searchCells), floorIds, cameras);
  const grid = search.grid;
  const candidates = candidatesOf(grid, floorIds.length, limits);
  const viewOn = (c: Candidate, camera = cameraAt(grid, c, floorIds[c.floorIndex]!, 'candidate')) => viewsOf([{ camera, apex: c.xy }])[0];
  const gainOf = (c: Candidate) => {
    const v = viewOn(c);
    if (!v) return 0;
    const b = search.blind[c.floorIndex]!;
    let n = 0;
    paintView(grid, v, (k) => (n += b[k]!));
    return n;
  };
  // Lazy greedy: stale gains are upper bounds of fresh ones.
  const gains = candidates.map(gainOf);
  const fresh = new Uint8Array(candidates.length).fill(1);
  while (result.suggestions.length < limits.maxCameras && shareOf(seen) < FULL_COVERAGE_SHARE) {
    let best = -1;
    for (;;) {
      best = -1;
      for (let k = 0; k < gains.length; k++) if (best < 0 || gains[k]! > gains[best]!) best = k;
      if (best < 0 || fresh[best]) break;
      gains[best] = gainOf(candidates[best]!);
      fresh[best] = 1;
    }
    if (best < 0 || gains[best]! / search.judged < limits.minGainShare / 2) break;
    const c = candidates[best]!;
    const camera = cameraAt(grid, c, floorIds[c.floorIndex]!, `suggested-${result.suggestions.length + 1}`);
    // Judged on the full grid, where the apex is the installed camera's (rounded) position.
    const fullView = viewsOf([{ camera, apex: fullGrid.plane.toXY([camera.lon!, camera.lat!]) as [number, number] }])[0]!;
    const fb = blindOnFull(c.floorIndex).blind;
    let added = 0;
    paintView(fullGrid, fullView, (k) => (added += fb[k]!));
    const share = shareOf(seen + added);
    if (share - shareOf(seen) < limits.minGainShare) break;
    const shareBeforeStep = shareOf(seen);
    paintView(fullGrid, fullView, (k) => (fb[k] = 0));
    paintView(grid, viewOn(c, camera)!, (k) => (search.blind[c.floorIndex]![k] = 0));
    seen += added;
    fresh.fill(0);
    gains[best] = 0;
    result.suggestions.push({
      lon: camera.lon!,
      lat: camera.lat!,
      floorId: camera.floorId,
      bearingDeg: c.bearingDeg,
      fovDeg: STANDARD_CAMERA.fovDeg,
      rangeM: round(fullView.reach, 1),
      resolution: STANDARD_CAMERA.resolution,
      gainShare: share - shareBeforeStep,
      shareAfter: share,
      sector: sectorPolygon(grid, c.xy, c.bearingDeg, STANDARD_CAMERA.fovDeg, fullView.reach),
    });
  }
  result.shareAfter = shareOf(seen);
  return result;
}

/** The cells of `grid` inside the site that no view on the floor sees (as siteCoverage judges them), and how many it sees. */
function paintFloor(grid: SiteGrid, views: readonly View[], floorId: string | null): { blind: Uint8Array; seen: number } {
  const blind = grid.mask.slice();
  for (const v of views) if (v.camera.floorId === floorId) paintView(grid, v, (k) => (blind[k] = 0));
  let seen = 0;
  for (let k = 0; k < blind.length; k++) if (grid.mask[k] && !blind[k]) seen++;
  return { blind, seen };
}

/** Per floor, the still-blind cells of the search grid. */
function blindCells(site: CoverageSite, grid: SiteGrid, floorIds: readonly (string | null)[], cameras: readonly CoverageCamera[]) {
  const views = viewsOf(eligible(site, grid.siteXY, grid.plane, cameras).placed);
  return { grid, blind: floorIds.map((floorId) => paintFloor(grid, views, floorId).blind), judged: grid.insideCells * floorIds.length };
}
