import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useAuth } from '../auth/AuthProvider.tsx';
import { CertificatesTab } from './CertificatesTab.tsx';
import { DutyStatsTab } from './DutyStatsTab.tsx';
import { HandoverTab } from './HandoverTab.tsx';
import { PostsTab } from './PostsTab.tsx';
import { RosterTab } from './RosterTab.tsx';
import { SwapsTab } from './SwapsTab.tsx';
import { TrainingTab } from './TrainingTab.tsx';
import './duty.css';

/**
 * 值班: the month's roster per post (排班), the command centre's handover (交接班), swaps (换班审批),
 * statistics (值班统计), the operators' certificates (上岗证), the posts (岗位), and training and drills (培训与演练).
 */
export function DutyView() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const { can } = useAuth();
  const TABS = ['handover', 'certificates', 'posts', 'swaps', 'stats', 'training'];
  const tab = TABS.includes(params.get('tab') ?? '') ? params.get('tab')! : 'roster';
  return (
    <div className="duty-view" data-testid="duty-view">
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'roster' ? {} : { tab: key }, { replace: true })}
        items={[
          { key: 'roster', label: <span data-testid="duty-tab-roster">{t('duty.roster')}</span>, children: <RosterTab /> },
          { key: 'handover', label: <span data-testid="duty-tab-handover">{t('duty.handover.tab')}</span>, children: <HandoverTab /> },
          ...(can('duty.swap') ? [{ key: 'swaps', label: <span data-testid="duty-tab-swaps">{t('dutySwaps.tab')}</span>, children: <SwapsTab /> }] : []),
          { key: 'stats', label: <span data-testid="duty-tab-stats">{t('dutyStats.tab')}</span>, children: <DutyStatsTab /> },
          { key: 'certificates', label: <span data-testid="duty-tab-certificates">{t('duty.certificates')}</span>, children: <CertificatesTab /> },
          { key: 'posts', label: <span data-testid="duty-tab-posts">{t('duty.posts')}</span>, children: <PostsTab /> },
          ...(can('training.read') ? [{ key: 'training', label: <span data-testid="duty-tab-training">{t('duty.training.tab')}</span>, children: <TrainingTab /> }] : []),
        ]}
      />
    </div>
  );
}
