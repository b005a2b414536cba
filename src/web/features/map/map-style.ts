import type { ExpressionSpecification, LayerSpecification, Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import { KEY_SITE_CATEGORIES } from '../../../shared/domain.ts';
import { KEY_SITE_COLOR, STATUS_STYLE } from '../../components/palette.ts';

/**
 * No base map: a plain background, our own GeoJSON on top. No glyphs or sprites are loaded,
 * so there are no text layers (names show in HTML tooltips and markers) — fully offline.
 */
export const BASE_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#dfe5ec' } }],
};

export const SOURCES = ['campuses', 'buildings', 'areas', 'keySites', 'fov', 'devices'] as const;
export type SourceId = (typeof SOURCES)[number];

export const LAYER = {
  campusFill: 'campus-fill',
  campusLine: 'campus-line',
  buildingFill: 'building-fill',
  buildingLine: 'building-line',
  areaFill: 'area-fill',
  areaLine: 'area-line',
  keySiteFill: 'keysite-fill',
  keySiteLine: 'keysite-line',
  fovFill: 'fov-fill',
  fovLine: 'fov-line',
  deviceStatus: 'device-status',
  clusters: 'device-clusters',
  clusterCount: 'device-cluster-count',
  devices: 'devices',
  deviceSelected: 'device-selected',
} as const;

/** Layers a pointer can hover, topmost first. */
export const HOVER_LAYERS = [LAYER.clusters, LAYER.devices, LAYER.keySiteFill, LAYER.areaFill, LAYER.buildingFill, LAYER.campusFill];

/**
 * Up to this zoom, devices close together are drawn as one cluster with their count: a campus
 * overview of 10,000 overlapping markers is unreadable, and drawing them is what makes panning
 * slow (bench/map-frame.bench.ts). From the next zoom on every device has its own marker.
 */
export const CLUSTER_MAX_ZOOM = 16;
export const CLUSTER_RADIUS = 36;

/** Below this zoom the camera cones are not computed (specks, and under clusters). */
export const FOV_MIN_ZOOM = CLUSTER_MAX_ZOOM + 1;

/** A device, not a cluster. */
export const NOT_CLUSTER: ExpressionSpecification = ['!', ['has', 'point_count']];

const CLUSTER_COUNT_IMAGE = 'cluster-count-';
const COUNT_PIXEL_RATIO = 2;

const keySiteColor: ExpressionSpecification = [
  'match',
  ['get', 'category'],
  ...KEY_SITE_CATEGORIES.flatMap((c) => [c, KEY_SITE_COLOR[c]]),
  '#8c8c8c',
] as unknown as ExpressionSpecification;

const statusRing: ExpressionSpecification = [
  'match',
  ['get', 'status'],
  'under_repair',
  STATUS_STYLE.under_repair.ring!,
  'out_of_service',
  STATUS_STYLE.out_of_service.ring!,
  'retired',
  STATUS_STYLE.retired.ring!,
  'rgba(0,0,0,0)',
];

const byZoom = (pairs: [number, number][]): ExpressionSpecification => ['interpolate', ['linear'], ['zoom'], ...pairs.flat()] as unknown as ExpressionSpecification;

