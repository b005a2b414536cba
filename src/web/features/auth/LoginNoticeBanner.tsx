import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../components/format.ts';
import { useAuth } from './AuthProvider.tsx';

/**
 * Failed logins to this account since the user's last login: someone else may be guessing the
 * password, and the user must see it, not only the audit log. A banner under the menu (it covers
 * nothing) until the user closes it.
 */
export function LoginNoticeBanner() {
  const { t } = useTranslation();
  const { state, dismissNotice } = useAuth();
  const notice = state.status === 'authenticated' ? state.notice : null;
  if (!notice) return null;
  return (
    <Alert
      type="warning"
      showIcon
      closable={{ onClose: dismissNotice }}
      className="login-notice"
      data-testid="login-notice"
      title={t('auth.failedSinceLast', { count: notice.failedAttempts })}
      description={t('auth.failedSinceLastDetail', { at: formatDateTime(notice.lastFailedAt), ip: notice.lastFailedIp ?? '—' })}
    />
  );
}
