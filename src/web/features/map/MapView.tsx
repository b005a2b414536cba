import { Alert } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceKind, DeviceStatus } from '../../../shared/domain.ts';
import { mapApi } from '../../api/endpoints.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import { DeviceDetailDrawer } from '../ledger/DeviceDetailDrawer.tsx';
import { deviceVisible, type DeviceFilter } from './device-filter.ts';
import { FloorSwitcher } from './FloorSwitcher.tsx';
import { MapCanvas } from './MapCanvas.tsx';
import { MapLegend } from './MapLegend.tsx';
import { MapToolbar } from './MapToolbar.tsx';
import { useFitTarget } from './useFitTarget.ts';
import { withFloorInfo } from './with-floor-info.ts';
import './map.css';

/** The campus map: outlines, key sites, devices by kind and status, camera cones, floors. */
export function MapView() {
  const { t } = useTranslation();
  const { scope, index, selected } = useOrg();
  const { universityId, campusId, buildingId } = scope;
  const { data: raw, error, loading, reload } = useApi((signal) => mapApi.layers({ universityId, campusId }, signal), [universityId, campusId]);
  const data = useMemo(() => (raw ? withFloorInfo(raw, index) : null), [raw, index]);

  const [kinds, setKinds] = useState<DeviceKind[]>([]);
  const [statuses, setStatuses] = useState<DeviceStatus[]>([]);
  const [floorLevel, setFloorLevel] = useState<number | 'all'>('all');
  const [selectedDevice, setSelectedDevice] = useState<string | null>(null);
  const [zoom, setZoom] = useState(0);

  // Picking a floor in the sidebar shows that floor; anything else shows all floors.
  const selectedFloorLevel = selected?.kind === 'floor' ? selected.floorLevel : null;
  useEffect(() => setFloorLevel(selectedFloorLevel ?? 'all'), [selected?.id, selectedFloorLevel]);

  const filter = useMemo<DeviceFilter>(() => ({ kinds, statuses, buildingId, floorLevel }), [kinds, statuses, buildingId, floorLevel]);
  const devices = data?.devices.features ?? [];
  const shown = useMemo(() => devices.reduce((n, f) => n + (deviceVisible(f.properties, filter) ? 1 : 0), 0), [devices, filter]);
  const fit = useFitTarget(data, campusId, buildingId);
  const [fitNonce, setFitNonce] = useState(0);

  return (
    <div className="map-view">
      <MapToolbar
        kinds={kinds}
        statuses={statuses}
        onKinds={setKinds}
        onStatuses={setStatuses}
        shown={shown}
        total={devices.length}
        loading={loading}
        onFit={() => setFitNonce((n) => n + 1)}
      />
      {error && <ErrorAlert error={error} title={t('map.loadFailed')} onRetry={reload} />}
      {data && !fit.bbox && <Alert type="info" showIcon title={t('map.noGeometry')} />}
      <div className="map-stage">
        <MapCanvas
          data={data}
          filter={filter}
          fit={{ key: `${fit.key}#${fitNonce}`, bbox: fit.bbox }}
          selectedDeviceId={selectedDevice}
          onDeviceClick={setSelectedDevice}
          onZoomChange={setZoom}
        />
        <FloorSwitcher data={data} buildingId={buildingId} value={floorLevel} onChange={setFloorLevel} />
        <MapLegend showFovHint={zoom > 0 && zoom < 16} />
      </div>
      <DeviceDetailDrawer deviceId={selectedDevice} onClose={() => setSelectedDevice(null)} />
    </div>
  );
}
