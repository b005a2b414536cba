import { Card, Empty, Space, Statistic, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { beijingDate } from '../../../shared/beijing-time.ts';
import { serverNow } from '../../api/client.ts';
import { trajectoryApi, type GateTraffic } from '../../api/trajectory.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { EChart, type ChartOption } from '../../components/EChart.tsx';
import { useUniversityOfScope } from '../../app/useUniversityOfScope.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import { translateDynamic } from '../../i18n/index.ts';

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Stacked bars: each entrance's entries and exits per Beijing hour of the day. */
function hoursOption(rows: GateTraffic['people'], inLabel: string, outLabel: string, hourLabel: (h: number) => string): ChartOption {
  const gates = [...new Set(rows.map((r) => r.deviceName))];
  const cell = new Map(rows.map((r) => [`${r.deviceName}\n${r.hour}`, r]));
  return {
    tooltip: { trigger: 'axis', confine: true },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 24 },
    xAxis: { type: 'category', data: HOURS.map(hourLabel) },
    yAxis: { type: 'value', minInterval: 1 },
    series: gates.flatMap((g) => [
      { name: `${g} ${inLabel}`, type: 'bar', stack: 'in', data: HOURS.map((h) => cell.get(`${g}\n${h}`)?.in ?? 0) },
      { name: `${g} ${outLabel}`, type: 'bar', stack: 'out', data: HOURS.map((h) => cell.get(`${g}\n${h}`)?.out ?? 0) },
    ]),
  };
}

/** 在校人数: people and vehicles on campus now, and each entrance's entries and exits per hour of a day. */
export function OnCampusPanel() {
  const { t } = useTranslation();
  const [date, setDate] = useState<string>(() => beijingDate(serverNow()));
  const universityId = useUniversityOfScope();
  const now = useApi((signal) => trajectoryApi.onCampus(universityId, signal), [universityId]);
  const traffic = useApi((signal) => trajectoryApi.gateTraffic(date, universityId, signal), [date, universityId]);
  const inLabel = t('trajectory.now.in');
  const outLabel = t('trajectory.now.out');
  const hourLabel = useMemo(() => (hour: number) => t('trajectory.now.hour', { hour }), [t]);
  const peopleOption = useMemo(() => hoursOption(traffic.data?.people ?? [], inLabel, outLabel, hourLabel), [traffic.data, inLabel, outLabel, hourLabel]);
  const vehicleOption = useMemo(() => hoursOption(traffic.data?.vehicles ?? [], inLabel, outLabel, hourLabel), [traffic.data, inLabel, outLabel, hourLabel]);

  return (
    <div className="trajectory-now" data-testid="trajectory-now">
      {now.error && <ErrorAlert error={now.error} title={t('trajectory.now.loadFailed')} onRetry={now.reload} />}
      <div className="trajectory-now-cards">
        <Card size="small">
          <Statistic title={t('trajectory.now.people')} value={now.data?.people.inside ?? 0} suffix={t('trajectory.now.peopleUnit')} loading={!now.data} data-testid="now-people" />
          <Space wrap size={4} className="trajectory-now-tags">
            {Object.entries(now.data?.people.byKind ?? {}).map(([kind, n]) => (
              <Tag key={kind}>
                {kind === 'unknown' ? t('trajectory.now.unknownKind') : translateDynamic(`enum.personKind.${kind}`, kind)} {n}
              </Tag>
            ))}
          </Space>
          <Typography.Text type="secondary" className="trajectory-now-hint">
            {t('trajectory.now.peopleHint')}
          </Typography.Text>
        </Card>
        <Card size="small">
          <Statistic title={t('trajectory.now.vehicles')} value={now.data?.vehicles.inside ?? 0} suffix={t('trajectory.now.vehicleUnit')} loading={!now.data} data-testid="now-vehicles" />
          <Space wrap size={4} className="trajectory-now-tags">
            {Object.entries(now.data?.vehicles.byList ?? {}).map(([list, n]) => (
              <Tag key={list}>
                {translateDynamic(`vehicles.list.${list}`, list)} {n}
              </Tag>
            ))}
          </Space>
        </Card>
      </div>
      <Card
        size="small"
        title={t('trajectory.now.perGate')}
        extra={
          <Space>
            {t('trajectory.now.date')}
            <DateInput value={date} onChange={(d) => d && setDate(d)} disabledFuture />
          </Space>
        }
      >
        {traffic.error && <ErrorAlert error={traffic.error} onRetry={traffic.reload} />}
        <Typography.Title level={5}>{t('trajectory.now.peopleChart')}</Typography.Title>
        {traffic.data && !traffic.data.people.length ? <Empty description={t('trajectory.now.none')} /> : <EChart option={peopleOption} testId="gate-hours-people" className="trajectory-chart" height={260} />}
        <Typography.Title level={5}>{t('trajectory.now.vehicleChart')}</Typography.Title>
        {traffic.data && !traffic.data.vehicles.length ? <Empty description={t('trajectory.now.none')} /> : <EChart option={vehicleOption} testId="gate-hours-vehicles" className="trajectory-chart" height={260} />}
      </Card>
    </div>
  );
}
