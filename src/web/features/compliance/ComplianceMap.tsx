import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import type { MapData } from '../../api/types.ts';
import type { SiteCoverageReport } from '../../api/compliance.ts';
import { fitTo, offlineMap } from '../map/maplibre-setup.ts';
import { addSourcesAndLayers, BASE_STYLE } from '../map/map-style.ts';

const SITE = 'compliance-site';
const BLIND = 'compliance-blind';
const CAMERAS = 'compliance-cameras';
const SUGGESTED = 'compliance-suggested';
const EMPTY = { type: 'FeatureCollection' as const, features: [] };

type MapElement = HTMLDivElement & { __maplibre?: MapLibreMap };

/** A suggested camera's sector (整改计划), drawn dashed green with its gain as a label. */
export interface SuggestedSector {
  sector: GeoJSON.Polygon;
  label: string;
}

/** One key site on the offline map: its outline, its blind spots, the cameras that see it, and optionally suggested cameras. */
export function ComplianceMap({
  site,
  outline,
  layers,
  suggestions,
  blindSpots,
  testId = 'compliance-map',
}: {
  site: SiteCoverageReport | null;
  outline: GeoJSON.Geometry | null;
  layers: MapData | null;
  suggestions?: SuggestedSector[];
  /** Blind spots to draw when no coverage report is at hand. */
  blindSpots?: GeoJSON.MultiPolygon | null;
  testId?: string;
}) {
  const containerRef = useRef<MapElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const container = containerRef.current!;
    const map = offlineMap(container, BASE_STYLE, 21);
    mapRef.current = map;
    container.__maplibre = map;
    map.on('load', () => {
      addSourcesAndLayers(map);
      for (const id of [SITE, BLIND, CAMERAS, SUGGESTED]) map.addSource(id, { type: 'geojson', data: EMPTY });
      map.addLayer({ id: BLIND, type: 'fill', source: BLIND, paint: { 'fill-color': '#f5222d', 'fill-opacity': 0.45 } });
      map.addLayer({ id: `${SUGGESTED}-fill`, type: 'fill', source: SUGGESTED, paint: { 'fill-color': '#52c41a', 'fill-opacity': 0.15 } });
      map.addLayer({ id: `${SUGGESTED}-line`, type: 'line', source: SUGGESTED, paint: { 'line-color': '#237804', 'line-width': 2, 'line-dasharray': [3, 2] } });
      map.addLayer({ id: `${SITE}-line`, type: 'line', source: SITE, paint: { 'line-color': '#1677ff', 'line-width': 2.5 } });
      map.addLayer({ id: CAMERAS, type: 'circle', source: CAMERAS, paint: { 'circle-radius': 5, 'circle-color': '#389e0d', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 } });
      setReady(true);
    });
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !layers) return;
    map.getSource<GeoJSONSource>('campuses')?.setData(layers.campuses);
    map.getSource<GeoJSONSource>('buildings')?.setData(layers.buildings);
  }, [ready, layers]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    map.getSource<GeoJSONSource>(SITE)?.setData(outline ? { type: 'Feature', properties: {}, geometry: outline } : EMPTY);
    const blind = (site?.blindSpots as GeoJSON.MultiPolygon | undefined) ?? blindSpots ?? null;
    map.getSource<GeoJSONSource>(BLIND)?.setData(blind ? { type: 'Feature', properties: {}, geometry: blind } : EMPTY);
    const seeing = new Set(site?.cameras.map((c) => c.id) ?? []);
    map.getSource<GeoJSONSource>(CAMERAS)?.setData({ type: 'FeatureCollection', features: (layers?.devices.features ?? []).filter((f) => seeing.has(f.properties.id)) });
    if (!outline) return;
    fitTo(map, (outline.type === 'Polygon' ? [outline.coordinates] : outline.type === 'MultiPolygon' ? outline.coordinates : []).flat(2) as number[][], 20);
  }, [ready, site, outline, layers, blindSpots]);

  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const list = suggestions ?? [];
    map.getSource<GeoJSONSource>(SUGGESTED)?.setData({ type: 'FeatureCollection', features: list.map((s, k) => ({ type: 'Feature', properties: { k }, geometry: s.sector })) });
    // The map has no fonts (offline): labels are HTML markers inside each sector.
    const markers = list.map((s, k) => {
      const el = document.createElement('div');
      const label = document.createElement('div');
      label.className = 'compliance-suggested-label';
      label.textContent = s.label;
      // Labels at one spot (floors above each other) are stacked rather than drawn on top of each other
      // (the marker positions its own element with a transform: the offset goes on the label inside).
      label.style.marginTop = `${k * 22}px`;
      el.appendChild(label);
      return new maplibregl.Marker({ element: el, anchor: 'top' }).setLngLat(labelPoint(s.sector)).addTo(map);
    });
    return () => markers.forEach((m) => m.remove());
  }, [ready, suggestions]);

  return (
    <div
      ref={containerRef}
      className="compliance-map"
      data-testid={testId}
      data-blind-spots={site?.blindSpots.coordinates.length ?? blindSpots?.coordinates.length ?? 0}
      data-suggested={suggestions?.length ?? 0}
    />
  );
}

/** Halfway from the camera to the middle of its arc. */
function labelPoint(sector: GeoJSON.Polygon): [number, number] {
  const ring = sector.coordinates[0]!;
  const apex = ring[0]!;
  const mid = ring[Math.floor((ring.length - 1) / 2)]!;
  return [(apex[0]! + mid[0]!) / 2, (apex[1]! + mid[1]!) / 2];
}
