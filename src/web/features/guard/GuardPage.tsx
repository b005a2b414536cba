import { AimOutlined, IdcardOutlined, LogoutOutlined } from '@ant-design/icons';
import { Button, Empty, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { LanguageSwitch } from '../../app/LanguageSwitch.tsx';
import { useAuth, useSession } from '../auth/AuthProvider.tsx';
import { GuardDispatchCard } from './GuardDispatchCard.tsx';
import { GuardPatrol } from './GuardPatrol.tsx';
import { useGeolocationSharing } from './useGeolocation.ts';
import { useMyDispatches } from './useMyDispatches.ts';
import './guard.css';

const SHARING_COLORS = { on: 'green', starting: 'default', denied: 'red', unsupported: 'default', error: 'orange' } as const;

/** The guard's phone page: my dispatches (newest first), location sharing, one big button per step; then the patrol (巡更). */
export function GuardPage() {
  const { t } = useTranslation();
  const { logout, can } = useAuth();
  const { user } = useSession();
  const sharing = useGeolocationSharing();
  const mine = useMyDispatches();
  return (
    <div className="guard-page" data-testid="guard-page">
      <header className="guard-header">
        <div>
          <Typography.Text strong className="guard-brand">
            {t('guard.title')}
          </Typography.Text>
          <div className="guard-user">{user.displayName}</div>
        </div>
        <div className="guard-header-tools">
          {/* Guards at a gatehouse check visitors in and out on the visitors' phone page. */}
          {can('visitor.write') && (
            <Link to="/visitors/phone?tab=gate" data-testid="guard-visitors">
              <Button type="text" icon={<IdcardOutlined />}>
                {t('visitors.phoneLink')}
              </Button>
            </Link>
          )}
          <LanguageSwitch />
          <Button type="text" icon={<LogoutOutlined />} onClick={() => void logout()} aria-label={t('header.logout')} />
        </div>
      </header>
      <div className="guard-location" data-testid="guard-location" data-state={sharing.state}>
        <AimOutlined /> <Tag color={SHARING_COLORS[sharing.state]}>{t(`guard.sharing.${sharing.state}`)}</Tag>
      </div>
      {mine.error && <ErrorAlert error={mine.error} onRetry={mine.reload} />}
      {mine.loading && !mine.items.length ? (
        <Spin className="view-spin" />
      ) : mine.items.length ? (
        <div className="guard-list">
          {mine.items.map((d) => (
            <GuardDispatchCard key={d.id} dispatch={d} onChanged={mine.reload} />
          ))}
        </div>
      ) : (
        <Empty description={t('guard.none')} />
      )}
      {/* 巡更: the guard's tours, 扫码打卡 and 定位打卡. */}
      {can('patrol.checkin') && <GuardPatrol position={sharing.position} />}
    </div>
  );
}