const LAYERS: LayerSpecification[] = [
  { id: LAYER.campusFill, type: 'fill', source: 'campuses', paint: { 'fill-color': '#f7f9fc', 'fill-opacity': 0.95 } },
  { id: LAYER.campusLine, type: 'line', source: 'campuses', paint: { 'line-color': '#3f6fb5', 'line-width': 2, 'line-dasharray': [3, 2] } },
  { id: LAYER.buildingFill, type: 'fill', source: 'buildings', paint: { 'fill-color': '#cdd5df', 'fill-opacity': 0.9 } },
  { id: LAYER.buildingLine, type: 'line', source: 'buildings', paint: { 'line-color': '#8a97a8', 'line-width': 1 } },
  {
    id: LAYER.keySiteFill,
    type: 'fill',
    source: 'keySites',
    paint: { 'fill-color': keySiteColor, 'fill-opacity': 0.3 },
  },
  { id: LAYER.keySiteLine, type: 'line', source: 'keySites', paint: { 'line-color': keySiteColor, 'line-width': 1.5 } },
  {
    id: LAYER.areaFill,
    type: 'fill',
    source: 'areas',
    paint: { 'fill-color': ['case', ['to-boolean', ['get', 'privacy']], '#ff85c0', '#95de64'], 'fill-opacity': 0.3 },
  },
  { id: LAYER.areaLine, type: 'line', source: 'areas', paint: { 'line-color': ['case', ['to-boolean', ['get', 'privacy']], '#c41d7f', '#389e0d'], 'line-width': 1, 'line-dasharray': [2, 1] } },
  { id: LAYER.fovFill, type: 'fill', source: 'fov', paint: { 'fill-color': '#1677ff', 'fill-opacity': 0.12 } },
  { id: LAYER.fovLine, type: 'line', source: 'fov', paint: { 'line-color': '#1677ff', 'line-opacity': 0.45, 'line-width': 0.8 } },
  {
    id: LAYER.deviceStatus,
    type: 'circle',
    source: 'devices',
    filter: ['all', NOT_CLUSTER, ['!=', ['get', 'status'], 'in_service']],
    paint: { 'circle-radius': byZoom([[10, 5], [14, 8], [17, 12], [19, 15]]), 'circle-opacity': 0, 'circle-stroke-width': 2.5, 'circle-stroke-color': statusRing },
  },
  {
    // A cluster: size by count; a dark ring when some of its devices are offline.
    id: LAYER.clusters,
    type: 'circle',
    source: 'devices',
    filter: ['has', 'point_count'],
    paint: {
      'circle-radius': ['step', ['get', 'point_count'], 12, 10, 15, 100, 19, 1000, 24],
      'circle-color': '#1d4fb8',
      'circle-opacity': 0.88,
      'circle-stroke-width': ['case', ['>', ['get', 'offline'], 0], 3.5, 2],
      'circle-stroke-color': ['case', ['>', ['get', 'offline'], 0], '#595959', '#ffffff'],
    },
  },
  {
    // Its count, as an image drawn on demand (no glyphs are loaded: see clusterCountImage).
    id: LAYER.clusterCount,
    type: 'symbol',
    source: 'devices',
    filter: ['has', 'point_count'],
    layout: {
      'icon-image': ['concat', CLUSTER_COUNT_IMAGE, ['get', 'point_count_abbreviated']],
      'icon-allow-overlap': true,
      'icon-ignore-placement': true,
    },
  },
  {
    id: LAYER.devices,
    type: 'symbol',
    source: 'devices',
    filter: NOT_CLUSTER,
    layout: {
      // device-<kind>[-offline|-unknown] (see device-icons.ts); no state yet draws the plain icon.
      'icon-image': ['concat', 'device-', ['get', 'kind'], ['match', ['coalesce', ['get', 'health'], 'online'], 'offline', '-offline', 'unknown', '-unknown', '']],
      'icon-size': byZoom([[10, 0.45], [14, 0.7], [17, 1], [19, 1.3]]),
      'icon-allow-overlap': true,
      'icon-ignore-placement': true,
    },
    paint: { 'icon-opacity': ['match', ['get', 'status'], 'retired', 0.35, 'out_of_service', 0.55, 1] },
  },
  {
    id: LAYER.deviceSelected,
    type: 'circle',
    source: 'devices',
    filter: ['all', NOT_CLUSTER, ['==', ['get', 'id'], '']],
    paint: { 'circle-radius': byZoom([[10, 8], [17, 16], [19, 20]]), 'circle-opacity': 0, 'circle-stroke-width': 3, 'circle-stroke-color': '#fadb14' },
  },
];

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

export function addSourcesAndLayers(map: MapLibreMap): void {
  for (const id of SOURCES) {
    if (map.getSource(id)) continue;
    if (id === 'devices')
      map.addSource(id, {
        type: 'geojson',
        data: EMPTY,
        cluster: true,
        clusterMaxZoom: CLUSTER_MAX_ZOOM,
        clusterRadius: CLUSTER_RADIUS,
        clusterMinPoints: 3,
        clusterProperties: { offline: ['+', ['case', ['==', ['get', 'health'], 'offline'], 1, 0]] },
      });
    else map.addSource(id, { type: 'geojson', data: EMPTY });
  }
  for (const layer of LAYERS) if (!map.getLayer(layer.id)) map.addLayer(layer);
  // Count images are made when a tile first asks for them (MapLibre waits for the resolver).
  map.setMissingStyleImageResolver((id) => {
    if (!id.startsWith(CLUSTER_COUNT_IMAGE) || map.hasImage(id)) return;
    map.addImage(id, clusterCountImage(id.slice(CLUSTER_COUNT_IMAGE.length)), { pixelRatio: COUNT_PIXEL_RATIO });
  });
}

/** "128" or "1.2k" in white on transparent, drawn once per distinct text (the map has no fonts). */
function clusterCountImage(text: string): ImageData {
  const r = COUNT_PIXEL_RATIO;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d')!;
  const font = `600 ${11 * r}px -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif`;
  ctx.font = font;
  const w = Math.ceil(ctx.measureText(text).width) + 2 * r;
  const h = 14 * r;
  canvas.width = w;
  canvas.height = h;
  ctx.font = font;
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, w / 2, h / 2 + r * 0.5);
  return ctx.getImageData(0, 0, w, h);
}
