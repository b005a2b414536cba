import { Alert, Card, Col, DatePicker, Empty, Row, Segmented, Spin, Statistic, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dutyStatsApi, type DutyStats, type ResponseTimes } from '../../api/duty-stats.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { EChart } from '../../components/EChart.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { formatDuration } from '../alarm-stats/stats-format.ts';
import { coverageOption, patrolOption, responseOption } from './duty-stats-charts.ts';
import { gapText } from './duty-format.ts';

type PatrolLine = DutyStats['patrol']['routes'][number];
type Person = DutyStats['certification']['people'][number];
type ShiftRow = DutyStats['response']['shifts'][number];
type OperatorRow = DutyStats['response']['operators'][number];

/**
 * 值班统计: a month of one university — command-centre coverage by the published roster, the
 * certification of the people on those posts, patrol completion, alarm response per shift and
 * per operator, and training hours (无数据 until the training module is connected).
 */
export function DutyStatsTab() {
  const { t } = useTranslation();
  const { scope } = useOrg();
  const [month, setMonth] = useState(() => dayjs().format('YYYY-MM'));
  const [patrolBy, setPatrolBy] = useState<'routes' | 'guards'>('routes');
  const { data, error, loading } = useApi((signal) => dutyStatsApi.get(month, scope.universityId, signal), [month, scope.universityId]);

  const duration = (seconds: number | null): string => formatDuration(t, seconds);
  const pct = (v: number | null) => (v === null ? t('dutyStats.noData') : `${v}%`);
  const hours = (h: number) => t('duty.hours', { count: h });

  const charts = useMemo(() => {
    if (!data) return null;
    return {
      coverage: coverageOption(data.coverage.posts.map((p) => ({ label: p.postName, pct: p.pct ?? 0 }))),
      response: responseOption(
        data.response.shifts.map((s) => ({ label: `${s.name} ${s.start}–${s.end}`, times: s })),
        { ack50: t('dutyStats.response.seriesAck50'), ack90: t('dutyStats.response.seriesAck90'), arrive50: t('dutyStats.response.seriesArrive50'), close50: t('dutyStats.response.seriesClose50'), unit: t('dutyStats.response.unit') },
      ),
      patrol: patrolOption((patrolBy === 'routes' ? data.patrol.routes : data.patrol.guards).map((l) => ({ label: l.name ?? t('dutyStats.patrol.nobody'), pct: l.pct ?? 0 }))),
    };
  }, [data, patrolBy, t]);

  if (!data && loading) return <Spin />;
  if (error) return <ErrorAlert error={error} />;
  if (!data) return null;
  if (data.universityId === null) return <Empty description={t('duty.pickUniversity')} />;

  const timesColumns = [
    { key: 'alarms', title: t('dutyStats.response.alarms'), align: 'right' as const, render: (_: unknown, r: ResponseTimes) => r.alarms },
    ...(['acknowledge', 'arrive', 'close'] as const).flatMap((step) => {
      const head = t(`dutyStats.response.${step === 'acknowledge' ? 'ack' : step}`);
      return [
        { key: `${step}50`, title: `${head} ${t('dutyStats.response.p50')}`, align: 'right' as const, render: (_: unknown, r: ResponseTimes) => duration(r[step].p50) },
        { key: `${step}90`, title: `${head} ${t('dutyStats.response.p90')}`, align: 'right' as const, render: (_: unknown, r: ResponseTimes) => duration(r[step].p90) },
      ];
    }),
  ];
  const patrolColumns = [
    { key: 'name', title: t(patrolBy === 'routes' ? 'dutyStats.patrol.route' : 'dutyStats.patrol.guard'), render: (_: unknown, l: PatrolLine) => l.name ?? <span className="duty-muted">{t('dutyStats.patrol.nobody')}</span> },
    { key: 'due', title: t('dutyStats.patrol.due'), dataIndex: 'due', align: 'right' as const },
    { key: 'onTime', title: t('dutyStats.patrol.onTime'), dataIndex: 'onTime', align: 'right' as const },
    { key: 'late', title: t('dutyStats.patrol.late'), dataIndex: 'late', align: 'right' as const },
    { key: 'missed', title: t('dutyStats.patrol.missed'), align: 'right' as const, render: (_: unknown, l: PatrolLine) => (l.missed ? <Tag color="red">{l.missed}</Tag> : 0) },
    { key: 'pct', title: t('dutyStats.patrol.pct'), align: 'right' as const, render: (_: unknown, l: PatrolLine) => pct(l.pct) },
  ];
  const gaps = data.coverage.gaps;

  return (
    <div className="duty-stats" data-testid="duty-stats">
      <div className="duty-toolbar">
        <DatePicker picker="month" value={dayjs(`${month}-01`)} allowClear={false} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} data-testid="duty-stats-month" />
        <span className="duty-muted">{t('dutyStats.measuredTo', { at: formatDateTime(data.measuredTo) })}</span>
      </div>
      {!data.coverage.published && data.coverage.posts.length > 0 && <Alert type="warning" showIcon className="duty-gaps" message={t('dutyStats.kpi.draft')} />}

      <Row gutter={[12, 12]} className="duty-stats-kpis">
        <Col xs={24} sm={12} lg={8} xl={4} xxl={4} flex="1">
          <Card size="small" data-testid="duty-kpi-coverage">
            <Statistic title={t('dutyStats.kpi.coverage')} value={pct(data.coverage.pct)} />
            <div className="duty-muted">{t('dutyStats.kpi.coverageNote', { covered: data.coverage.coveredHours, required: data.coverage.requiredHours })}</div>
          </Card>
        </Col>
        <Col xs={24} sm={12} lg={8} xl={4} flex="1">
          <Card size="small" data-testid="duty-kpi-certification">
            <Statistic title={t('dutyStats.kpi.certification')} value={pct(data.certification.pct)} />
            <div className="duty-muted">{t('dutyStats.kpi.certificationNote', { certified: data.certification.certified, rostered: data.certification.rostered, expiring: data.certification.expiringSoon })}</div>
          </Card>
        </Col>
        <Col xs={24} sm={12} lg={8} xl={4} flex="1">
          <Card size="small" data-testid="duty-kpi-patrol">
            <Statistic title={t('dutyStats.kpi.patrol')} value={pct(data.patrol.pct)} />
            <div className="duty-muted">{t('dutyStats.kpi.patrolNote', { due: data.patrol.due, onTime: data.patrol.onTime, late: data.patrol.late, missed: data.patrol.missed })}</div>
          </Card>
        </Col>
        <Col xs={24} sm={12} lg={8} xl={4} flex="1">
          <Card size="small" data-testid="duty-kpi-ack">
            <Statistic title={t('dutyStats.kpi.ack')} value={data.response.total.acknowledge.count ? duration(data.response.total.acknowledge.p50) : t('dutyStats.noData')} />
            <div className="duty-muted">{t('dutyStats.kpi.ackNote', { alarms: data.response.total.alarms, p90: duration(data.response.total.acknowledge.p90) })}</div>
          </Card>
        </Col>
        <Col xs={24} sm={12} lg={8} xl={4} flex="1">
          <Card size="small" data-testid="duty-kpi-training">
            <Statistic title={t('dutyStats.kpi.training')} value={data.training.available && data.training.totalHours !== null ? t('dutyStats.kpi.trainingHours', { hours: data.training.totalHours }) : t('dutyStats.noData')} />
            <div className="duty-muted">{data.training.available ? '' : t('dutyStats.kpi.trainingNote')}</div>
          </Card>
        </Col>
      </Row>

      <Row gutter={12}>
        <Col xs={24} xl={10}>
          <Card size="small" className="duty-stats-card" title={t('dutyStats.coverage.title')}>
            {data.coverage.posts.length ? <EChart option={charts!.coverage} testId="duty-stats-coverage-chart" className="duty-stats-chart" height={Math.max(120, 40 + data.coverage.posts.length * 36)} /> : <Empty description={t('dutyStats.coverage.noPosts')} />}
            {data.coverage.posts.length > 0 &&
              (gaps.length ? (
                <ul className="duty-gap-list" data-testid="duty-stats-gaps">
                  {gaps.slice(0, 8).map((g) => (
                    <li key={`${g.postId}${g.from}`}>
                      <b>{g.postName}</b> {gapText(g, hours)}
                    </li>
                  ))}
                  {gaps.length > 8 && <li>{t('dutyStats.coverage.moreGaps', { count: gaps.length - 8 })}</li>}
                </ul>
              ) : (
                <Alert type="success" showIcon message={t('dutyStats.coverage.noGaps')} />
              ))}
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card size="small" className="duty-stats-card" title={t('dutyStats.response.title')}>
            <div className="duty-muted">{data.response.shiftsFrom ? t('dutyStats.response.shiftsFrom', { post: data.response.shiftsFrom }) : t('dutyStats.response.shiftsDefault')}</div>
            {data.response.total.alarms ? <EChart option={charts!.response} testId="duty-stats-response-chart" className="duty-stats-chart" /> : <Empty description={t('dutyStats.response.none')} />}
            <Table<ShiftRow>
              size="small"
              rowKey="shift"
              pagination={false}
              dataSource={data.response.shifts}
              columns={[{ key: 'name', title: t('dutyStats.response.shift'), render: (_: unknown, s: ShiftRow) => `${s.name} ${s.start}–${s.end}` }, ...timesColumns]}
              data-testid="duty-stats-shifts"
            />
          </Card>
        </Col>
      </Row>

      <Row gutter={12}>
        <Col xs={24} xl={12}>
          <Card size="small" className="duty-stats-card" title={t('dutyStats.cert.title')}>
            <Table<Person>
              size="small"
              rowKey="accountId"
              pagination={{ pageSize: 8, hideOnSinglePage: true }}
              dataSource={data.certification.people}
              locale={{ emptyText: t('dutyStats.cert.none') }}
              columns={[
                { key: 'name', title: t('dutyStats.cert.name'), dataIndex: 'name' },
                { key: 'shifts', title: t('dutyStats.cert.shifts'), dataIndex: 'shifts', align: 'right' as const },
                {
                  key: 'status',
                  title: t('dutyStats.cert.status'),
                  render: (_: unknown, p: Person) => (p.certified ? <Tag color="green">{t('dutyStats.cert.certified')}</Tag> : <Tag color="red">{t('dutyStats.cert.uncertified', { dates: p.uncoveredDates.map((d) => d.slice(5)).join('、') })}</Tag>),
                },
                { key: 'validTo', title: t('dutyStats.cert.validTo'), render: (_: unknown, p: Person) => (p.validTo ? <span>{p.validTo} {p.expiringSoon && <Tag color="orange">{t('dutyStats.cert.expiring')}</Tag>}</span> : t('common.empty')) },
              ]}
              data-testid="duty-stats-cert"
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            className="duty-stats-card"
            title={t('dutyStats.patrol.title')}
            extra={<Segmented size="small" value={patrolBy} onChange={(v) => setPatrolBy(v as 'routes' | 'guards')} options={[{ value: 'routes', label: t('dutyStats.patrol.byRoute') }, { value: 'guards', label: t('dutyStats.patrol.byGuard') }]} />}
          >
            {data.patrol.due ? <EChart option={charts!.patrol} testId="duty-stats-patrol-chart" className="duty-stats-chart" height={Math.max(120, 40 + (patrolBy === 'routes' ? data.patrol.routes : data.patrol.guards).length * 30)} /> : null}
            <Table<PatrolLine>
              size="small"
              rowKey={(l) => l.id ?? '-'}
              pagination={{ pageSize: 8, hideOnSinglePage: true }}
              dataSource={patrolBy === 'routes' ? data.patrol.routes : data.patrol.guards}
              locale={{ emptyText: t('dutyStats.patrol.none') }}
              columns={patrolColumns}
              data-testid="duty-stats-patrol"
            />
          </Card>
        </Col>
      </Row>

      <Row gutter={12}>
        <Col xs={24} xl={16}>
          <Card size="small" className="duty-stats-card" title={t('dutyStats.response.titleOperators')}>
            <Table<OperatorRow>
              size="small"
              rowKey="accountId"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={data.response.operators}
              locale={{ emptyText: t('dutyStats.response.none') }}
              columns={[{ key: 'name', title: t('dutyStats.response.operator'), dataIndex: 'name' }, ...timesColumns]}
              data-testid="duty-stats-operators"
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" className="duty-stats-card" title={t('dutyStats.training.title')} data-testid="duty-stats-training">
            {data.training.available ? (
              <Table
                size="small"
                rowKey="accountId"
                pagination={{ pageSize: 8, hideOnSinglePage: true }}
                dataSource={data.training.people}
                columns={[
                  { key: 'name', title: t('dutyStats.training.name'), dataIndex: 'name' },
                  { key: 'hours', title: t('dutyStats.training.hours'), dataIndex: 'hours', align: 'right' as const },
                ]}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={<span className="duty-stats-nodata">{t('dutyStats.noData')}</span>} />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
