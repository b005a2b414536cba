import { Alert } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { DeviceKind, DeviceStatus } from '../../../shared/domain.ts';
import { devicesApi, mapApi } from '../../api/endpoints.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { HEALTH_STATES, type HealthState } from '../device-health/health-store.ts';
import { useDeviceHealth } from '../device-health/useDeviceHealth.ts';
import { deviceVisible, type DeviceFilter } from './device-filter.ts';
import { FloorSwitcher } from './FloorSwitcher.tsx';
import { MapCanvas } from './MapCanvas.tsx';
import { MapDeviceDrawer } from './MapDeviceDrawer.tsx';
import { MapLegend } from './MapLegend.tsx';
import { MapToolbar } from './MapToolbar.tsx';
import { useFitTarget } from './useFitTarget.ts';
import { withFloorInfo } from './with-floor-info.ts';
import './map.css';

/**
 * The campus map: outlines, key sites, devices by kind, ledger status and online state,
 * camera cones, floors. `/map?device=<id>` opens that device (links from the event stream).
 */
export function MapView() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { scope, index, selected, select } = useOrg();
  const { universityId, campusId, buildingId } = scope;
  const { data: raw, error, loading, reload } = useApi((signal) => mapApi.layers({ universityId, campusId }, signal), [universityId, campusId]);
  const data = useMemo(() => (raw ? withFloorInfo(raw, index) : null), [raw, index]);
  const health = useDeviceHealth();

  const [kinds, setKinds] = useState<DeviceKind[]>([]);
  const [statuses, setStatuses] = useState<DeviceStatus[]>([]);
  const [healths, setHealths] = useState<HealthState[]>([]);
  const [floorLevel, setFloorLevel] = useState<number | 'all'>('all');
  const [selectedDevice, setSelectedDevice] = useState<string | null>(null);
  const [conesShown, setConesShown] = useState(true);

  // Picking a floor in the sidebar shows that floor; anything else shows all floors.
  const selectedFloorLevel = selected?.kind === 'floor' ? selected.floorLevel : null;
  useEffect(() => setFloorLevel(selectedFloorLevel ?? 'all'), [selected?.id, selectedFloorLevel]);

  // ?device=<id>: open it, and show its campus when the map shows another one.
  const [params, setParams] = useSearchParams();
  const linked = params.get('device');
  useEffect(() => {
    if (!linked) return;
    setSelectedDevice(linked);
    let cancelled = false;
    devicesApi
      .get(linked)
      .then((d) => {
        if (!cancelled && campusId !== d.campusId && index.has(d.campusId)) select(d.campusId);
      })
      .catch(() => {}); // the drawer shows the error
    return () => {
      cancelled = true;
    };
    // Only when the link changes, not when the selection follows it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [linked, index.size > 0]);

  const filter = useMemo<DeviceFilter>(() => ({ kinds, statuses, healths, buildingId, floorLevel }), [kinds, statuses, healths, buildingId, floorLevel]);
  const devices = useMemo(() => data?.devices.features ?? [], [data]);
  const { store, version, loaded } = health;
  const shown = useMemo(
    () => devices.reduce((n, f) => n + (deviceVisible(f.properties, filter, loaded ? store.state(f.properties.id) : undefined) ? 1 : 0), 0),
    // version: the online states changed
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [devices, filter, loaded, version],
  );
  const healthCounts = useMemo(() => {
    const counts = Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as Record<HealthState, number>;
    if (loaded) for (const f of devices) counts[store.state(f.properties.id)]++;
    return counts;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [devices, loaded, version]);
  const fit = useFitTarget(data, campusId, buildingId);
  const [fitNonce, setFitNonce] = useState(0);
  const focus = useMemo(() => {
    const f = linked ? devices.find((d) => d.properties.id === linked) : undefined;
    return f ? { key: `${linked}@${fit.key}`, lngLat: f.geometry.coordinates as [number, number] } : null;
  }, [linked, devices, fit.key]);

  const closeDrawer = () => {
    setSelectedDevice(null);
    if (linked) setParams((p) => (p.delete('device'), p), { replace: true });
  };

  return (
    <div className="map-view">
      <MapToolbar
        kinds={kinds}
        statuses={statuses}
        healths={healths}
        onKinds={setKinds}
        onStatuses={setStatuses}
        onHealths={setHealths}
        healthCounts={loaded ? healthCounts : null}
        shown={shown}
        total={devices.length}
        loading={loading}
        onFit={() => setFitNonce((n) => n + 1)}
      />
      {error && <ErrorAlert error={error} title={t('map.loadFailed')} onRetry={reload} />}
      {health.error && <ErrorAlert error={health.error} title={t('health.loadFailed')} />}
      {data && !fit.bbox && <Alert type="info" showIcon title={t('map.noGeometry')} />}
      <div className="map-stage">
        <MapCanvas
          data={data}
          filter={filter}
          fit={{ key: `${fit.key}#${fitNonce}`, bbox: fit.bbox }}
          selectedDeviceId={selectedDevice}
          onDeviceClick={setSelectedDevice}
          onConesShown={setConesShown}
          health={store}
          healthLoaded={loaded}
          pulse={can('event.read')}
          focus={focus}
        />
        <FloorSwitcher data={data} buildingId={buildingId} value={floorLevel} onChange={setFloorLevel} />
        <MapLegend showFovHint={!!data && !conesShown} />
      </div>
      <MapDeviceDrawer deviceId={selectedDevice} onClose={closeDrawer} health={store} healthVersion={version} healthLoaded={loaded} />
    </div>
  );
}
