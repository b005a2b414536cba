import { Input, Select, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GATE_DECISIONS, type BarrierOutcome, type GateDecision, type GateReason, type VehicleList } from '../../../shared/vehicles.ts';
import { vehiclesApi, type GatePassage, type PassageQuery } from '../../api/vehicles.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { BARRIER_COLOR, LIST_COLOR, REASON_COLOR } from './vehicle-colors.ts';

/** The gate is live: the log reloads this often while the tab is open. */
export const PASSAGES_REFRESH_MS = 5_000;

/** 通行记录: every plate read at a gate lane, newest first, with the decision, its reason and the barrier's answer. */
export function PassagesTab({ onTick }: { onTick: () => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState<PassageQuery>({ limit: 200 });
  const [plate, setPlate] = useState('');
  const [tick, setTick] = useState(0);
  const { data, error, loading, reload } = useApi((signal) => vehiclesApi.passages(query, signal), [JSON.stringify(query), tick]);

  useEffect(() => {
    const timer = setInterval(() => {
      setTick((n) => n + 1);
      onTick();
    }, PASSAGES_REFRESH_MS);
    return () => clearInterval(timer);
  }, [onTick]);

  const columns: TableColumnsType<GatePassage> = [
    { key: 'at', title: t('vehicles.passages.time'), dataIndex: 'at', render: (at: string) => formatDateTime(at) },
    { key: 'lane', title: t('vehicles.passages.lane'), dataIndex: 'deviceName' },
    {
      key: 'plate',
      title: t('vehicles.plate'),
      dataIndex: 'plate',
      render: (p: string, row) => (
        <Tooltip title={t('vehicles.passages.confidence', { value: Math.round(row.confidence * 100) })}>
          <span className="vehicles-plate">{p}</span>
        </Tooltip>
      ),
    },
    { key: 'direction', title: t('vehicles.passages.direction'), dataIndex: 'direction', render: (d: 'in' | 'out') => t(`vehicles.direction.${d}`) },
    {
      key: 'decision',
      title: t('vehicles.passages.decision'),
      dataIndex: 'decision',
      render: (d: GateDecision) => (
        <Tag color={d === 'open' ? 'green' : 'red'} data-testid="passage-decision">
          {t(`vehicles.decision.${d}`)}
        </Tag>
      ),
    },
    { key: 'reason', title: t('vehicles.passages.reason'), dataIndex: 'reason', render: (r: GateReason) => (REASON_COLOR[r] ? <Tag color={REASON_COLOR[r]}>{t(`vehicles.reason.${r}`)}</Tag> : t(`vehicles.reason.${r}`)) },
    { key: 'list', title: t('vehicles.listLabel'), dataIndex: 'list', render: (l: VehicleList | null) => (l ? <Tag color={LIST_COLOR[l]}>{t(`vehicles.list.${l}`)}</Tag> : t('common.empty')) },
    { key: 'owner', title: t('vehicles.owner'), dataIndex: 'ownerName', render: (o: string | null) => o ?? t('common.empty') },
    {
      key: 'barrier',
      title: t('vehicles.passages.barrier'),
      dataIndex: 'barrier',
      render: (b: BarrierOutcome | null, row) => {
        if (!b) return t('common.empty');
        const outcome = t(`vehicles.barrierOutcome.${b}`);
        return <Tag color={BARRIER_COLOR[b]}>{row.barrierMs === null ? outcome : t('vehicles.passages.barrierMs', { outcome, ms: row.barrierMs })}</Tag>;
      },
    },
  ];

  return (
    <div data-testid="vehicles-passages-tab">
      <div className="people-toolbar">
        <Input.Search
          allowClear
          className="people-search"
          placeholder={t('vehicles.passages.platePlaceholder')}
          value={plate}
          onChange={(e) => setPlate(e.target.value)}
          onSearch={(v) => setQuery((q) => ({ ...q, plate: v.trim() || undefined }))}
          data-testid="passages-plate"
        />
        <Select<GateDecision>
          allowClear
          className="people-filter"
          placeholder={t('vehicles.passages.decisionFilter')}
          value={query.decision}
          onChange={(v) => setQuery((q) => ({ ...q, decision: v || undefined }))}
          options={GATE_DECISIONS.map((d) => ({ value: d, label: t(`vehicles.decision.${d}`) }))}
          data-testid="passages-decision"
        />
        <span className="people-toolbar-spacer" />
        <Typography.Text type="secondary">{t('vehicles.passages.autoRefresh')}</Typography.Text>
      </div>
      {error && <ErrorAlert error={error} title={t('vehicles.passages.loadFailed')} onRetry={reload} />}
      {/* Only the first load shows the spinner: a table blinking every 5 s is hard to read. */}
      <Table<GatePassage>
        rowKey="id"
        size="middle"
        loading={loading && !data}
        columns={columns}
        dataSource={data ?? []}
        data-testid="passages-table"
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, showSizeChanger: false, showTotal: (total) => t('common.total', { total }) }}
      />
    </div>
  );
}
