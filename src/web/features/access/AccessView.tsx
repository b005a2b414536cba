import { Tabs, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { accessApi } from '../../api/access.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { universitiesOf } from '../../app/org-index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import '../people/people.css';
import { AccessCheckPanel } from './AccessCheckPanel.tsx';
import { AccessDoorsTab } from './AccessDoorsTab.tsx';
import { AccessGroupsTab } from './AccessGroupsTab.tsx';
import './access.css';

type AccessTab = 'groups' | 'doors';

/** 门禁权限: access groups, the doors with how they decide and their lists, and 模拟刷卡. */
export function AccessView() {
  const { t } = useTranslation();
  const { state } = useAuth();
  const { scope, tree } = useOrg();
  const cityWide = state.status === 'authenticated' && state.session.user.universityId === null;
  const universities = useMemo(() => (cityWide ? universitiesOf(tree) : null), [cityWide, tree]);
  // A city-wide account looks at the university chosen in the scope bar (or the first).
  const universityId = cityWide ? (scope.universityId ?? universities?.[0]?.id) : undefined;
  const [params, setParams] = useSearchParams();
  const tab: AccessTab = params.get('tab') === 'doors' ? 'doors' : 'groups';
  const [version, setVersion] = useState(0);
  const changed = useCallback(() => setVersion((v) => v + 1), []);
  const doors = useApi((signal) => (cityWide && !universityId ? Promise.resolve([]) : accessApi.doors(universityId, signal)), [universityId, version]);
  const groups = useApi((signal) => (cityWide && !universityId ? Promise.resolve([]) : accessApi.groups(universityId, signal)), [universityId, version]);

  return (
    <div className="people-view access-view" data-testid="access-view">
      <Typography.Paragraph type="secondary" className="access-intro">
        {t('access.intro')}
      </Typography.Paragraph>
      {(doors.error || groups.error) && <ErrorAlert title={t('access.loadFailed')} error={doors.error ?? groups.error} onRetry={() => (doors.reload(), groups.reload())} />}
      <AccessCheckPanel doors={doors.data ?? []} loading={doors.loading} />
      <Tabs
        activeKey={tab}
        onChange={(key) =>
          setParams((p) => {
            const next = new URLSearchParams(p);
            if (key === 'doors') next.set('tab', 'doors');
            else next.delete('tab');
            return next;
          })
        }
        items={[
          {
            key: 'groups',
            label: <span data-testid="access-tab-groups">{t('access.tabGroups')}</span>,
            children: <AccessGroupsTab groups={groups.data ?? null} loading={groups.loading} doors={doors.data ?? []} universityId={universityId} universities={universities} onChanged={changed} />,
          },
          {
            key: 'doors',
            label: <span data-testid="access-tab-doors">{t('access.tabDoors')}</span>,
            children: <AccessDoorsTab doors={doors.data ?? null} loading={doors.loading} onChanged={changed} />,
          },
        ]}
      />
    </div>
  );
}
