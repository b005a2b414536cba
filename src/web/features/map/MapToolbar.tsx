import { CompressOutlined } from '@ant-design/icons';
import { Button, Select, Spin, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { DEVICE_KINDS, DEVICE_STATUSES, type DeviceKind, type DeviceStatus } from '../../../shared/domain.ts';
import { HEALTH_STATES, type HealthState } from '../device-health/health-store.ts';
import { deviceIconUrl } from './device-icons.ts';

interface MapToolbarProps {
  kinds: DeviceKind[];
  statuses: DeviceStatus[];
  onKinds: (v: DeviceKind[]) => void;
  onStatuses: (v: DeviceStatus[]) => void;
  healths: HealthState[];
  onHealths: (v: HealthState[]) => void;
  /** Devices per online state, once loaded. */
  healthCounts: Record<HealthState, number> | null;
  shown: number;
  total: number;
  loading: boolean;
  onFit: () => void;
}

export function MapToolbar({ kinds, statuses, onKinds, onStatuses, healths, onHealths, healthCounts, shown, total, loading, onFit }: MapToolbarProps) {
  const { t } = useTranslation();
  return (
    <div className="view-toolbar">
      <Select<DeviceKind[]>
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        className="map-filter-kinds"
        placeholder={t('map.kinds')}
        value={kinds}
        onChange={onKinds}
        data-testid="map-filter-kind"
        options={DEVICE_KINDS.map((k) => ({
          value: k,
          label: (
            <span className="kind-option">
              <img src={deviceIconUrl(k)} alt="" width={14} height={14} />
              {t(`enum.deviceKind.${k}`)}
            </span>
          ),
        }))}
      />
      <Select<DeviceStatus[]>
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        className="map-filter-status"
        placeholder={t('map.statuses')}
        value={statuses}
        onChange={onStatuses}
        options={DEVICE_STATUSES.map((s) => ({ value: s, label: t(`enum.deviceStatus.${s}`) }))}
      />
      <Select<HealthState[]>
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        className="map-filter-health"
        placeholder={t('map.healthFilter')}
        value={healths}
        onChange={onHealths}
        disabled={!healthCounts}
        data-testid="map-filter-health"
        options={HEALTH_STATES.map((s) => ({
          value: s,
          label: (
            <span className="kind-option">
              <img src={deviceIconUrl('camera', s)} alt="" width={14} height={14} />
              {t(`health.state.${s}`)}
              {healthCounts && <span className="map-health-count">{healthCounts[s]}</span>}
            </span>
          ),
        }))}
      />
      <Tooltip title={t('map.fitAll')}>
        <Button icon={<CompressOutlined />} onClick={onFit} aria-label={t('map.fitAll')} />
      </Tooltip>
      <span className="view-toolbar-spacer" />
      {loading && <Spin size="small" />}
      <Typography.Text type="secondary" data-testid="map-device-count">
        {t('map.deviceCount', { shown, total })}
      </Typography.Text>
    </div>
  );
}
