import type { FeatureCollection, Point } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap, MapGeoJSONFeature, Marker } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import type { DeviceProps, MapData } from '../../api/types.ts';
import type { HealthStore } from '../device-health/health-store.ts';
import { registerDeviceIcons } from './device-icons.ts';
import { areaFilterExpression, deviceVisible, type DeviceFilter, type MapDeviceProps } from './device-filter.ts';
import { cameraCones, camerasIn, type LngLatBox } from './fov.ts';
import { bboxOf, centerOf, type BBox } from './geo-bounds.ts';
import maplibregl from './maplibre-setup.ts';
import { addSourcesAndLayers, BASE_STYLE, FOV_MIN_ZOOM, HOVER_LAYERS, LAYER, NOT_CLUSTER } from './map-style.ts';
import { MapTooltip, type HoverInfo } from './MapTooltip.tsx';
import { useEventPulse } from './useEventPulse.ts';

export interface MapCanvasProps {
  data: MapData | null;
  filter: DeviceFilter;
  /** Fit the view to `bbox` whenever `key` changes (new data, another campus or building). */
  fit: { key: string; bbox: BBox | null };
  selectedDeviceId: string | null;
  onDeviceClick: (id: string) => void;
  onZoomChange?: (zoom: number) => void;
  /** Online states; devices are redrawn as they change. */
  health: HealthStore;
  /** Whether the states have been loaded (until then devices are drawn without one). */
  healthLoaded: boolean;
  /** A ring around devices that send an event (needs event.read). */
  pulse: boolean;
  /** Whether camera cones are drawn now (false: zoomed out, or too many cameras in view). */
  onConesShown?: (shown: boolean) => void;
  /** Move the view here (a device opened from elsewhere); changes of `key` trigger it. */
  focus?: { key: string; lngLat: [number, number] } | null;
}

/** Camera cones are drawn only while at most this many cameras are in view. */
const MAX_CONES_IN_VIEW = 300;

/**
 * Live state changes are sent to the map in batches at most this often: each batch makes the
 * clustered source re-cluster and reload its tiles (a visible hitch on a software renderer),
 * and a second's delay for an offline mark is fine.
 */
const HEALTH_FLUSH_MS = 1000;
/** With an online-state filter a change can add or remove devices: the source is rebuilt, at most this often. */
const REFILTER_MS = 1000;

/**
 * The devices the filter lets through, each with its online state as a property. Filtering
 * happens here, not in layer filters, because clusters are built from the source's features:
 * a cluster must count only the devices that are shown.
 */
function devicesForMap(devices: MapData['devices'], filter: DeviceFilter, health: HealthStore, loaded: boolean): FeatureCollection<Point, MapDeviceProps> {
  const features = [];
  for (const f of devices.features) {
    const state = loaded ? health.state(f.properties.id) : undefined;
    if (!deviceVisible(f.properties, filter, state)) continue;
    features.push(loaded ? { ...f, properties: { ...f.properties, health: state } } : f);
  }
  return { ...devices, features };
}

/** Shanghai, where a campus-less map opens. */
const DEFAULT_CENTER: [number, number] = [121.47, 31.23];

type MapElement = HTMLDivElement & { __maplibre?: MapLibreMap };

