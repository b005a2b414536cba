import { Layout } from 'antd';
import { Outlet } from 'react-router';
import { AppHeader } from './AppHeader.tsx';
import { NavMenu } from './NavMenu.tsx';
import { OrgProvider } from './OrgContext.tsx';
import { OrgTreePanel } from './OrgTreePanel.tsx';
import { ScopeBar } from './ScopeBar.tsx';

/** Header on top, organization tree on the left, the menu and the current view on the right. */
export function AppLayout() {
  return (
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
            </div>
            <div className="app-view">
              <Outlet />
            </div>
          </Layout.Content>
        </Layout>
      </Layout>
    </OrgProvider>
  );
}
