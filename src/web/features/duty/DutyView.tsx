import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { CertificatesTab } from './CertificatesTab.tsx';
import { RosterTab } from './RosterTab.tsx';
import './duty.css';

/** 值班: the month's roster per post (排班) and the operators' certificates (上岗证). */
export function DutyView() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'certificates' ? 'certificates' : 'roster';
  return (
    <div className="duty-view" data-testid="duty-view">
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'roster' ? {} : { tab: key }, { replace: true })}
        items={[
          { key: 'roster', label: <span data-testid="duty-tab-roster">{t('duty.roster')}</span>, children: <RosterTab /> },
          { key: 'certificates', label: <span data-testid="duty-tab-certificates">{t('duty.certificates')}</span>, children: <CertificatesTab /> },
        ]}
      />
    </div>
  );
}
