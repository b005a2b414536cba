import { Descriptions, Drawer, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { devicesApi } from '../../api/endpoints.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { GbAccessPanel } from '../gb28181/GbAccessPanel.tsx';
import { CameraLivePanel } from '../video/CameraLivePanel.tsx';
import { useApi } from '../../components/useApi.ts';
import type { HealthStore } from '../device-health/health-store.ts';
import { DeviceHealthBadge } from '../device-health/DeviceHealthBadge.tsx';
import { DeviceDescriptions } from '../ledger/DeviceDescriptions.tsx';
import { MaintenancePanel } from '../ledger/MaintenancePanel.tsx';

interface MapDeviceDrawerProps {
  deviceId: string | null;
  onClose: () => void;
  health: HealthStore;
  /** Bumped when online states change, so the drawer shows the current one. */
  healthVersion: number;
  healthLoaded: boolean;
}

/** A device opened on the map: online state and last sign of life, ledger record, maintenance. */
export function MapDeviceDrawer({ deviceId, onClose, health, healthLoaded }: MapDeviceDrawerProps) {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useApi(() => (deviceId ? devicesApi.get(deviceId) : Promise.resolve(null)), [deviceId]);
  const device = data && data.id === deviceId ? data : null;

  return (
    <Drawer open={!!deviceId} onClose={onClose} size={620} title={device?.name ?? t('common.details')} data-testid="device-drawer">
      {error && <ErrorAlert error={error} title={t('device.loadFailed')} onRetry={reload} />}
      {loading && !device && <Skeleton active />}
      {device && (
        <>
          <Descriptions
            size="small"
            bordered
            column={1}
            className="map-device-health"
            items={[
              {
                key: 'health',
                label: t('health.title'),
                children: healthLoaded ? <DeviceHealthBadge health={health.get(device.id)} /> : <Skeleton.Input size="small" active />,
              },
            ]}
          />
          <div className="section-gap" />
          <CameraLivePanel device={device} />
          <DeviceDescriptions device={device} />
          <div className="section-gap" />
          {device.gbId && (
            <>
              <GbAccessPanel deviceId={device.id} gbId={device.gbId} />
              <div className="section-gap" />
            </>
          )}
          <MaintenancePanel deviceId={device.id} />
        </>
      )}
    </Drawer>
  );
}
