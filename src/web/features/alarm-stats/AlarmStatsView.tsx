import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, DatePicker, Empty, Row, Segmented, Select, Spin, Statistic, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceKind } from '../../../shared/domain.ts';
import { alarmStatsApi, type AlarmStats, type ShiftKey, type StatStep } from '../../api/alarm-stats.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import { dayOption, durationOption, hourOption, rankedBarOption } from './stats-charts.ts';
import { formatDuration, lastDays, percent, windowOf } from './stats-format.ts';
import { EChart } from '../../components/EChart.tsx';
import './alarm-stats.css';

const PRESETS = [7, 30, 90, 365] as const;
type AreaLevel = 'campus' | 'building';
type Device = AlarmStats['devices'][number];

/** 报警统计: counts by type, area, hour and day, handling times per shift, false alarms per device. */
export function AlarmStatsView() {
  const { t } = useTranslation();
  const { scope, index } = useOrg();
  const [range, setRange] = useState<[string, string]>(() => lastDays(30));
  const [campusId, setCampusId] = useState<string | undefined>(scope.campusId);
  const [areaLevel, setAreaLevel] = useState<AreaLevel>('building');
  const { data, error, loading, reload } = useApi((signal) => alarmStatsApi.get({ ...windowOf(range[0], range[1]), campusId, universityId: scope.universityId }, signal), [range[0], range[1], campusId, scope.universityId]);

  const campusOptions = useMemo(
    () => [...index.values()].filter((e) => e.kind === 'campus' && (!scope.universityId || e.parentId === scope.universityId)).map((c) => ({ value: c.id, label: c.name })),
    [index, scope.universityId],
  );

  const duration = (seconds: number | null): string => formatDuration(t, seconds);

  const charts = useMemo(() => {
    if (!data) return null;
    const shiftLabel = (k: ShiftKey) => t(`alarmStats.shift.${k}`);
    const hourLabel = (h: number) => t('alarmStats.hour', { h });
    const areaRows =
      areaLevel === 'campus'
        ? data.byCampus.map((c) => ({ label: c.name ?? t('alarmStats.area.noCampus'), count: c.count }))
        : data.byBuilding.map((b) => ({ label: `${b.campusName ?? t('alarmStats.area.noCampus')} / ${b.name ?? t('alarmStats.area.noBuilding')}`, count: b.count }));
    return {
      type: rankedBarOption(data.byType.map((x) => ({ label: t(`alarms.type.${x.type}`), count: x.count })), '#cf1322'),
      area: rankedBarOption(areaRows, '#d46b08'),
      hour: hourOption(
        data.byHour,
        data.durations.shifts.map((s) => ({ key: s.shift, label: shiftLabel(s.shift), fromHour: s.fromHour, toHour: s.toHour })),
        hourLabel,
      ),
      day: dayOption(data.byDay),
      durations: durationOption(data.durations, {
        step: (s: StatStep) => t(`alarmStats.step.${s}`),
        shift: shiftLabel,
        series: (shift, p) => t('alarmStats.series', { shift, p: p.toUpperCase() }),
        duration,
        count: (n) => t('alarmStats.count', { n }),
        unit: (u) => t(`alarmStats.unit.${u}`),
      }),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, areaLevel, t]);

  const deviceColumns = [
    { key: 'name', title: t('alarmStats.table.device'), render: (_: unknown, d: Device) => d.name ?? d.deviceId },
    { key: 'kind', title: t('alarmStats.table.kind'), render: (_: unknown, d: Device) => (d.kind ? t(`enum.deviceKind.${d.kind as DeviceKind}`) : t('common.empty')) },
    { key: 'alarms', title: t('alarmStats.table.alarms'), dataIndex: 'alarms', align: 'right' as const },
    { key: 'falseAlarms', title: t('alarmStats.table.falseAlarms'), dataIndex: 'falseAlarms', align: 'right' as const },
    { key: 'rate', title: t('alarmStats.table.rate'), align: 'right' as const, render: (_: unknown, d: Device) => `${percent(d.rate)}%` },
  ];

  const overall = data?.durations.overall;
  const kpis = data && overall && [
    { key: 'total', title: t('alarmStats.kpi.total'), value: String(data.totals.alarms), raw: data.totals.alarms, hint: t('alarmStats.kpi.open', { n: data.totals.open }) },
    { key: 'false-rate', title: t('alarmStats.kpi.falseRate'), value: `${percent(data.totals.falseAlarmRate)}%`, raw: data.totals.falseAlarmRate, hint: t('alarmStats.kpi.falseAlarms', { n: data.totals.falseAlarms }) },
    { key: 'ack-p50', title: t('alarmStats.kpi.ackP50'), value: duration(overall.acknowledge.p50), raw: overall.acknowledge.p50, hint: t('alarmStats.kpi.reached', { n: overall.acknowledge.count }) },
    { key: 'close-p50', title: t('alarmStats.kpi.closeP50'), value: duration(overall.close.p50), raw: overall.close.p50, hint: t('alarmStats.kpi.reached', { n: overall.close.count }) },
  ];

  return (
    <div className="alarm-stats-view" data-testid="alarm-stats-view">
      <div className="view-toolbar">
        <Typography.Title level={5} className="alarm-stats-title">
          {t('alarmStats.title')}
        </Typography.Title>
        <DatePicker.RangePicker
          allowClear={false}
          value={[dayjs(range[0]), dayjs(range[1])]}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])}
          presets={PRESETS.map((n) => {
            const [a, b] = lastDays(n);
            return { label: t('alarmStats.lastDays', { n }), value: [dayjs(a), dayjs(b)] as [Dayjs, Dayjs] };
          })}
          data-testid="alarm-stats-range"
        />
        <Select<string>
          allowClear
          className="alarm-stats-campus"
          placeholder={t('alarmStats.allCampuses')}
          value={campusId}
          onChange={(v) => setCampusId(v ?? undefined)}
          options={campusOptions}
          data-testid="alarm-stats-campus"
        />
        <Button icon={<ReloadOutlined />} onClick={reload}>
          {t('common.refresh')}
        </Button>
        <span className="view-toolbar-spacer" />
        {loading && <Spin size="small" />}
      </div>
      <Typography.Paragraph type="secondary" className="alarm-stats-note">
        {t('alarmStats.note')}
      </Typography.Paragraph>
      {error && <ErrorAlert error={error} title={t('alarmStats.loadFailed')} onRetry={reload} />}
      {kpis && (
        <Row gutter={[12, 12]} className="alarm-stats-kpis">
          {kpis.map((k) => (
            <Col key={k.key} xs={12} xl={6}>
              <Card size="small" data-testid={`kpi-${k.key}`} data-value={k.raw ?? ''}>
                <Statistic title={k.title} value={k.value} />
                <Typography.Text type="secondary" className="alarm-stats-hint">
                  {k.hint}
                </Typography.Text>
              </Card>
            </Col>
          ))}
        </Row>
      )}
      {data && charts && (
        <Row gutter={[12, 12]}>
          <Col xs={24} xl={12}>
            <Card size="small" title={t('alarmStats.chart.byType')}>
              {data.byType.length ? <EChart className="alarm-stats-chart" option={charts.type} testId="chart-by-type" height={280} /> : <Empty description={t('alarmStats.empty')} />}
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card
              size="small"
              title={t('alarmStats.chart.byArea')}
              extra={
                <Segmented<AreaLevel>
                  size="small"
                  value={areaLevel}
                  onChange={setAreaLevel}
                  options={(['building', 'campus'] as const).map((v) => ({ value: v, label: t(`alarmStats.area.${v}`) }))}
                />
              }
            >
              {data.byCampus.length ? <EChart className="alarm-stats-chart" option={charts.area} testId="chart-by-area" height={280} /> : <Empty description={t('alarmStats.empty')} />}
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={t('alarmStats.chart.byHour')}>
              <EChart className="alarm-stats-chart" option={charts.hour} testId="chart-by-hour" height={280} />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={t('alarmStats.chart.byDay')}>
              <EChart className="alarm-stats-chart" option={charts.day} testId="chart-by-day" height={280} />
            </Card>
          </Col>
          <Col xs={24} xl={14}>
            <Card size="small" title={t('alarmStats.chart.durations')}>
              <EChart className="alarm-stats-chart" option={charts.durations} testId="chart-durations" height={320} />
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Card size="small" title={t('alarmStats.chart.devices')}>
              <Table<Device>
                size="small"
                rowKey="deviceId"
                columns={deviceColumns}
                dataSource={data.devices}
                pagination={false}
                scroll={{ y: 280 }}
                locale={{ emptyText: t('alarmStats.noFalseAlarms') }}
                data-testid="false-alarm-devices"
              />
            </Card>
          </Col>
        </Row>
      )}
    </div>
  );
}
