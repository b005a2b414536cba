import { AlertOutlined, ApartmentOutlined, AuditOutlined, BarChartOutlined, BellOutlined, CalendarOutlined, CarOutlined, DatabaseOutlined, EnvironmentOutlined, FlagOutlined, IdcardOutlined, InboxOutlined, KeyOutlined, LineChartOutlined, NodeIndexOutlined, SafetyCertificateOutlined, TeamOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { Menu } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useAuth } from '../features/auth/AuthProvider.tsx';

/**
 * 地图 · 设备台账 · 出入管理 (人员, 车辆, 门禁权限, 访客, 轨迹查询) · 电视墙 · 报警处置 · 事件流 · 报警管理 (统计, 联动规则, 巡更, 值班) · 设备运维 (在线率, 死信) · 合规评估 · 审计日志,
 * each only with its permission. Less frequent pages sit in groups so the bar fits a 1280 px screen (an
 * overflowing bar folds its last entries into a "…" menu).
 */
export function NavMenu() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const item = (key: string, icon: ReactNode, testId: string, label: string) => ({ key, icon, label: <span data-testid={testId}>{label}</span> });
  const group = (key: string, icon: ReactNode, testId: string, label: string, children: ReturnType<typeof item>[]) =>
    children.length ? [{ key, icon, label: <span data-testid={testId}>{label}</span>, children }] : [];
  const items = [
    item('/map', <EnvironmentOutlined />, 'nav-map', t('nav.map')),
    item('/ledger', <DatabaseOutlined />, 'nav-ledger', t('nav.ledger')),
    ...group('entrances', <TeamOutlined />, 'nav-group-entrance', t('nav.entranceGroup'), [
      ...(can('person.read') ? [item('/people', <TeamOutlined />, 'nav-people', t('nav.people'))] : []),
      ...(can('vehicle.read') ? [item('/vehicles', <CarOutlined />, 'nav-vehicles', t('nav.vehicles'))] : []),
      ...(can('access.read') ? [item('/access', <KeyOutlined />, 'nav-access', t('nav.access'))] : []),
      ...(can('visitor.read') ? [item('/visitors', <IdcardOutlined />, 'nav-visitors', t('nav.visitors'))] : []),
      ...(can('trajectory.read') ? [item('/trajectory', <NodeIndexOutlined />, 'nav-trajectory', t('nav.trajectory'))] : []),
    ]),
    ...(can('video.view') ? [item('/video', <VideoCameraOutlined />, 'nav-video', t('video.wall.nav'))] : []),
    ...(can('alarm.read') ? [item('/alarms', <BellOutlined />, 'nav-alarms', t('alarms.nav'))] : []),
    ...(can('event.read') ? [item('/events', <AlertOutlined />, 'nav-events', t('events.nav'))] : []),
    ...group('alarm-admin', <BarChartOutlined />, 'nav-group-alarm', t('nav.alarmGroup'), [
      ...(can('alarm.read') ? [item('/alarm-stats', <BarChartOutlined />, 'nav-alarm-stats', t('alarmStats.nav'))] : []),
      ...(can('rule.read') ? [item('/rules', <ApartmentOutlined />, 'nav-rules', t('rules.nav'))] : []),
      ...(can('patrol.read') ? [item('/patrol', <FlagOutlined />, 'nav-patrol', t('nav.patrol'))] : []),
      ...(can('duty.read') ? [item('/duty', <CalendarOutlined />, 'nav-duty', t('duty.nav'))] : []),
    ]),
    ...group('device-ops', <LineChartOutlined />, 'nav-group-device', t('nav.deviceOps'), [
      ...(can('device.read')
        ? [item('/device-health', <LineChartOutlined />, 'nav-device-health', t('health.nav')), item('/dead-letters', <InboxOutlined />, 'nav-dead-letters', t('deadLetters.nav'))]
        : []),
    ]),
    ...(can('compliance.read') ? [item('/compliance', <SafetyCertificateOutlined />, 'nav-compliance', t('compliance.nav'))] : []),
    ...(can('audit.read') ? [item('/audit', <AuditOutlined />, 'nav-audit', t('nav.audit'))] : []),
  ];
  const leaves = items.flatMap((i) => ('children' in i ? (i.children as { key: string }[]) : [i]));
  const selected = leaves.find((i) => pathname.startsWith(i.key))?.key;
  // forceSubMenuRender: grouped pages are in the DOM (hidden) before the group is first opened.
  return <Menu mode="horizontal" className="app-nav" items={items} selectedKeys={selected ? [selected] : []} onClick={({ key }) => navigate(key)} forceSubMenuRender />;
}
