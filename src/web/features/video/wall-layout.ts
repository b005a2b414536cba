/** The video wall's arithmetic, kept apart from React so it is tested on its own. */
import type { WallLayout } from '../../../shared/video-wall.ts';

export { TOUR_INTERVALS_S, WALL_LAYOUTS, type WallLayout } from '../../../shared/video-wall.ts';

/** Columns of a square layout (1, 4, 9, 16 tiles → 1, 2, 3, 4 columns). */
export const columnsOf = (layout: WallLayout) => Math.round(Math.sqrt(layout));

/** Tiles of a wall: camera ids or empty, always exactly `layout` long (a smaller layout keeps the first tiles). */
export function resize(tiles: readonly (string | null)[], layout: WallLayout): (string | null)[] {
  return Array.from({ length: layout }, (_, i) => tiles[i] ?? null);
}

/** Puts a camera on a tile; a camera already elsewhere on the wall moves (no camera shows twice). */
export function place(tiles: readonly (string | null)[], index: number, cameraId: string): (string | null)[] {
  return tiles.map((c, i) => (i === index ? cameraId : c === cameraId ? null : c));
}

/** The first empty tile, else the selected one, for a camera added by a click instead of a drag. */
export function targetTile(tiles: readonly (string | null)[], selected: number): number {
  const free = tiles.indexOf(null);
  return free >= 0 ? free : Math.min(selected, tiles.length - 1);
}

/** Page `page` of a tour (轮巡) through `cameras`, `layout` at a time, wrapping around. */
export function tourPage(cameras: readonly string[], layout: WallLayout, page: number): (string | null)[] {
  if (!cameras.length) return resize([], layout);
  const pages = Math.ceil(cameras.length / layout);
  const start = (((page % pages) + pages) % pages) * layout;
  return resize(cameras.slice(start, start + layout), layout);
}

export const tourPages = (cameras: readonly string[], layout: WallLayout) => Math.max(1, Math.ceil(cameras.length / layout));
