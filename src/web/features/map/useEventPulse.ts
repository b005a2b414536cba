import type { Map as MapLibreMap, Marker } from 'maplibre-gl';
import { useEffect, useMemo, useRef } from 'react';
import type { Severity } from '../../../shared/events.ts';
import type { MapData } from '../../api/types.ts';
import { useLiveEvents } from '../../live/LiveProvider.tsx';
import type { HealthStore } from '../device-health/health-store.ts';
import { deviceVisible, type DeviceFilter } from './device-filter.ts';
import maplibregl from './maplibre-setup.ts';

/** How long a device pulses after an event, how often expired pulses are removed, and how many at once at most. */
const PULSE_MS = 2000;
const SWEEP_MS = 500;
const MAX_PULSES = 100;
const SEVERITY_RANK: Record<Severity, number> = { info: 0, minor: 1, major: 2, critical: 3 };

interface Pulse {
  marker: Marker;
  ring: HTMLElement;
  until: number;
  severity: Severity;
}

/**
 * A ring pulsing around a device that just sent an event. Cheap on purpose: a few HTML
 * elements with a CSS animation that MapLibre only moves with the map — no GeoJSON source
 * rewritten and no WebGL repaint per event, which with 10,000 devices on a software renderer
 * costs a frame of ~80 ms each (bench/map-frame.bench.ts). At most MAX_PULSES at once.
 */
export function useEventPulse(map: MapLibreMap | null, ready: boolean, data: MapData | null, health: HealthStore, filter: DeviceFilter, enabled: boolean): void {
  const byId = useMemo(() => new Map((data?.devices.features ?? []).map((f) => [f.properties.id, f])), [data]);
  const active = useRef(new Map<string, Pulse>());
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const latest = useRef({ map, ready, byId, health, filter });
  latest.current = { map, ready, byId, health, filter };

  const remove = (id: string, p: Pulse) => {
    p.marker.remove();
    active.current.delete(id);
  };
  const sweep = () => {
    const now = Date.now();
    for (const [id, p] of active.current) if (p.until <= now) remove(id, p);
    if (!active.current.size && timer.current) {
      clearInterval(timer.current);
      timer.current = null;
    }
  };

  useLiveEvents((events) => {
    const { map: m, ready: r, byId: devices, health: h, filter: f } = latest.current;
    if (!m || !r) return;
    const now = Date.now();
    for (const e of events) {
      if (e.source === 'platform') continue;
      const device = devices.get(e.deviceId);
      if (!device || !deviceVisible(device.properties, f, h.loaded ? h.state(e.deviceId) : undefined)) continue;
      const p = active.current.get(e.deviceId);
      if (p) {
        p.until = now + PULSE_MS;
        if (SEVERITY_RANK[e.severity] > SEVERITY_RANK[p.severity]) {
          p.severity = e.severity;
          p.ring.className = `map-pulse-ring map-pulse-${e.severity}`;
        }
        continue;
      }
      if (active.current.size >= MAX_PULSES) continue;
      const el = document.createElement('div');
      el.className = 'map-pulse';
      const ring = document.createElement('span');
      ring.className = `map-pulse-ring map-pulse-${e.severity}`;
      el.appendChild(ring);
      const marker = new maplibregl.Marker({ element: el }).setLngLat(device.geometry.coordinates as [number, number]).addTo(m);
      active.current.set(e.deviceId, { marker, ring, until: now + PULSE_MS, severity: e.severity });
    }
    if (active.current.size && !timer.current) timer.current = setInterval(sweep, SWEEP_MS);
  }, enabled);

  // New map data (another campus) or unmount: no pulses left behind.
  useEffect(
    () => () => {
      for (const [id, p] of active.current) remove(id, p);
      if (timer.current) clearInterval(timer.current);
      timer.current = null;
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, map],
  );
}
