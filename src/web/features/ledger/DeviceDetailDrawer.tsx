import { EditOutlined } from '@ant-design/icons';
import { Button, Drawer, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { devicesApi } from '../../api/endpoints.ts';
import type { Device } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { GbAccessPanel } from '../gb28181/GbAccessPanel.tsx';
import { CameraLivePanel } from '../video/CameraLivePanel.tsx';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { DeviceDescriptions } from './DeviceDescriptions.tsx';
import { MaintenancePanel } from './MaintenancePanel.tsx';

interface DeviceDetailDrawerProps {
  deviceId: string | null;
  onClose: () => void;
  /** Offered to users who may change the ledger. */
  onEdit?: (device: Device) => void;
  /** Bump to reload after an edit. */
  version?: number;
}

/** One device's ledger record and maintenance history (map and ledger both open it). */
export function DeviceDetailDrawer({ deviceId, onClose, onEdit, version = 0 }: DeviceDetailDrawerProps) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { data, error, loading, reload } = useApi(() => (deviceId ? devicesApi.get(deviceId) : Promise.resolve(null)), [deviceId, version]);
  const device = data && data.id === deviceId ? data : null;

  return (
    <Drawer
      open={!!deviceId}
      onClose={onClose}
      size={620}
      title={device?.name ?? t('common.details')}
      data-testid="device-drawer"
      extra={
        device && onEdit && can('device.write') ? (
          <Button icon={<EditOutlined />} onClick={() => onEdit(device)}>
            {t('common.edit')}
          </Button>
        ) : undefined
      }
    >
      {error && <ErrorAlert error={error} title={t('device.loadFailed')} onRetry={reload} />}
      {loading && !device && <Skeleton active />}
      {device && (
        <>
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
