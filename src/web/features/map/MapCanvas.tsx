import type { FeatureCollection, Point } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap, MapGeoJSONFeature, Marker } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import type { DeviceProps, MapData } from '../../api/types.ts';
import { registerDeviceIcons } from './device-icons.ts';
import { areaFilterExpression, deviceFilterExpression, deviceVisible, type DeviceFilter } from './device-filter.ts';
import { cameraCones, type LngLatBox } from './fov.ts';
import { bboxOf, centerOf, type BBox } from './geo-bounds.ts';
import maplibregl from './maplibre-setup.ts';
import { addSourcesAndLayers, BASE_STYLE, FOV_MIN_ZOOM, HOVER_LAYERS, LAYER } from './map-style.ts';
import { MapTooltip, type HoverInfo } from './MapTooltip.tsx';

export interface MapCanvasProps {
  data: MapData | null;
  filter: DeviceFilter;
  /** Fit the view to `bbox` whenever `key` changes (new data, another campus or building). */
  fit: { key: string; bbox: BBox | null };
  selectedDeviceId: string | null;
  onDeviceClick: (id: string) => void;
  onZoomChange?: (zoom: number) => void;
}

/** Shanghai, where a campus-less map opens. */
const DEFAULT_CENTER: [number, number] = [121.47, 31.23];

type MapElement = HTMLDivElement & { __maplibre?: MapLibreMap };

export function MapCanvas({ data, filter, fit, selectedDeviceId, onDeviceClick, onZoomChange }: MapCanvasProps) {
  const containerRef = useRef<MapElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [hover, setHover] = useState<HoverInfo | null>(null);
  const refreshCones = useRef<(force?: boolean) => void>(() => {});
  const latest = useRef({ data, filter, onDeviceClick, onZoomChange });
  latest.current = { data, filter, onDeviceClick, onZoomChange };

  // Create the map once.
  useEffect(() => {
    const container = containerRef.current!;
    const map = new maplibregl.Map({
      container,
      style: BASE_STYLE,
      center: DEFAULT_CENTER,
      zoom: 10,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      maxZoom: 21,
      fadeDuration: 0, // markers overlap freely; no symbol fade-in to wait for
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    mapRef.current = map;
    container.__maplibre = map; // lets browser tests find rendered devices

    map.on('load', () => {
      registerDeviceIcons(map);
      addSourcesAndLayers(map);
      setReady(true);
    });

    // Cones are computed for an area twice the viewport and kept while the view stays inside
    // it, so panning does not re-send them on every move.
    let conesFor: LngLatBox | null = null;
    const updateCones = (force = false) => {
      const { data: d, filter: f } = latest.current;
      const source = map.getSource<GeoJSONSource>('fov');
      if (!source) return;
      if (!d || map.getZoom() < FOV_MIN_ZOOM) {
        if (conesFor) source.setData({ type: 'FeatureCollection', features: [] });
        conesFor = null;
        return;
      }
      const b = map.getBounds();
      const view = { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() };
      if (!force && conesFor && contains(conesFor, view)) return;
      const box = padded(view, 0.5);
      source.setData(cameraCones(d.devices.features, box, (p) => deviceVisible(p, f)));
      conesFor = box;
    };
    map.on('moveend', () => {
      updateCones();
      latest.current.onZoomChange?.(map.getZoom());
    });
    refreshCones.current = updateCones;

    map.on('click', LAYER.devices, (e) => {
      const id = e.features?.[0]?.properties?.id;
      if (typeof id === 'string') latest.current.onDeviceClick(id);
    });

    let frame = 0;
    map.on('mousemove', (e) => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const layers = HOVER_LAYERS.filter((l) => map.getLayer(l));
        const features = layers.length ? map.queryRenderedFeatures(e.point, { layers }) : [];
        const top = pickTop(features);
        map.getCanvas().style.cursor = top?.layer.id === LAYER.devices ? 'pointer' : '';
        setHover(top ? { x: e.point.x, y: e.point.y, layer: top.layer.id, properties: top.properties } : null);
      });
    });
    map.on('mouseout', () => setHover(null));

    return () => {
      cancelAnimationFrame(frame);
      delete container.__maplibre;
      map.remove();
      mapRef.current = null;
      refreshCones.current = () => {};
      setReady(false);
    };
  }, []);

  // Data → sources (and campus name markers).
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };
    map.getSource<GeoJSONSource>('campuses')?.setData(data?.campuses ?? empty);
    map.getSource<GeoJSONSource>('buildings')?.setData(data?.buildings ?? empty);
    map.getSource<GeoJSONSource>('areas')?.setData(data?.areas ?? empty);
    map.getSource<GeoJSONSource>('keySites')?.setData(data?.keySites ?? empty);
    map.getSource<GeoJSONSource>('devices')?.setData((data?.devices ?? empty) as FeatureCollection<Point, DeviceProps>);
    refreshCones.current(true);

    const markers: Marker[] = (data?.campuses.features ?? []).flatMap((f) => {
      const box = bboxOf([f.geometry]);
      if (!box) return [];
      const el = document.createElement('div');
      el.className = 'map-campus-label';
      el.textContent = f.properties.name;
      return [new maplibregl.Marker({ element: el }).setLngLat(centerOf(box)).addTo(map)];
    });
    return () => markers.forEach((m) => m.remove());
  }, [ready, data]);

  // Filters → layer filters (no data re-sent).
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const expr = deviceFilterExpression(filter);
    map.setFilter(LAYER.devices, expr);
    map.setFilter(LAYER.deviceStatus, ['all', ['!=', ['get', 'status'], 'in_service'], expr]);
    const areas = areaFilterExpression(filter);
    map.setFilter(LAYER.areaFill, areas);
    map.setFilter(LAYER.areaLine, areas);
    refreshCones.current(true);
  }, [ready, filter]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    map.setFilter(LAYER.deviceSelected, ['==', ['get', 'id'], selectedDeviceId ?? '']);
  }, [ready, selectedDeviceId]);

  // Fit to the selected campus / building.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !fit.bbox) return;
    const [w, s, e, n] = fit.bbox;
    const single = w === e && s === n;
    if (single) map.jumpTo({ center: [w, s], zoom: 18 });
    else map.fitBounds([w, s, e, n], { padding: 40, maxZoom: 19, duration: 0 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, fit.key]);

  return (
    <div className="map-canvas">
      <div className="map-gl" ref={containerRef} data-testid="map-canvas" data-ready={ready && data ? 'true' : 'false'} />
      {hover && <MapTooltip info={hover} />}
    </div>
  );
}

/** The box grown by `by` times its size on every side. */
function padded(b: LngLatBox, by: number): LngLatBox {
  const dx = (b.east - b.west) * by;
  const dy = (b.north - b.south) * by;
  return { west: b.west - dx, south: b.south - dy, east: b.east + dx, north: b.north + dy };
}

const contains = (outer: LngLatBox, inner: LngLatBox) => inner.west >= outer.west && inner.east <= outer.east && inner.south >= outer.south && inner.north <= outer.north;

function pickTop(features: MapGeoJSONFeature[]): MapGeoJSONFeature | undefined {
  for (const layer of HOVER_LAYERS) {
    const f = features.find((x) => x.layer.id === layer);
    if (f) return f;
  }
  return undefined;
}
