/**
 * The video wall kept in this browser (localStorage), so a camera sent from the map or a device
 * drawer lands on the wall — also on a wall open in another window (the big screen): that window
 * hears the `storage` event and shows it at once.
 */
import { WALL_LAYOUTS, place, resize, targetTile, type WallLayout } from './wall-layout.ts';

export const WALL_STORAGE_KEY = 'xiaoan.videoWall';

export interface SavedWall {
  layout: WallLayout;
  tiles: (string | null)[];
}

export function loadWall(): SavedWall {
  try {
    const saved = JSON.parse(localStorage.getItem(WALL_STORAGE_KEY) ?? '') as SavedWall;
    if (WALL_LAYOUTS.includes(saved.layout) && Array.isArray(saved.tiles)) return { layout: saved.layout, tiles: resize(saved.tiles, saved.layout) };
  } catch {
    // nothing saved yet
  }
  return { layout: 4, tiles: resize([], 4) };
}

export function saveWall(wall: SavedWall) {
  localStorage.setItem(WALL_STORAGE_KEY, JSON.stringify(wall));
}

/** 上电视墙: puts the camera on the first free tile (else the last one); a camera already on the wall stays where it is. */
export function sendToWall(cameraId: string): SavedWall {
  const wall = loadWall();
  if (wall.tiles.includes(cameraId)) return wall;
  const next = { ...wall, tiles: place(wall.tiles, targetTile(wall.tiles, wall.tiles.length - 1), cameraId) };
  saveWall(next);
  return next;
}
