import { AimOutlined, FilterOutlined } from '@ant-design/icons';
import { Button, Descriptions, Drawer, Space, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { DeviceRef } from '../../api/events.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { DeviceKindTag } from '../../components/DeviceKindTag.tsx';
import { formatDateTime } from '../../components/format.ts';
import { payloadFields, type Translate } from './event-format.ts';
import { kindKey } from './event-kinds.ts';
import { SeverityTag } from './SeverityTag.tsx';

interface EventDetailDrawerProps {
  event: DeviceEvent | null;
  device: DeviceRef | undefined;
  deviceLoading: boolean;
  onClose: () => void;
  onOnlyThisDevice: (deviceId: string) => void;
}

/** One event in readable fields (ids of people and cards masked), with the way to its device. */
export function EventDetailDrawer({ event, device, deviceLoading, onClose, onOnlyThisDevice }: EventDetailDrawerProps) {
  const { t } = useTranslation();
  const { describe } = useOrg();
  const dash = t('common.empty');
  const items: DescriptionsProps['items'] = event
    ? [
        { key: 'kind', label: t('events.column.kind'), children: t(`events.kind.${kindKey(event.kind)}`) },
        { key: 'severity', label: t('events.column.severity'), children: <SeverityTag severity={event.severity} /> },
        { key: 'occurredAt', label: t('events.occurredAt'), children: formatDateTime(event.occurredAt) },
        { key: 'receivedAt', label: t('events.receivedAt'), children: formatDateTime(event.receivedAt) },
        {
          key: 'device',
          label: t('events.column.device'),
          children: device ? (
            <Space size={4} wrap>
              <DeviceKindTag kind={device.kind} />
              <Link to={`/map?device=${encodeURIComponent(event.deviceId)}`} data-testid="event-device-link">
                {device.name}
              </Link>
            </Space>
          ) : (
            <Typography.Text type="secondary">{deviceLoading ? t('events.deviceLoading') : t('events.unknownDevice')}</Typography.Text>
          ),
        },
        { key: 'location', label: t('events.location'), children: device ? describe(device) || dash : dash },
        { key: 'source', label: t('events.source'), children: t(`events.sourceKind.${event.source}`) },
        { key: 'sourceEventId', label: t('events.sourceEventId'), children: event.sourceEventId ?? dash },
        ...payloadFields(event, t as unknown as Translate).map((f) => ({ key: `p.${f.key}`, label: f.label, children: <span data-field={f.key}>{f.value}</span> })),
      ]
    : [];

  return (
    <Drawer
      open={!!event}
      onClose={onClose}
      size={520}
      title={event ? t(`events.kind.${kindKey(event.kind)}`) : t('common.details')}
      data-testid="event-drawer"
      extra={
        event && (
          <Space>
            <Button icon={<FilterOutlined />} onClick={() => onOnlyThisDevice(event.deviceId)}>
              {t('events.onlyThisDevice')}
            </Button>
            <Link to={`/map?device=${encodeURIComponent(event.deviceId)}`}>
              <Button icon={<AimOutlined />} type="primary">
                {t('events.showOnMap')}
              </Button>
            </Link>
          </Space>
        )
      }
    >
      {event && (
        <>
          <Descriptions size="small" bordered column={1} styles={{ label: { width: 120 } }} items={items} data-testid="event-details" />
          <Typography.Paragraph type="secondary" className="event-id">
            {t('events.eventId')}: <code>{event.id}</code>
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary" className="event-mask-note">
            {t('events.maskNote')}
          </Typography.Paragraph>
        </>
      )}
    </Drawer>
  );
}
