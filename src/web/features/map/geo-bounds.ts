import type { Geometry, Position } from 'geojson';

/** [west, south, east, north] */
export type BBox = [number, number, number, number];

function visit(coords: unknown, box: BBox): void {
  if (typeof (coords as Position)[0] === 'number') {
    const [lon, lat] = coords as Position;
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return;
    box[0] = Math.min(box[0], lon!);
    box[1] = Math.min(box[1], lat!);
    box[2] = Math.max(box[2], lon!);
    box[3] = Math.max(box[3], lat!);
    return;
  }
  for (const c of coords as unknown[]) visit(c, box);
}

/** The bounding box of some geometries, or null when there is nothing to bound. */
export function bboxOf(geometries: Iterable<Geometry | null | undefined>): BBox | null {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const g of geometries) {
    if (!g) continue;
    if (g.type === 'GeometryCollection') {
      const inner = bboxOf(g.geometries);
      if (inner) visit([[inner[0], inner[1]], [inner[2], inner[3]]], box);
    } else visit(g.coordinates, box);
  }
  return box[0] === Infinity ? null : box;
}

export const centerOf = (b: BBox): [number, number] => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
