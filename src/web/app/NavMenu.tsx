import { AlertOutlined, ApartmentOutlined, AuditOutlined, BarChartOutlined, BellOutlined, DatabaseOutlined, EnvironmentOutlined, InboxOutlined, LineChartOutlined } from '@ant-design/icons';
import { Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useAuth } from '../features/auth/AuthProvider.tsx';

/** 地图 · 设备台账 · 事件流 · 死信 · 设备在线率 · 审计日志, each only with its permission. */
export function NavMenu() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const items = [
    { key: '/map', icon: <EnvironmentOutlined />, label: <span data-testid="nav-map">{t('nav.map')}</span> },
    { key: '/ledger', icon: <DatabaseOutlined />, label: <span data-testid="nav-ledger">{t('nav.ledger')}</span> },
    ...(can('alarm.read') ? [{ key: '/alarms', icon: <BellOutlined />, label: <span data-testid="nav-alarms">{t('alarms.nav')}</span> }] : []),
    ...(can('alarm.read') ? [{ key: '/alarm-stats', icon: <BarChartOutlined />, label: <span data-testid="nav-alarm-stats">{t('alarmStats.nav')}</span> }] : []),
    ...(can('rule.read') ? [{ key: '/rules', icon: <ApartmentOutlined />, label: <span data-testid="nav-rules">{t('rules.nav')}</span> }] : []),
    ...(can('event.read') ? [{ key: '/events', icon: <AlertOutlined />, label: <span data-testid="nav-events">{t('events.nav')}</span> }] : []),
    ...(can('device.read')
      ? [
          { key: '/dead-letters', icon: <InboxOutlined />, label: <span data-testid="nav-dead-letters">{t('deadLetters.nav')}</span> },
          { key: '/device-health', icon: <LineChartOutlined />, label: <span data-testid="nav-device-health">{t('health.nav')}</span> },
        ]
      : []),
    ...(can('audit.read') ? [{ key: '/audit', icon: <AuditOutlined />, label: <span data-testid="nav-audit">{t('nav.audit')}</span> }] : []),
  ];
  const selected = items.find((i) => pathname.startsWith(i.key))?.key;
  return <Menu mode="horizontal" className="app-nav" items={items} selectedKeys={selected ? [selected] : []} onClick={({ key }) => navigate(key)} />;
}
