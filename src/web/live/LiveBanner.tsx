import { Alert, Button } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveConnection, useLiveState } from './LiveProvider.tsx';
import './live.css';

/** A connection that comes back within this long is not worth a banner. */
const DOWN_GRACE_MS = 3000;

function useNow(active: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs]);
  return now;
}

/**
 * A thin banner under the menu, only when something is wrong with the live feed: the
 * connection is down (with the next retry), or the server dropped events for this browser.
 */
export function LiveBanner() {
  const { t } = useTranslation();
  const connection = useLiveConnection();
  const state = useLiveState();
  const down = state.phase === 'down';
  const now = useNow(down);
  const showDown = down && state.downSince !== null && now - state.downSince >= DOWN_GRACE_MS;

  if (showDown) {
    const seconds = Math.max(0, Math.ceil(((state.retryAt ?? now) - now) / 1000));
    return (
      <Alert
        className="live-banner"
        type="warning"
        showIcon
        banner
        data-testid="live-banner-down"
        title={seconds > 0 ? t('events.live.downRetryIn', { seconds }) : t('events.live.reconnecting')}
        action={
          <Button size="small" onClick={() => connection.reconnectNow()}>
            {t('events.live.reconnectNow')}
          </Button>
        }
      />
    );
  }
  if (state.missed > 0) {
    return (
      <Alert
        className="live-banner"
        type="info"
        showIcon
        banner
        data-testid="live-banner-missed"
        title={t('events.live.missed', { count: state.missed })}
        action={
          <Button size="small" type="primary" onClick={() => connection.resync('missed')}>
            {t('events.live.reload')}
          </Button>
        }
      />
    );
  }
  return null;
}
