import type { Sighting } from '../../api/trajectory.ts';

/** The sightings that have a position, in order: the stops of the path on the map. */
export function stopsOf(sightings: readonly Sighting[]): { index: number; lngLat: [number, number] }[] {
  const out: { index: number; lngLat: [number, number] }[] = [];
  sightings.forEach((s, index) => {
    if (s.lon !== null && s.lat !== null) out.push({ index, lngLat: [s.lon, s.lat] });
  });
  return out;
}

/**
 * Where the moving marker is at `progress` (0 … stops − 1; 2.5 = halfway from the third stop to
 * the fourth): a straight line between consecutive stops.
 */
export function positionAt(stops: readonly { lngLat: [number, number] }[], progress: number): [number, number] | null {
  if (!stops.length) return null;
  const p = Math.max(0, Math.min(stops.length - 1, progress));
  const i = Math.floor(p);
  const a = stops[i]!.lngLat;
  const b = stops[Math.min(stops.length - 1, i + 1)]!.lngLat;
  const f = p - i;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}
