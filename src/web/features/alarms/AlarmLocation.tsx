import { EnvironmentOutlined } from '@ant-design/icons';
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { devicesApi } from '../../api/endpoints.ts';
import type { Alarm } from '../../api/alarms.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { pathOf } from '../../app/org-index.ts';
import { useApi } from '../../components/useApi.ts';

/** Where the alarm is: the device, its campus / building / floor, and its coordinates. */
export function AlarmLocation({ alarm }: { alarm: Alarm }) {
  const { t } = useTranslation();
  const { index } = useOrg();
  const device = useApi(() => devicesApi.get(alarm.deviceId), [alarm.deviceId]);
  const place = pathOf(index, alarm.floorId ?? alarm.buildingId ?? alarm.campusId)
    .filter((e) => e.kind !== 'university' && e.kind !== 'commission')
    .map((e) => e.name)
    .join(' / ');
  return (
    <div className="alarm-location" data-testid="alarm-location">
      <EnvironmentOutlined />
      <Typography.Text strong>{device.data?.name ?? alarm.deviceId}</Typography.Text>
      {place && <Typography.Text>{place}</Typography.Text>}
      {alarm.lon !== null && alarm.lat !== null && (
        <Typography.Text type="secondary">{t('alarms.coordinates', { lon: alarm.lon.toFixed(6), lat: alarm.lat.toFixed(6) })}</Typography.Text>
      )}
    </div>
  );
}
