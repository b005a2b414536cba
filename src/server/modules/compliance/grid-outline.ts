/**
 * The outlines of the filled cells of a grid, as polygons with holes on the grid's lattice
 * (integer corner coordinates). Used for blind spots: exact with respect to the sampled grid, and
 * always valid polygons — no floating-point clipping involved.
 */

export type LatticeRing = [number, number][];

/**
 * `filled(i, j)` for cells i in [0, w), j in [0, h). Rings come back closed, outer rings counter-
 * clockwise and holes clockwise (y up), collinear corners removed; each polygon is
 * [outer, ...holes].
 */
export function gridOutlines(w: number, h: number, filled: (i: number, j: number) => boolean): LatticeRing[][] {
  const on = (i: number, j: number) => i >= 0 && j >= 0 && i < w && j < h && filled(i, j);
  // Directed boundary edges with the filled cell on their left, keyed by their start corner.
  const key = (x: number, y: number) => y * (w + 1) + x;
  const out = new Map<number, [number, number][]>();
  const add = (x0: number, y0: number, x1: number, y1: number) => {
    const k = key(x0, y0);
    const list = out.get(k);
    if (list) list.push([x1, y1]);
    else out.set(k, [[x1, y1]]);
  };
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      if (!on(i, j)) continue;
      if (!on(i, j - 1)) add(i, j, i + 1, j); // bottom, eastwards
      if (!on(i + 1, j)) add(i + 1, j, i + 1, j + 1); // right, northwards
      if (!on(i, j + 1)) add(i + 1, j + 1, i, j + 1); // top, westwards
      if (!on(i - 1, j)) add(i, j + 1, i, j); // left, southwards
    }
  }

  const rings: LatticeRing[] = [];
  for (const [startKey, firstList] of out) {
    while (firstList.length) {
      const sx = startKey % (w + 1);
      const sy = Math.floor(startKey / (w + 1));
      const ring: LatticeRing = [[sx, sy]];
      let [px, py] = [sx, sy];
      let [cx, cy] = firstList.pop()!;
      while (!(cx === sx && cy === sy)) {
        ring.push([cx, cy]);
        const next = out.get(key(cx, cy))!;
        // Two ways on at a corner where cells touch diagonally: turn left, which keeps each ring simple.
        let pick = 0;
        if (next.length > 1) {
          const [dx, dy] = [cx - px, cy - py];
          const left = next.findIndex(([nx, ny]) => nx - cx === -dy && ny - cy === dx);
          pick = left >= 0 ? left : 0;
        }
        const [nx, ny] = next.splice(pick, 1)[0]!;
        [px, py, cx, cy] = [cx, cy, nx, ny];
      }
      ring.push([sx, sy]);
      rings.push(simplify(ring));
    }
  }

  const outers = rings.filter((r) => signedArea(r) > 0);
  const holes = rings.filter((r) => signedArea(r) < 0);
  const polygons: LatticeRing[][] = outers.map((o) => [o]);
  for (const hole of holes) {
    // The smallest outer ring around the hole.
    let best = -1;
    let bestArea = Infinity;
    outers.forEach((o, k) => {
      const a = signedArea(o);
      if (a < bestArea && ringContainsRing(o, hole)) {
        best = k;
        bestArea = a;
      }
    });
    if (best >= 0) polygons[best]!.push(hole);
  }
  return polygons;
}

function ringContainsRing(outer: LatticeRing, inner: LatticeRing): boolean {
  // A hole's corner may lie on the outer ring; its edges' midpoints are strictly inside or outside.
  for (let k = 0; k + 1 < inner.length; k++) {
    const mid: [number, number] = [(inner[k]![0] + inner[k + 1]![0]) / 2, (inner[k]![1] + inner[k + 1]![1]) / 2];
    if (!onRing(outer, mid)) return ringHolds(outer, mid);
  }
  return false;
}

function onRing(ring: LatticeRing, p: [number, number]): boolean {
  for (let k = 0; k + 1 < ring.length; k++) {
    const [ax, ay] = ring[k]!;
    const [bx, by] = ring[k + 1]!;
    if (ax === bx && p[0] === ax && p[1] >= Math.min(ay, by) && p[1] <= Math.max(ay, by)) return true;
    if (ay === by && p[1] === ay && p[0] >= Math.min(ax, bx) && p[0] <= Math.max(ax, bx)) return true;
  }
  return false;
}

export function ringHolds(ring: readonly (readonly [number, number])[], p: readonly [number, number]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Shoelace area, positive for counter-clockwise rings. */
export function signedArea(ring: readonly (readonly [number, number])[]): number {
  let a = 0;
  for (let k = 0; k + 1 < ring.length; k++) a += ring[k]![0] * ring[k + 1]![1] - ring[k + 1]![0] * ring[k]![1];
  return a / 2;
}

/** Drops corners where the ring goes straight on. */
function simplify(ring: LatticeRing): LatticeRing {
  const open = ring.slice(0, -1);
  const kept = open.filter((p, k) => {
    const prev = open[(k - 1 + open.length) % open.length]!;
    const next = open[(k + 1) % open.length]!;
    return (p[0] - prev[0]) * (next[1] - p[1]) - (p[1] - prev[1]) * (next[0] - p[0]) !== 0;
  });
  return [...kept, kept[0]!];
}
