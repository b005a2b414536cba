import { Descriptions } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Device } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { DeviceKindTag, DeviceStatusBadge } from '../../components/DeviceKindTag.tsx';
import { formatDateTime } from '../../components/format.ts';

/** Every ledger field of one device. */
export function DeviceDescriptions({ device }: { device: Device }) {
  const { t } = useTranslation();
  const { describe } = useOrg();
  const dash = t('common.empty');
  const v = (x: string | number | null | undefined) => (x === null || x === undefined || x === '' ? dash : x);
  const cam = device.camera;
  const items: DescriptionsProps['items'] = [
    { key: 'kind', label: t('device.kind'), children: <DeviceKindTag kind={device.kind} /> },
    { key: 'status', label: t('device.status'), children: <DeviceStatusBadge status={device.status} /> },
    { key: 'location', label: t('device.location'), span: 2, children: v(describe(device)) },
    { key: 'position', label: `${t('device.lon')} / ${t('device.lat')}`, span: 2, children: device.lon != null && device.lat != null ? `${device.lon.toFixed(6)}, ${device.lat.toFixed(6)}` : dash },
    { key: 'vendor', label: t('device.vendor'), children: v(device.vendor) },
    { key: 'model', label: t('device.model'), children: v(device.model) },
    { key: 'serial', label: t('device.serial'), children: v(device.serial) },
    { key: 'ip', label: t('device.ip'), children: v(device.ip) },
    { key: 'gbId', label: t('device.gbId'), span: 2, children: v(device.gbId) },
    { key: 'installDate', label: t('device.installDate'), children: v(device.installDate) },
    { key: 'warrantyEnd', label: t('device.warrantyEnd'), children: v(device.warrantyEnd) },
    ...(device.retentionDays != null ? [{ key: 'retentionDays', label: t('device.retentionDays'), children: device.retentionDays }] : []),
    ...(cam
      ? [
          { key: 'resolution', label: t('device.resolution'), children: t(`enum.cameraResolution.${cam.resolution}`) },
          { key: 'type', label: t('device.type'), children: t(`enum.cameraType.${cam.type}`) },
          { key: 'placement', label: t('device.placement'), children: cam.placement ? t(`enum.placement.${cam.placement}`) : dash },
          { key: 'mountHeightM', label: t('device.mountHeightM'), children: v(cam.mountHeightM) },
          { key: 'bearingDeg', label: t('device.bearingDeg'), children: v(cam.bearingDeg) },
          { key: 'fovDeg', label: t('device.fovDeg'), children: v(cam.fovDeg) },
          { key: 'rangeM', label: t('device.rangeM'), children: v(cam.rangeM) },
        ]
      : []),
    { key: 'notes', label: t('device.notes'), span: 2, children: v(device.notes) },
    { key: 'createdAt', label: t('device.createdAt'), children: formatDateTime(device.createdAt) },
    { key: 'updatedAt', label: t('device.updatedAt'), children: formatDateTime(device.updatedAt) },
  ];
  return <Descriptions size="small" bordered column={2} items={items} data-testid="device-details" />;
}
