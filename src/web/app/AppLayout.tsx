import { Layout } from 'antd';
import { Outlet } from 'react-router';
import { LoginNoticeBanner } from '../features/auth/LoginNoticeBanner.tsx';
import { LiveBanner } from '../live/LiveBanner.tsx';
import { LiveIndicator } from '../live/LiveIndicator.tsx';
import { LiveProvider } from '../live/LiveProvider.tsx';
import { AppHeader } from './AppHeader.tsx';
import { NavMenu } from './NavMenu.tsx';
import { OrgProvider } from './OrgContext.tsx';
import { OrgTreePanel } from './OrgTreePanel.tsx';
import { ScopeBar } from './ScopeBar.tsx';

/**
 * Header on top, organization tree on the left, the menu and the current view on the right;
 * one live connection (events, device status) for the whole session.
 */
export function AppLayout() {
  return (
    <LiveProvider>
      <OrgProvider>
        <Layout className="app-layout">
          <AppHeader />
          <Layout>
            <Layout.Sider width={260} theme="light" className="app-sider">
              <OrgTreePanel />
            </Layout.Sider>
            <Layout.Content className="app-content">
              <div className="app-nav-bar">
                <NavMenu />
                <ScopeBar />
                <LiveIndicator />
              </div>
              <LoginNoticeBanner />
              <LiveBanner />
              <div className="app-view">
                <Outlet />
              </div>
            </Layout.Content>
          </Layout>
        </Layout>
      </OrgProvider>
    </LiveProvider>
  );
}
