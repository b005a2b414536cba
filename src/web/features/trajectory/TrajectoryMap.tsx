import type { GeoJSONSource, Map as MapLibreMap, Marker } from 'maplibre-gl';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { MapData } from '../../api/types.ts';
import type { Sighting } from '../../api/trajectory.ts';
import maplibregl, { fitTo, offlineMap } from '../map/maplibre-setup.ts';
import { addSourcesAndLayers, BASE_STYLE } from '../map/map-style.ts';
import { positionAt, stopsOf } from './path.ts';

export interface TrajectoryMapProps {
  sightings: readonly Sighting[];
  /** Campus and building outlines under the path (the bundled map data, no tiles). */
  layers: MapData | null;
  /** The marker's place along the stops (see path.ts). */
  progress: number;
  onStopClick?: (sightingIndex: number) => void;
}

const PATH = 'trajectory-path';
const STOPS = 'trajectory-stops';
const EMPTY = { type: 'FeatureCollection' as const, features: [] };

type MapElement = HTMLDivElement & { __maplibre?: MapLibreMap };

/** The path of a trajectory on the offline map: a line through the stops in order and a marker that plays it back. */
export function TrajectoryMap({ sightings, layers, progress, onStopClick }: TrajectoryMapProps) {
  const containerRef = useRef<MapElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const [ready, setReady] = useState(false);
  const stops = useMemo(() => stopsOf(sightings), [sightings]);
  const clickRef = useRef(onStopClick);
  clickRef.current = onStopClick;

  useEffect(() => {
    const container = containerRef.current!;
    const map = offlineMap(container, BASE_STYLE, 20);
    mapRef.current = map;
    container.__maplibre = map; // browser tests read the path from here
    map.on('load', () => {
      addSourcesAndLayers(map);
      map.addSource(PATH, { type: 'geojson', data: EMPTY });
      map.addSource(STOPS, { type: 'geojson', data: EMPTY });
      map.addLayer({ id: PATH, type: 'line', source: PATH, layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#1677ff', 'line-width': 4, 'line-opacity': 0.75 } });
      map.addLayer({
        id: STOPS,
        type: 'circle',
        source: STOPS,
        paint: {
          'circle-radius': ['case', ['get', 'passed'], 6, 5],
          'circle-color': ['case', ['get', 'passed'], '#1677ff', '#ffffff'],
          'circle-stroke-color': '#1677ff',
          'circle-stroke-width': 2,
        },
      });
      map.on('click', STOPS, (e) => {
        const index = e.features?.[0]?.properties?.index;
        if (typeof index === 'number') clickRef.current?.(index);
      });
      setReady(true);
    });
    const el = document.createElement('div');
    el.className = 'trajectory-marker';
    el.dataset.testid = 'trajectory-marker';
    markerRef.current = new maplibregl.Marker({ element: el });
    return () => {
      markerRef.current?.remove();
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // Campus and building outlines.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !layers) return;
    map.getSource<GeoJSONSource>('campuses')?.setData(layers.campuses);
    map.getSource<GeoJSONSource>('buildings')?.setData(layers.buildings);
  }, [ready, layers]);

  // The path, and the view fitted to it.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    map.getSource<GeoJSONSource>(PATH)?.setData(
      stops.length > 1 ? { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: stops.map((s) => s.lngLat) } } : EMPTY,
    );
    if (!stops.length) {
      markerRef.current?.remove();
      return;
    }
    fitTo(map, stops.map((s) => s.lngLat), 18);
    markerRef.current?.setLngLat(stops[0]!.lngLat).addTo(map);
  }, [ready, stops]);

  // The marker and the stops already passed.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const at = positionAt(stops, progress);
    if (at) markerRef.current?.setLngLat(at);
    map.getSource<GeoJSONSource>(STOPS)?.setData({
      type: 'FeatureCollection',
      features: stops.map((s, i) => ({ type: 'Feature', properties: { index: s.index, passed: i <= progress }, geometry: { type: 'Point', coordinates: s.lngLat } })),
    });
  }, [ready, stops, progress]);

  return <div ref={containerRef} className="trajectory-map" data-testid="trajectory-map" data-stops={stops.length} />;
}
