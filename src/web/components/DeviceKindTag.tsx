import { Badge, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DeviceKind, DeviceStatus } from '../../shared/domain.ts';
import { DEVICE_STYLE, STATUS_STYLE } from './palette.ts';

export function DeviceKindTag({ kind }: { kind: DeviceKind }) {
  const { t } = useTranslation();
  return <Tag color={DEVICE_STYLE[kind].color}>{t(`enum.deviceKind.${kind}`)}</Tag>;
}

export function DeviceStatusBadge({ status }: { status: DeviceStatus }) {
  const { t } = useTranslation();
  return <Badge status={STATUS_STYLE[status].badge} text={t(`enum.deviceStatus.${status}`)} />;
}
