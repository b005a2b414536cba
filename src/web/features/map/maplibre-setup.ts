import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

// MapLibre 6 runs its tile worker from a separate file; serve our bundled copy (no CDN).
maplibregl.setWorkerUrl(workerUrl);

export default maplibregl;

/**
 * A small campus map on the bundled base style (no tiles): zoom buttons and a metric scale, no
 * rotation. Used by the pages that show one thing on the map (a trajectory, a key site's coverage).
 */
export function offlineMap(container: HTMLElement, style: maplibregl.StyleSpecification, maxZoom: number): maplibregl.Map {
  const map = new maplibregl.Map({ container, style, center: [121.47, 31.23], zoom: 14, attributionControl: false, dragRotate: false, pitchWithRotate: false, maxZoom, fadeDuration: 0 });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  return map;
}

/** Fits the view to the points' bounding box. */
export function fitTo(map: maplibregl.Map, points: readonly (readonly number[])[], maxZoom: number): void {
  if (!points.length) return;
  const lons = points.map((p) => p[0]!);
  const lats = points.map((p) => p[1]!);
  map.fitBounds(
    [
      [Math.min(...lons), Math.min(...lats)],
      [Math.max(...lons), Math.max(...lats)],
    ],
    { padding: 50, maxZoom, duration: 0 },
  );
}

