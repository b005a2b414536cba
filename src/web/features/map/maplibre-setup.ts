import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

// MapLibre 6 runs its tile worker from a separate file; serve our bundled copy (no CDN).
maplibregl.setWorkerUrl(workerUrl);

export default maplibregl;
