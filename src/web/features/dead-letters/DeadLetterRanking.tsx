import { Card, Empty, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DeadLettersByDevice, DeviceRef } from '../../api/events.ts';
import { formatDateTime } from '../../components/format.ts';

interface DeadLetterRankingProps {
  rows: DeadLettersByDevice[] | undefined;
  devices: ReadonlyMap<string, DeviceRef>;
  selected: string | undefined;
  onSelect: (deviceId: string | undefined) => void;
}

/** Which devices send the most unreadable messages: usually one misconfigured device or firmware. */
export function DeadLetterRanking({ rows, devices, selected, onSelect }: DeadLetterRankingProps) {
  const { t } = useTranslation();
  const max = Math.max(1, ...(rows ?? []).map((r) => r.count));
  return (
    <Card size="small" title={t('deadLetters.byDevice')} className="dead-letter-ranking" data-testid="dead-letter-ranking">
      {!rows?.length ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('deadLetters.empty')} />
      ) : (
        <ol className="dead-letter-rank-list">
          {rows.map((r, i) => {
            const name = r.deviceId ? (devices.get(r.deviceId)?.name ?? `${r.deviceId.slice(0, 8)}…`) : t('deadLetters.noDevice');
            const active = !!r.deviceId && r.deviceId === selected;
            return (
              <li
                key={r.deviceId ?? '-'}
                className={`dead-letter-rank${active ? ' active' : ''}${r.deviceId ? ' clickable' : ''}`}
                onClick={() => r.deviceId && onSelect(active ? undefined : r.deviceId)}
                title={t('deadLetters.lastAt', { at: formatDateTime(r.lastAt) })}
              >
                <span className="dead-letter-rank-no">{i + 1}</span>
                <span className="dead-letter-rank-body">
                  <span className="dead-letter-rank-head">
                    <Typography.Text ellipsis className="dead-letter-rank-name">
                      {name}
                    </Typography.Text>
                    <Typography.Text strong>{r.count}</Typography.Text>
                  </span>
                  <Progress percent={(r.count / max) * 100} showInfo={false} size="small" strokeColor="#d4380d" />
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
