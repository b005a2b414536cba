import { ReloadOutlined } from '@ant-design/icons';
import { Button, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { deadLettersApi } from '../../api/events.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import { useDeviceDirectory } from '../../live/device-directory.ts';
import { DeadLetterRanking } from './DeadLetterRanking.tsx';
import { DeadLetterTable } from './DeadLetterTable.tsx';
import { useDeadLetters } from './useDeadLetters.ts';
import './dead-letters.css';

const RANKING_SIZE = 15;

/** 死信: messages the platform could not read as events, why, and the bytes as they came. */
export function DeadLettersView() {
  const { t } = useTranslation();
  const { scope } = useOrg();
  const directory = useDeviceDirectory(scope.universityId);
  const [deviceId, setDeviceId] = useState<string>();
  const list = useDeadLetters(deviceId);
  const ranking = useApi((signal) => deadLettersApi.byDevice(RANKING_SIZE, signal), []);
  const reload = () => {
    list.reload();
    ranking.reload();
  };

  return (
    <div className="dead-letter-view" data-testid="dead-letter-view">
      <div className="view-toolbar">
        <Typography.Title level={5} className="dead-letter-title">
          {t('deadLetters.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('deadLetters.intro')}</Typography.Text>
        {deviceId && (
          <Tag closable onClose={() => setDeviceId(undefined)} color="blue" data-testid="dead-letter-device-filter">
            {directory.byId.get(deviceId)?.name ?? deviceId}
          </Tag>
        )}
        <span className="view-toolbar-spacer" />
        <Button icon={<ReloadOutlined />} onClick={reload} data-testid="dead-letter-reload">
          {t('common.refresh')}
        </Button>
      </div>
      {list.error && <ErrorAlert error={list.error} title={t('deadLetters.loadFailed')} onRetry={list.reload} />}
      <div className="dead-letter-body">
        <div className="dead-letter-main">
          <DeadLetterTable items={list.items} devices={directory.byId} loading={list.loading} />
          <div className="dead-letter-footer">
            {list.hasMore ? (
              <Button onClick={list.loadMore} loading={list.loading} data-testid="dead-letter-more">
                {t('deadLetters.loadMore')}
              </Button>
            ) : (
              list.items.length > 0 && <Typography.Text type="secondary">{t('deadLetters.noMore', { count: list.items.length })}</Typography.Text>
            )}
          </div>
        </div>
        <div className="dead-letter-side">
          {ranking.error && <ErrorAlert error={ranking.error} onRetry={ranking.reload} />}
          <DeadLetterRanking rows={ranking.data} devices={directory.byId} selected={deviceId} onSelect={setDeviceId} />
        </div>
      </div>
    </div>
  );
}
