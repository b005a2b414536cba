import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import type { MapData } from '../../api/types.ts';
import type { SiteCoverageReport } from '../../api/compliance.ts';
import { fitTo, offlineMap } from '../map/maplibre-setup.ts';
import { addSourcesAndLayers, BASE_STYLE } from '../map/map-style.ts';

const SITE = 'compliance-site';
const BLIND = 'compliance-blind';
const CAMERAS = 'compliance-cameras';
const EMPTY = { type: 'FeatureCollection' as const, features: [] };

type MapElement = HTMLDivElement & { __maplibre?: MapLibreMap };

/** One key site on the offline map: its outline, its blind spots and the cameras that see it. */
export function ComplianceMap({ site, outline, layers }: { site: SiteCoverageReport | null; outline: GeoJSON.Geometry | null; layers: MapData | null }) {
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
      for (const id of [SITE, BLIND, CAMERAS]) map.addSource(id, { type: 'geojson', data: EMPTY });
      map.addLayer({ id: BLIND, type: 'fill', source: BLIND, paint: { 'fill-color': '#f5222d', 'fill-opacity': 0.45 } });
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
    map.getSource<GeoJSONSource>(BLIND)?.setData(site ? { type: 'Feature', properties: {}, geometry: site.blindSpots as GeoJSON.MultiPolygon } : EMPTY);
    const seeing = new Set(site?.cameras.map((c) => c.id) ?? []);
    map.getSource<GeoJSONSource>(CAMERAS)?.setData({ type: 'FeatureCollection', features: (layers?.devices.features ?? []).filter((f) => seeing.has(f.properties.id)) });
    if (!outline) return;
    fitTo(map, (outline.type === 'Polygon' ? [outline.coordinates] : outline.type === 'MultiPolygon' ? outline.coordinates : []).flat(2) as number[][], 20);
  }, [ready, site, outline, layers]);

  return <div ref={containerRef} className="compliance-map" data-testid="compliance-map" data-blind-spots={site?.blindSpots.coordinates.length ?? 0} />;
}
