import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceKind, DeviceStatus, KeySiteCategory, PrivacyKind } from '../../../shared/domain.ts';
import { DeviceStatusBadge } from '../../components/DeviceKindTag.tsx';
import type { HealthState } from '../device-health/health-store.ts';
import { LAYER } from './map-style.ts';
import { useFloorLabel } from './useFloorLabel.ts';

export interface HoverInfo {
  x: number;
  y: number;
  layer: string;
  properties: Record<string, unknown>;
}

/** The name and kind of what is under the pointer (HTML, since the map carries no fonts). */
export function MapTooltip({ info }: { info: HoverInfo }) {
  const { t } = useTranslation();
  const floorLabel = useFloorLabel();
  const p = info.properties;
  const name = String(p.name ?? '');
  let detail: ReactNode = null;
  let title = name;
  switch (info.layer) {
    case LAYER.clusters:
      title = t('map.cluster.count', { count: Number(p.point_count ?? 0) });
      detail = Number(p.offline ?? 0) > 0 ? t('map.cluster.offline', { count: Number(p.offline) }) : t('map.cluster.hint');
      break;
    case LAYER.devices:
      detail = (
        <>
          {t(`enum.deviceKind.${p.kind as DeviceKind}`)}
          {typeof p.floorLevel === 'number' && ` · ${floorLabel(p.floorLevel)}`}
          <div>
            <DeviceStatusBadge status={p.status as DeviceStatus} />
            {typeof p.health === 'string' && <span className={`map-tooltip-health map-tooltip-health-${p.health}`}>{t(`health.state.${p.health as HealthState}`)}</span>}
          </div>
        </>
      );
      break;
    case LAYER.keySiteFill:
      detail = `${t('map.layer.keySite')} · ${t(`enum.keySiteCategory.${p.category as KeySiteCategory}`)}`;
      break;
    case LAYER.areaFill:
      detail = p.privacy ? `${t('map.layer.privacyArea')} · ${t(`enum.privacy.${p.privacy as PrivacyKind}`)}` : t('map.layer.area');
      break;
    case LAYER.buildingFill:
      detail = `${t('map.layer.building')} · ${t('map.buildingFloors', { count: Number(p.floors ?? 0) })}`;
      break;
    case LAYER.campusFill:
      detail = t('map.layer.campus');
      break;
  }
  return (
    <div className="map-tooltip" style={{ left: info.x + 14, top: info.y + 14 }} data-testid="map-tooltip">
      <div className="map-tooltip-name">{title}</div>
      <div className="map-tooltip-detail">{detail}</div>
    </div>
  );
}
