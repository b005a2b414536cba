import { SoundOutlined } from '@ant-design/icons';
import { Badge, Empty, Segmented, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { AlarmDetail } from './AlarmDetail.tsx';
import { AlarmQueue } from './AlarmQueue.tsx';
import { beep } from './beep.ts';
import { useAlarmQueue } from './useAlarmQueue.ts';
import './alarms.css';

/** 报警处置: the queue on the left, the selected alarm's case file on the right, live. */
export function AlarmsView() {
  const { t } = useTranslation();
  // 按值班分派: all of the university's alarms, or those routed to me on shift.
  const [mine, setMine] = useState(false);
  const queue = useAlarmQueue(mine);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // Nothing picked yet: open the most urgent one.
  useEffect(() => {
    if (!selectedId && queue.alarms.length) setSelectedId(queue.alarms[0]!.id);
  }, [selectedId, queue.alarms]);

  return (
    <div className="alarms-view" data-testid="alarms-view">
      <section className="alarms-queue-pane">
        <div className="alarms-queue-header">
          <Typography.Text strong>{t('alarms.queue')}</Typography.Text>
          <Badge count={queue.alarms.length} showZero color={queue.alarms.length ? '#cf1322' : '#8c8c8c'} data-testid="alarm-count" />
          <Segmented
            size="small"
            value={mine ? 'mine' : 'all'}
            onChange={(v) => setMine(v === 'mine')}
            options={[
              { value: 'all', label: t('alarms.queueAll') },
              { value: 'mine', label: <span data-testid="alarm-queue-mine">{t('alarms.queueMine')}</span> },
            ]}
          />
          <SoundOutlined className="alarms-sound-test" title={t('alarms.soundTest')} onClick={() => beep(1)} />
        </div>
        {queue.error && <ErrorAlert error={queue.error} onRetry={queue.reload} />}
        <AlarmQueue alarms={queue.alarms} selectedId={selectedId} flashing={queue.flashing} onSelect={setSelectedId} />
      </section>
      <section className="alarms-detail-pane">
        {selectedId ? (
          <AlarmDetail alarmId={selectedId} version={queue.changes[selectedId] ?? 0} onChanged={queue.reload} />
        ) : (
          <Empty description={t('alarms.pick')} />
        )}
      </section>
    </div>
  );
}
