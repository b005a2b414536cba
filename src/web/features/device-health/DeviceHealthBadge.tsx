import { Badge, Typography } from 'antd';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import { useTranslation } from 'react-i18next';
import type { DeviceHealth } from '../../api/events.ts';
import { formatDateTime } from '../../components/format.ts';
import { healthStateOf } from './health-store.ts';
import './device-health.css';

dayjs.extend(relativeTime);

const BADGE = { online: 'success', offline: 'default', unknown: 'warning' } as const;

/** 在线 / 离线 / 未接入 and, when seen, when it last was (e.g. "3 分钟前"). */
export function DeviceHealthBadge({ health }: { health: DeviceHealth | undefined }) {
  const { t } = useTranslation();
  const state = healthStateOf(health);
  return (
    <span className="device-health-badge" data-testid="device-health" data-health={state}>
      <Badge status={BADGE[state]} text={t(`health.state.${state}`)} />
      {health && (
        <Typography.Text type="secondary" className="device-health-seen" title={formatDateTime(health.lastSeenAt)}>
          {t('health.lastSeen', { at: formatDateTime(health.lastSeenAt), ago: dayjs(health.lastSeenAt).fromNow() })}
        </Typography.Text>
      )}
    </span>
  );
}
