import { Tabs } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { vehiclesApi } from '../../api/vehicles.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import '../people/people.css';
import { OnCampusSummary } from './OnCampusSummary.tsx';
import { PassagesTab } from './PassagesTab.tsx';
import { VehicleListTab } from './VehicleListTab.tsx';
import './vehicles.css';
import { universitiesOf } from '../../app/org-index.ts';

type VehiclesTab = 'list' | 'passages';

/** 车辆: who is on campus now and today's gate traffic, the vehicle register, and the gate passages. */
export function VehiclesView() {
  const { t } = useTranslation();
  const { state } = useAuth();
  const { scope, tree } = useOrg();
  const cityWide = state.status === 'authenticated' && state.session.user.universityId === null;
  const universities = useMemo(() => (cityWide ? universitiesOf(tree) : null), [cityWide, tree]);
  const [params, setParams] = useSearchParams();
  const tab: VehiclesTab = params.get('tab') === 'passages' ? 'passages' : 'list';
  const [version, setVersion] = useState(0);
  const changed = useCallback(() => setVersion((v) => v + 1), []);
  // The passages' 5 s refresh reloads the summary too, not the (hidden) register.
  const [summaryTick, setSummaryTick] = useState(0);
  const tickSummary = useCallback(() => setSummaryTick((n) => n + 1), []);
  const summary = useApi((signal) => vehiclesApi.onCampus(signal), [version, summaryTick]);

  return (
    <div className="people-view vehicles-view" data-testid="vehicles-view">
      <OnCampusSummary data={summary.data} error={summary.error} onRetry={summary.reload} />
      <Tabs
        activeKey={tab}
        onChange={(key) =>
          setParams((p) => {
            const next = new URLSearchParams(p);
            if (key === 'passages') next.set('tab', 'passages');
            else next.delete('tab');
            return next;
          })
        }
        items={[
          {
            key: 'list',
            label: <span data-testid="vehicles-tab-list">{t('vehicles.tabList')}</span>,
            children: <VehicleListTab universities={universities} defaultUniversityId={scope.universityId ?? undefined} version={version} onChanged={changed} />,
          },
          // Rendered only while open, so its 5 s refresh runs only then.
          { key: 'passages', label: <span data-testid="vehicles-tab-passages">{t('vehicles.tabPassages')}</span>, children: tab === 'passages' ? <PassagesTab onTick={tickSummary} /> : null },
        ]}
      />
    </div>
  );
}
