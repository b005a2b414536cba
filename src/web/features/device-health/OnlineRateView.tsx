import { Empty, Segmented, Select, Spin, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { healthApi } from '../../api/events.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import { rateSeries } from './online-rate.ts';
import { OnlineRateChart } from './OnlineRateChart.tsx';
import './device-health.css';

const RANGES = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30 } as const;
type Range = keyof typeof RANGES;

/** 设备在线率: the share of in-service devices online, per kind, sampled every 5 minutes. */
export function OnlineRateView() {
  const { t } = useTranslation();
  const { scope, index } = useOrg();
  const [range, setRange] = useState<Range>('24h');
  const [campusId, setCampusId] = useState<string | undefined>(scope.campusId);
  const { data, error, loading, reload } = useApi(
    (signal) => {
      const to = dayjs();
      return healthApi.onlineRate({ from: to.subtract(RANGES[range], 'hour').toISOString(), to: to.add(1, 'minute').toISOString(), universityId: scope.universityId, campusId }, signal);
    },
    [range, campusId, scope.universityId],
  );
  const series = useMemo(() => rateSeries(data ?? [], campusId), [data, campusId]);
  const campusOptions = useMemo(
    () => [...index.values()].filter((e) => e.kind === 'campus' && (!scope.universityId || e.parentId === scope.universityId)).map((c) => ({ value: c.id, label: c.name })),
    [index, scope.universityId],
  );
  const overall = series.find((s) => s.key === 'all');
  const latest = overall?.points.filter((p) => p[1] !== null).pop();

  return (
    <div className="online-rate-view" data-testid="online-rate-view">
      <div className="view-toolbar">
        <Typography.Title level={5} className="online-rate-title">
          {t('health.onlineRate')}
        </Typography.Title>
        <Select<string> allowClear className="online-rate-campus" placeholder={t('events.filter.campus')} value={campusId} onChange={(v) => setCampusId(v ?? undefined)} options={campusOptions} />
        <Segmented<Range> value={range} onChange={setRange} options={(Object.keys(RANGES) as Range[]).map((r) => ({ value: r, label: t(`health.range.${r}`) }))} />
        <span className="view-toolbar-spacer" />
        {loading && <Spin size="small" />}
        {latest && (
          <Typography.Text data-testid="online-rate-latest">
            {t('health.latestRate', { rate: latest[1], total: overall?.total ?? 0 })}
          </Typography.Text>
        )}
      </div>
      <Typography.Paragraph type="secondary" className="online-rate-note">
        {t('health.onlineRateNote')}
      </Typography.Paragraph>
      {error && <ErrorAlert error={error} title={t('health.loadFailed')} onRetry={reload} />}
      <div className="online-rate-body">
        {!loading && !series.length ? <Empty description={t('health.noSamples')} /> : <OnlineRateChart series={series} />}
      </div>
    </div>
  );
}
