import { LogoutOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Layout, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth, useSession } from '../features/auth/AuthProvider.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export function AppHeader() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { logout } = useAuth();
  return (
    <Layout.Header className="app-header">
      <div className="app-brand">
        <SafetyCertificateOutlined className="app-logo" />
        <span className="app-name">{t('app.name')}</span>
        <span className="app-fullname">{t('app.fullName')}</span>
      </div>
      <Space size="middle">
        <Typography.Text className="app-user" data-testid="current-user">
          <UserOutlined /> {user.displayName}
          <span className="app-role">{t(`enum.role.${user.role}`)}</span>
        </Typography.Text>
        <LanguageSwitch />
        <Button type="text" className="header-button" icon={<LogoutOutlined />} onClick={() => void logout()} data-testid="logout">
          {t('header.logout')}
        </Button>
      </Space>
    </Layout.Header>
  );
}
