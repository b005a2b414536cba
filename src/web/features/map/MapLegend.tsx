import { DownOutlined, UpOutlined } from '@ant-design/icons';
import { Button, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEVICE_KINDS, DEVICE_STATUSES } from '../../../shared/domain.ts';
import { STATUS_STYLE } from '../../components/palette.ts';
import { HEALTH_STATES } from '../device-health/health-store.ts';
import { deviceIconUrl } from './device-icons.ts';

export function MapLegend({ showFovHint }: { showFovHint: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(true);
  return (
    <div className="map-legend" data-testid="map-legend">
      <div className="map-legend-head">
        <Typography.Text strong>{t('map.legend')}</Typography.Text>
        <Button size="small" type="text" icon={open ? <DownOutlined /> : <UpOutlined />} onClick={() => setOpen(!open)} aria-label={t('map.legend')} />
      </div>
      {open && (
        <>
          <div className="map-legend-grid">
            {DEVICE_KINDS.map((k) => (
              <span key={k} className="map-legend-item">
                <img src={deviceIconUrl(k)} alt="" width={14} height={14} />
                {t(`enum.deviceKind.${k}`)}
              </span>
            ))}
          </div>
          <div className="map-legend-grid" data-testid="map-legend-health">
            {HEALTH_STATES.map((s) => (
              <span key={s} className="map-legend-item" data-health={s}>
                <img src={deviceIconUrl('camera', s)} alt="" width={14} height={14} />
                {t(`health.state.${s}`)}
              </span>
            ))}
          </div>
          <Typography.Text type="secondary" className="map-legend-note">
            {t('map.healthLegendNote')}
          </Typography.Text>
          <div className="map-legend-grid">
            <span className="map-legend-item map-legend-wide map-legend-wrap" data-testid="map-legend-cluster">
              <span className="map-legend-cluster">12</span>
              {t('map.cluster.legend')}
            </span>
          </div>
          <div className="map-legend-grid">
            {DEVICE_STATUSES.filter((s) => STATUS_STYLE[s].ring).map((s) => (
              <span key={s} className="map-legend-item">
                <span className="map-legend-ring" style={{ borderColor: STATUS_STYLE[s].ring! }} />
                {t(`enum.deviceStatus.${s}`)}
              </span>
            ))}
            <span className="map-legend-item">
              <span className="map-legend-swatch map-legend-fov" />
              {t('map.layer.fov')}
            </span>
            <span className="map-legend-item map-legend-wide">
              <span className="map-legend-swatch map-legend-privacy" />
              {t('map.layer.privacyArea')}
            </span>
          </div>
          {showFovHint && <Typography.Text type="secondary" className="map-legend-hint">{t('map.fovHint')}</Typography.Text>}
        </>
      )}
    </div>
  );
}
