import { LockOutlined, RiseOutlined } from '@ant-design/icons';
import { Badge, Empty, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Alarm } from '../../api/alarms.ts';
import { formatAge, priorityColor } from './alarm-format.ts';
import { useNow } from './useNow.ts';
import { priorityLabel } from '../../i18n/index.ts';

interface AlarmQueueProps {
  alarms: Alarm[];
  selectedId: string | null;
  flashing: ReadonlySet<string>;
  onSelect: (id: string) => void;
}

/** The queue: most urgent first, colour per priority, age ticking, latch / escalation / merged count. */
export function AlarmQueue({ alarms, selectedId, flashing, onSelect }: AlarmQueueProps) {
  const { t } = useTranslation();
  const now = useNow();
  if (!alarms.length) return <Empty description={t('alarms.queueEmpty')} data-testid="alarm-queue-empty" />;
  return (
    <ul className="alarm-queue" data-testid="alarm-queue">
      {alarms.map((a) => (
        <li
          key={a.id}
          className={`alarm-queue-item${a.id === selectedId ? ' is-selected' : ''}${flashing.has(a.id) ? ' is-flashing' : ''}`}
          style={{ borderLeftColor: priorityColor(a.priority) }}
          data-testid="alarm-queue-item"
          data-alarm-id={a.id}
          onClick={() => onSelect(a.id)}
        >
          <div className="alarm-queue-head">
            <Tag color={priorityColor(a.priority)}>{priorityLabel(a.priority, true)}</Tag>
            {a.drillId && (
              <Tag color="purple" data-testid="alarm-drill-tag">
                {t('events.sourceKind.drill')}
              </Tag>
            )}
            <Typography.Text strong ellipsis className="alarm-queue-title">
              {a.title}
            </Typography.Text>
            {flashing.has(a.id) && <Badge count={t('alarms.newBadge')} className="alarm-new-badge" data-testid="alarm-new-badge" />}
          </div>
          <div className="alarm-queue-meta">
            <Tag>{t(`alarms.type.${a.type}`)}</Tag>
            <Tag color={a.state === 'new' ? 'red' : a.state === 'resolved' ? 'green' : 'blue'}>{t(`alarms.state.${a.state}`)}</Tag>
            {a.latched && (
              <Tag color="volcano" icon={<LockOutlined />} data-testid="alarm-latched">
                {t('alarms.latched')}
              </Tag>
            )}
            {a.escalationLevel > 0 && (
              <Tag color="magenta" icon={<RiseOutlined />}>
                {t('alarms.escalated', { level: a.escalationLevel })}
              </Tag>
            )}
            {a.eventCount > 1 && <Tag>{t('alarms.merged', { count: a.eventCount })}</Tag>}
            <span className="alarm-age" title={t('alarms.age')}>
              {formatAge(now - Date.parse(a.createdAt))}
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}
