import { AuditOutlined, DatabaseOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useAuth } from '../features/auth/AuthProvider.tsx';

/** 地图 · 设备台账 · 审计日志 (the last only with audit.read). */
export function NavMenu() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const items = [
    { key: '/map', icon: <EnvironmentOutlined />, label: <span data-testid="nav-map">{t('nav.map')}</span> },
    { key: '/ledger', icon: <DatabaseOutlined />, label: <span data-testid="nav-ledger">{t('nav.ledger')}</span> },
    ...(can('audit.read') ? [{ key: '/audit', icon: <AuditOutlined />, label: <span data-testid="nav-audit">{t('nav.audit')}</span> }] : []),
  ];
  const selected = items.find((i) => pathname.startsWith(i.key))?.key;
  return <Menu mode="horizontal" className="app-nav" items={items} selectedKeys={selected ? [selected] : []} onClick={({ key }) => navigate(key)} />;
}