export function MapCanvas({ data, filter, fit, selectedDeviceId, onDeviceClick, onZoomChange, health, healthLoaded, pulse, focus, onConesShown }: MapCanvasProps) {
  const containerRef = useRef<MapElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [hover, setHover] = useState<HoverInfo | null>(null);
  const refreshCones = useRef<(force?: boolean) => void>(() => {});
  const latest = useRef({ data, filter, onDeviceClick, onZoomChange, health, healthLoaded, onConesShown });
  latest.current = { data, filter, onDeviceClick, onZoomChange, health, healthLoaded, onConesShown };

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
    // it, so panning does not re-send them on every move. With more than MAX_CONES_IN_VIEW
    // cameras in view none are drawn: a carpet of overlapping cones says nothing and is what
    // makes frames slow (bench/map-frame.bench.ts).
    let conesFor: LngLatBox | null = null;
    let shown: boolean | null = null;
    const report = (now: boolean) => {
      if (now !== shown) latest.current.onConesShown?.((shown = now));
    };
    const clearCones = (source: GeoJSONSource) => {
      if (conesFor) source.setData({ type: 'FeatureCollection', features: [] });
      conesFor = null;
    };
    const updateCones = (force = false) => {
      const { data: d, filter: f, health: h, healthLoaded: loaded } = latest.current;
      const source = map.getSource<GeoJSONSource>('fov');
      if (!source) return;
      if (!d || map.getZoom() < FOV_MIN_ZOOM) {
        clearCones(source);
        return report(false);
      }
      const b = map.getBounds();
      const view = { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() };
      if (!force && conesFor && contains(conesFor, view)) return;
      const visible = (p: DeviceProps) => deviceVisible(p, f, loaded ? h.state(p.id) : undefined);
      if (camerasIn(d.devices.features, view, visible, MAX_CONES_IN_VIEW + 1) > MAX_CONES_IN_VIEW) {
        clearCones(source);
        return report(false);
      }
      const box = padded(view, 0.5);
      source.setData(cameraCones(d.devices.features, box, visible));
      conesFor = box;
      report(true);
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
    // A cluster opens up: zoom to where it splits.
    map.on('click', LAYER.clusters, (e) => {
      const f = e.features?.[0];
      const clusterId = f?.properties?.cluster_id;
      if (!f || typeof clusterId !== 'number' || f.geometry.type !== 'Point') return;
      const center = f.geometry.coordinates as [number, number];
      void map
        .getSource<GeoJSONSource>('devices')
        ?.getClusterExpansionZoom(clusterId)
        .then((zoom) => map.easeTo({ center, zoom: Math.max(zoom, map.getZoom() + 1), duration: 400 }));
    });

    let frame = 0;
    let hovering = false;
    const clearHover = () => {
      if (!hovering) return;
      hovering = false;
      map.getCanvas().style.cursor = '';
      setHover(null);
    };
    map.on('mousemove', (e) => {
      cancelAnimationFrame(frame);
      // While dragging or animating, no hit-testing and no React render per frame.
      if (e.originalEvent.buttons || map.isMoving()) return clearHover();
      frame = requestAnimationFrame(() => {
        const layers = HOVER_LAYERS.filter((l) => map.getLayer(l));
        const features = layers.length ? map.queryRenderedFeatures(e.point, { layers }) : [];
        const top = pickTop(features);
        if (!top) return clearHover();
        hovering = true;
        map.getCanvas().style.cursor = top.layer.id === LAYER.devices || top.layer.id === LAYER.clusters ? 'pointer' : '';
        setHover({ x: e.point.x, y: e.point.y, layer: top.layer.id, properties: top.properties });
      });
    });
    map.on('mouseout', clearHover);

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

  // Devices: the filtered set with online states (a filter change rebuilds the source and its clusters).
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const empty: FeatureCollection<Point, DeviceProps> = { type: 'FeatureCollection', features: [] };
    void map.getSource<GeoJSONSource>('devices')?.setData(data ? devicesForMap(data.devices, filter, health, healthLoaded) : empty);
    const areas = areaFilterExpression(filter);
    map.setFilter(LAYER.areaFill, areas);
    map.setFilter(LAYER.areaLine, areas);
    refreshCones.current(true);
    // health is a stable store; its changes arrive through the subscription below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, data, filter, healthLoaded]);

  // Live online/offline changes → only the changed features (updateData, no full re-send).
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !healthLoaded) return;
    const pending = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let rebuild = false;
    const flush = () => {
      timer = null;
      const source = map.getSource<GeoJSONSource>('devices');
      const { data: d, filter: f } = latest.current;
      if (!source || !d) return;
      if (rebuild) {
        void source.setData(devicesForMap(d.devices, f, health, true));
        refreshCones.current(true); // which cameras are shown may have changed
      } else if (pending.size) {
        void source.updateData({ update: [...pending].map((id) => ({ id, addOrUpdateProperties: [{ key: 'health', value: health.state(id) }] })) });
      }
      rebuild = false;
      pending.clear();
    };
    const unsubscribe = health.subscribe((change) => {
      // A reset, or a change under an online-state filter, changes which devices are shown.
      const refilter = change.type === 'reset' || latest.current.filter.healths.length > 0;
      if (refilter) rebuild = true;
      else for (const id of change.deviceIds) pending.add(id);
      timer ??= setTimeout(flush, refilter ? REFILTER_MS : HEALTH_FLUSH_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [ready, healthLoaded, health]);

  useEventPulse(mapRef.current, ready, data, health, filter, pulse);
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    map.setFilter(LAYER.deviceSelected, ['all', NOT_CLUSTER, ['==', ['get', 'id'], selectedDeviceId ?? '']]);
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

  // A device opened from elsewhere (the event stream): bring it into view, after any fit above.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !focus) return;
    map.jumpTo({ center: focus.lngLat, zoom: Math.max(map.getZoom(), 18) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, focus?.key]);

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
