import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { OnCampusPanel } from './OnCampusPanel.tsx';
import { TrajectoryQueryPanel } from './TrajectoryQueryPanel.tsx';
import './trajectory.css';

/** 轨迹查询 (全程可溯) and 在校人数, under 出入管理. */
export function TrajectoryView() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'now' ? 'now' : 'query';
  return (
    <div className="trajectory-view" data-testid="trajectory-view">
      <Tabs
        activeKey={tab}
        onChange={(key) =>
          setParams((p) => {
            const next = new URLSearchParams(p);
            if (key === 'now') next.set('tab', 'now');
            else next.delete('tab');
            return next;
          })
        }
        items={[
          // Kept mounted: a query and its playback survive a look at the other tab.
          { key: 'query', label: <span data-testid="trajectory-tab-query">{t('trajectory.tabQuery')}</span>, children: <TrajectoryQueryPanel /> },
          { key: 'now', label: <span data-testid="trajectory-tab-now">{t('trajectory.tabNow')}</span>, children: tab === 'now' ? <OnCampusPanel /> : null },
        ]}
      />
    </div>
  );
}
