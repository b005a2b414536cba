import { Alert, Collapse, Empty, Select, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { remediationApi, type RemediationItem, type RemediationPlan } from '../../api/compliance-remediation.ts';
import type { MapData } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import { ComplianceMap, type SuggestedSector } from './ComplianceMap.tsx';

const pct = (x: number) => `${Math.round(x * 100)}%`;
const yuan = (n: number) => n.toLocaleString('zh-CN');
const DIRECTIONS = ['n', 'ne', 'e', 'se', 's', 'sw', 'w', 'nw'] as const;
const directionOf = (deg: number) => DIRECTIONS[Math.round((((deg % 360) + 360) % 360) / 45) % 8]!;

/** 整改计划: the failing rules as measures ranked by points per estimated cost, and suggested cameras for a key site on the map. */
export function RemediationTab({ universityId, campusId, layers }: { universityId?: string; campusId?: string; layers: MapData | null }) {
  const { t } = useTranslation();
  const { index } = useOrg();
  const plan = useApi((signal) => remediationApi.plan({ universityId, campusId }, signal), [universityId, campusId]);
  const [siteId, setSiteId] = useState<string | null>(null);
  const data: RemediationPlan | null = plan.data ?? null;

  const placement = data?.placements.find((p) => p.siteId === siteId) ?? data?.placements.find((p) => p.suggestions.length > 0) ?? data?.placements[0] ?? null;
  const outline = (placement && layers?.keySites.features.find((f) => f.properties.id === placement.siteId)?.geometry) || null;
  // Indoors several suggestions may stand on different floors at one spot: the label names the floor.
  const sectors: SuggestedSector[] = useMemo(
    () => (placement?.suggestions ?? []).map((s) => ({ sector: s.sector as GeoJSON.Polygon, label: `+${pct(s.gainShare)}${s.floorId ? ` · ${index.get(s.floorId)?.name ?? ''}` : ''}` })),
    [placement, index],
  );

  const columns = [
    { key: 'rank', title: t('complianceRemediation.col.rank'), width: 60, render: (_: unknown, i: RemediationItem) => i.rank },
    {
      key: 'action',
      title: t('complianceRemediation.col.action'),
      render: (_: unknown, i: RemediationItem) => (
        <div>
          <div>{i.action}</div>
          {i.objects.length > 0 && i.objectsTotal > 1 && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('complianceRemediation.objects', { names: i.objects.slice(0, 5).map((o) => o.name).join('、') })}
              {i.objectsTotal > 5 && ` ${t('complianceRemediation.objectsMore', { n: i.objectsTotal })}`}
            </Typography.Text>
          )}
          {i.effort && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {i.effort}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    {
      key: 'rule',
      title: t('complianceRemediation.col.rule'),
      width: 200,
      render: (_: unknown, i: RemediationItem) => (
        <div>
          <div>{i.ruleTitle}</div>
          <div className="compliance-rule-id">{i.ruleId}</div>
        </div>
      ),
    },
    {
      key: 'gain',
      title: t('complianceRemediation.col.gain'),
      width: 120,
      align: 'right' as const,
      render: (_: unknown, i: RemediationItem) => t(i.gainIsUpperBound ? 'complianceRemediation.gainUpTo' : 'complianceRemediation.gain', { n: i.scoreGain.toFixed(1) }),
    },
    {
      key: 'cost',
      title: t('complianceRemediation.col.cost'),
      width: 120,
      align: 'right' as const,
      render: (_: unknown, i: RemediationItem) =>
        i.cost === null ? <Typography.Text type="secondary">{t('complianceRemediation.unpricedCell')}</Typography.Text> : i.cost === 0 ? <Tag color="green">{t('complianceRemediation.free')}</Tag> : t('complianceRemediation.yuan', { n: yuan(i.cost) }),
    },
    {
      key: 'ratio',
      title: t('complianceRemediation.col.ratio'),
      width: 120,
      align: 'right' as const,
      render: (_: unknown, i: RemediationItem) => (i.pointsPer10k === null ? '—' : t('complianceRemediation.ratio', { n: i.pointsPer10k.toFixed(1) })),
    },
  ];

  const floorName = (id: string | null) => (id ? (index.get(id)?.name ?? '') : '');

  return (
    <>
      {plan.error && <ErrorAlert error={plan.error} title={t('complianceRemediation.loadFailed')} />}
      {data && (
        <Typography.Paragraph data-testid="remediation-summary">
          {t('complianceRemediation.summary', { n: data.items.length, gain: data.totals.scoreGain.toFixed(1), score: data.score.toFixed(1), after: data.totals.scoreAfter.toFixed(1), cost: `¥${yuan(data.totals.cost)}` })}
          {data.totals.unpriced > 0 && ` ${t('complianceRemediation.unpriced', { n: data.totals.unpriced })}`}
        </Typography.Paragraph>
      )}
      <div className="compliance-remediation">
        <div>
          <Table
            rowKey={(i) => `${i.rank}`}
            columns={columns}
            dataSource={data?.items ?? []}
            loading={plan.loading}
            size="small"
            pagination={{ pageSize: 20, showSizeChanger: false }}
            onRow={(i) => ({
              onClick: () => i.siteId && data?.placements.some((p) => p.siteId === i.siteId) && setSiteId(i.siteId),
              style: { cursor: i.siteId ? 'pointer' : undefined, background: i.siteId && i.siteId === placement?.siteId ? '#f6ffed' : undefined },
            })}
            data-testid="remediation-items"
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('complianceRemediation.costNote')}
          </Typography.Paragraph>
          {data && (
            <Collapse
              size="small"
              items={[
                {
                  key: 'costs',
                  label: t('complianceRemediation.costTable'),
                  children: (
                    <ul className="compliance-findings">
                      {data.costTable.map((c) => (
                        <li key={c.key}>
                          {c.label}：¥{yuan(c.unitPrice)} / {c.unit}
                        </li>
                      ))}
                    </ul>
                  ),
                },
              ]}
            />
          )}
        </div>
        <div>
          {data && data.placements.length === 0 ? (
            <Empty description={t('complianceRemediation.noPlacements')} />
          ) : (
            <>
              <Select
                style={{ width: '100%', marginBottom: 8 }}
                placeholder={t('complianceRemediation.sitePlaceholder')}
                value={placement?.siteId}
                onChange={setSiteId}
                options={(data?.placements ?? []).map((p) => ({ value: p.siteId, label: t('complianceRemediation.siteOption', { name: p.name, before: pct(p.shareBefore), after: pct(p.shareAfter) }) }))}
                data-testid="remediation-site"
              />
              <ComplianceMap site={null} outline={outline as GeoJSON.Geometry | null} layers={layers} suggestions={sectors} blindSpots={(placement?.blindSpots as GeoJSON.MultiPolygon | undefined) ?? null} testId="remediation-map" />
              {placement && placement.suggestions.length === 0 && <Alert style={{ marginTop: 8 }} type="info" showIcon message={t('complianceRemediation.noSuggestion', { name: placement.name })} />}
              {placement?.suggestions.map((s, k) => (
                <div key={k} className="compliance-remediation-sentence" data-testid="remediation-sentence">
                  {placement.suggestions.length > 1 && `${k + 1}. `}
                  {t('complianceRemediation.sentence', { dir: t(`complianceRemediation.dir.${directionOf(s.bearingDeg)}`), deg: s.bearingDeg, name: placement.name, gain: pct(s.gainShare), after: pct(s.shareAfter) })}
                  {s.floorId && t('complianceRemediation.onFloor', { floor: floorName(s.floorId) })}
                </div>
              ))}
              {placement && placement.suggestions.length > 0 && (
                <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                  {t('complianceRemediation.cameraSpec', { resolution: placement.suggestions[0]!.resolution, fov: placement.suggestions[0]!.fovDeg, range: placement.suggestions[0]!.rangeM })}
                </Typography.Paragraph>
              )}
            </>
          )}
        </div>
      </div>
    </>
  );
}
