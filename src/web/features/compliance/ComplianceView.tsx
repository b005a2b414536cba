import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Progress, Select, Space, Spin, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeySiteCategory } from '../../../shared/domain.ts';
import { complianceApi, type ComplianceScore, type RuleStatus, type SiteCoverageReport } from '../../api/compliance.ts';
import { mapApi } from '../../api/endpoints.ts';
import type { MapData } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { EChart, type ChartOption } from '../../components/EChart.tsx';
import { useApi } from '../../components/useApi.ts';
import { useUniversityOfScope } from '../../app/useUniversityOfScope.ts';
import { ComplianceMap } from './ComplianceMap.tsx';
import { ReportButtons } from './ReportButtons.tsx';
import { EvidenceTab } from './EvidenceTab.tsx';
import { RemediationTab } from './RemediationTab.tsx';
import './compliance.css';

type RuleRow = ComplianceScore['rules'][number];

export const STATUS_COLOR: Record<RuleStatus, string> = { pass: 'success', partial: 'warning', fail: 'error', no_data: 'default' };
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** 合规评估: the score against the rule pack, each rule with its figure and findings, and key-site coverage with blind spots on the map. */
export function ComplianceView() {
  const { t } = useTranslation();
  const { scope, index } = useOrg();
  const universityId = useUniversityOfScope();
  const [campusId, setCampusId] = useState<string | undefined>(scope.campusId);
  const [tab, setTab] = useState('rules');
  const score = useApi((signal) => complianceApi.score({ universityId, campusId }, signal), [universityId, campusId]);
  const trend = useApi((signal) => complianceApi.snapshots({ universityId, days: 90 }, signal), [universityId]);
  const coverage = useApi((signal) => (tab === 'coverage' ? complianceApi.coverage({ universityId, campusId }, signal) : Promise.resolve(null)), [universityId, campusId, tab]);
  const [layers, setLayers] = useState<MapData | null>(null);
  const [siteId, setSiteId] = useState<string | null>(null);

  useEffect(() => {
    if (tab === 'rules') return;
    const controller = new AbortController();
    mapApi
      .layers({ universityId, campusId }, controller.signal)
      .then(setLayers)
      .catch(() => setLayers(null));
    return () => controller.abort();
  }, [tab, universityId, campusId]);

  const campusOptions = useMemo(
    () => [...index.values()].filter((e) => e.kind === 'campus' && (!universityId || e.parentId === universityId)).map((c) => ({ value: c.id, label: c.name })),
    [index, universityId],
  );

  const sites = useMemo(() => [...(coverage.data?.sites ?? [])].sort((a, b) => a.share - b.share), [coverage.data]);
  const site = sites.find((s) => s.siteId === siteId) ?? sites[0] ?? null;
  const outline = (site && layers?.keySites.features.find((f) => f.properties.id === site.siteId)?.geometry) || null;

  const ruleColumns = [
    {
      key: 'rule',
      title: t('compliance.col.rule'),
      render: (_: unknown, r: RuleRow) => (
        <div>
          <div>{r.rule.title}</div>
          <div className="compliance-rule-id">
            {r.rule.id} · {r.rule.source}
          </div>
        </div>
      ),
    },
    { key: 'level', title: t('compliance.col.level'), width: 70, render: (_: unknown, r: RuleRow) => t(`compliance.level.${r.rule.level}`) },
    { key: 'earned', title: t('compliance.col.earned'), width: 100, align: 'right' as const, render: (_: unknown, r: RuleRow) => `${r.result.earned} / ${r.rule.points}` },
    {
      key: 'status',
      title: t('compliance.col.status'),
      width: 100,
      render: (_: unknown, r: RuleRow) => (
        <Tag color={STATUS_COLOR[r.result.status]} data-testid={`compliance-status-${r.rule.id}`}>
          {t(`compliance.status.${r.result.status}`)}
        </Tag>
      ),
    },
    { key: 'figure', title: t('compliance.col.figure'), render: (_: unknown, r: RuleRow) => (r.result.status === 'no_data' ? <Typography.Text type="secondary">{r.result.missing}</Typography.Text> : r.result.figure) },
    { key: 'method', title: t('compliance.col.method'), width: 100, render: (_: unknown, r: RuleRow) => t(`compliance.method.${r.rule.evidenceMethod}`) },
  ];

  const expanded = (r: RuleRow) => (
    <div data-testid={`compliance-findings-${r.rule.id}`}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('compliance.col.deduction')}：{r.rule.deduction}（{r.rule.appliesTo}）
      </Typography.Paragraph>
      {r.result.missing && <Alert type="info" showIcon message={t('compliance.missing', { text: r.result.missing })} style={{ marginBottom: 8 }} />}
      {r.result.findingsTotal === 0 ? (
        !r.result.missing && <Typography.Text type="success">{t('compliance.noFindings')}</Typography.Text>
      ) : (
        <>
          <Typography.Text strong>{t('compliance.findings', { n: r.result.findingsTotal })}</Typography.Text>
          <ul className="compliance-findings">
            {r.result.findings.map((f) => (
              <li key={`${f.entityType}:${f.id}`}>
                {f.name}：{f.detail}
              </li>
            ))}
          </ul>
          {r.result.findingsTotal > r.result.findings.length && <Typography.Text type="secondary">{t('compliance.findingsMore', { shown: r.result.findings.length, n: r.result.findingsTotal })}</Typography.Text>}
        </>
      )}
    </div>
  );

  const siteColumns = [
    { key: 'name', title: t('compliance.col.site'), width: 220, render: (_: unknown, s: SiteCoverageReport) => s.name },
    { key: 'category', title: t('compliance.col.category'), width: 150, render: (_: unknown, s: SiteCoverageReport) => `${t(`enum.keySiteCategory.${s.category as KeySiteCategory}`)} · ${t(s.indoor ? 'compliance.indoor' : 'compliance.outdoor')}` },
    { key: 'share', title: t('compliance.col.share'), width: 140, render: (_: unknown, s: SiteCoverageReport) => <Progress percent={Math.round(s.share * 1000) / 10} size="small" strokeColor={s.share >= 0.98 ? '#52c41a' : s.share < 0.5 ? '#ff4d4f' : '#1677ff'} format={(p) => `${p}%`} /> },
    { key: 'identified', title: t('compliance.col.identified'), width: 100, align: 'right' as const, render: (_: unknown, s: SiteCoverageReport) => pct(s.identifiedShare) },
    { key: 'blind', title: t('compliance.col.blind'), width: 100, align: 'right' as const, render: (_: unknown, s: SiteCoverageReport) => t('compliance.m2', { n: Math.round(s.areaM2 - s.coveredM2) }) },
    {
      key: 'entrances',
      title: t('compliance.col.entrances'),
      width: 130,
      align: 'right' as const,
      render: (_: unknown, s: SiteCoverageReport) => t('compliance.entrancesCell', { seen: s.entrances.filter((e) => e.seenBy.length).length, ids: s.entrances.filter((e) => e.identifiedBy.length).length, n: s.entrances.length }),
    },
  ];

  const data = score.data;
  // The university's daily scores (评估快照): a campus is scored live only.
  const trendOption: ChartOption | null =
    trend.data && trend.data.length > 0 && !campusId
      ? {
          grid: { left: 36, right: 12, top: 12, bottom: 24 },
          tooltip: { trigger: 'axis' },
          xAxis: { type: 'category', data: trend.data.map((s) => s.day.slice(5)) },
          yAxis: { type: 'value', min: 0, max: 100 },
          series: [{ type: 'line', name: t('compliance.score'), data: trend.data.map((s) => s.score), symbolSize: 6, areaStyle: { opacity: 0.08 } }],
        }
      : null;
  return (
    <div className="compliance-view" data-testid="compliance-view">
      <Card>
        <div className="compliance-head">
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('compliance.title')}
          </Typography.Title>
          <Select allowClear placeholder={t('compliance.allCampuses')} style={{ width: 200 }} options={campusOptions} value={campusId} onChange={setCampusId} data-testid="compliance-campus" />
          <Button icon={<ReloadOutlined />} onClick={() => (tab === 'coverage' ? coverage.reload() : score.reload())}>
            {t('compliance.reload')}
          </Button>
          <ReportButtons universityId={universityId} campusId={campusId} />
        </div>
        {score.error && <ErrorAlert error={score.error} title={t('compliance.loadFailed')} />}
        {!data && score.loading && <Spin style={{ display: 'block', margin: 24 }} />}
        {data && (
          <Space size={40} wrap style={{ marginTop: 16 }} data-testid="compliance-summary">
            <Statistic className="compliance-score" title={t('compliance.score')} value={data.score} suffix="/ 100" precision={1} />
            <Space direction="vertical" size={4}>
              <Typography.Text>{t('compliance.points', { earned: data.earned, possible: data.possible })}</Typography.Text>
              <Space wrap>
                {(['pass', 'partial', 'fail', 'no_data'] as const).map((s) => (
                  <Tag key={s} color={STATUS_COLOR[s]}>
                    {t(`compliance.status.${s}`)} {data.counts[s]}
                  </Tag>
                ))}
              </Space>
              <Typography.Text type="secondary">
                {t('compliance.pack', { title: data.pack.title, version: data.pack.version.split('+')[0] })} · {t('compliance.computedAt', { at: formatDateTime(data.computedAt) })}
              </Typography.Text>
            </Space>
            {trendOption && (
              <div style={{ width: 360 }}>
                <Typography.Text type="secondary">{t('compliance.trend', { n: trend.data!.length })}</Typography.Text>
                <EChart option={trendOption} testId="compliance-trend" className="compliance-trend" height={120} />
              </div>
            )}
          </Space>
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('compliance.note')}
        </Typography.Paragraph>
      </Card>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        style={{ marginTop: 8 }}
        items={[
          {
            key: 'rules',
            label: <span data-testid="compliance-tab-rules">{t('compliance.tab.rules')}</span>,
            children: data ? <Table rowKey={(r) => r.rule.id} columns={ruleColumns} dataSource={data.rules} pagination={false} size="middle" expandable={{ expandedRowRender: expanded, rowExpandable: () => true }} data-testid="compliance-rules" /> : <Empty />,
          },
          {
            key: 'evidence',
            label: <span data-testid="compliance-tab-evidence">{t('complianceEvidence.tab')}</span>,
            children: data ? <EvidenceTab rules={data.rules.map((r) => r.rule)} pack={data.pack} universityId={universityId} onChanged={score.reload} /> : <Empty />,
          },
          {
            key: 'coverage',
            label: <span data-testid="compliance-tab-coverage">{t('compliance.tab.coverage')}</span>,
            children: (
              <>
                {coverage.error && <ErrorAlert error={coverage.error} title={t('compliance.loadFailed')} />}
                {coverage.data && (
                  <Typography.Paragraph>
                    {t('compliance.sitesSummary', { full: coverage.data.summary.fullyCovered, n: coverage.data.summary.sites, ids: coverage.data.summary.entrancesIdentified, entrances: coverage.data.summary.entrances })}
                  </Typography.Paragraph>
                )}
                <div className="compliance-coverage">
                  <Table
                    rowKey="siteId"
                    columns={siteColumns}
                    dataSource={sites}
                    loading={coverage.loading}
                    size="small"
                    pagination={{ pageSize: 15, showSizeChanger: false }}
                    onRow={(s) => ({ onClick: () => setSiteId(s.siteId), style: { cursor: 'pointer', background: s.siteId === site?.siteId ? '#e6f4ff' : undefined } })}
                    data-testid="compliance-sites"
                  />
                  <div>
                    <ComplianceMap site={site} outline={outline as GeoJSON.Geometry | null} layers={layers} />
                    <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                      {t('compliance.mapHint')} {t('compliance.coverageNote')}
                    </Typography.Paragraph>
                  </div>
                </div>
              </>
            ),
          },
          {
            key: 'remediation',
            label: <span data-testid="compliance-tab-remediation">{t('complianceRemediation.tab')}</span>,
            children: tab === 'remediation' && <RemediationTab universityId={universityId} campusId={campusId} layers={layers} />,
          },
        ]}
      />
    </div>
  );
}
