import { MobileOutlined, ScanOutlined } from '@ant-design/icons';
import { App, Button, Input, Radio, Segmented, Select, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { VISIT_VIEWS } from '../../../shared/visitors.ts';
import { visitorsApi, type Visit, type VisitView } from '../../api/visitors.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import '../people/people.css';
import { VisitDetailDrawer } from './VisitDetailDrawer.tsx';
import { STATE_COLORS } from './visit-format.ts';
import './visitors.css';

const PAGE_SIZE = 50;

/**
 * 访客 in the console: today's visitors, those waiting for approval and those on campus now;
 * a visit's drawer approves, checks in and out and shows the pass. The gatehouse's scan box takes
 * a pass code from a USB QR scanner (it types the code and Enter) or by hand.
 */
export function VisitorsView() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const view = (VISIT_VIEWS as readonly string[]).includes(params.get('view') ?? '') ? (params.get('view') as VisitView) : 'today';
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [version, setVersion] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const [token, setToken] = useState('');
  const [gateId, setGateId] = useState<string>();
  const [direction, setDirection] = useState<'in' | 'out'>('in');
  const list = useApi((signal) => visitorsApi.list({ view, q: q.trim() || undefined, page, pageSize: PAGE_SIZE }, signal), [view, q, page, version]);
  const gates = useApi((signal) => visitorsApi.gates(signal), []);
  const writer = can('visitor.write');

  const scan = async () => {
    if (!token.trim() || !gateId) return;
    try {
      const verdict = await visitorsApi.scan({ token: token.trim(), gateId, direction });
      if (verdict.accepted) void message.success(`${verdict.visit.visitorName} · ${t('visitors.accepted')}`);
      else void message.warning(`${verdict.visit.visitorName} · ${t('visitors.refused', { reason: t(`visitors.refusals.${verdict.refusal!}`) })}`);
      setToken('');
      setVersion((n) => n + 1);
      setOpen(verdict.visit.id);
    } catch (err) {
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
    }
  };

  const columns: ColumnsType<Visit> = [
    { key: 'name', title: t('visitors.visitorName'), render: (_, v) => <a onClick={() => setOpen(v.id)} data-testid="visit-row-name">{v.visitorName}</a> },
    { key: 'phone', title: t('visitors.visitorPhone'), render: (_, v) => <span className="people-masked">{v.visitorPhone}</span> },
    { key: 'host', title: t('visitors.host'), dataIndex: 'hostName' },
    { key: 'reason', title: t('visitors.reason'), dataIndex: 'reason', ellipsis: true },
    { key: 'window', title: t('visitors.window'), render: (_, v) => `${formatDateTime(v.windowFrom)} – ${formatDateTime(v.windowTo).slice(11)}` },
    { key: 'gates', title: t('visitors.gates'), render: (_, v) => v.gateNames.join('、'), ellipsis: true },
    { key: 'plate', title: t('visitors.plate'), render: (_, v) => v.plate ?? '' },
    {
      key: 'state',
      title: t('visitors.state'),
      render: (_, v) => (
        <>
          <Tag color={STATE_COLORS[v.state]}>{t(`visitors.states.${v.state}`)}</Tag>
          {v.overstaying && <Tag color="red">{t('visitors.overstaying')}</Tag>}
        </>
      ),
    },
  ];

  return (
    <div className="visitors-view" data-testid="visitors-view">
      <div className="visitors-toolbar">
        <Segmented
          value={view}
          onChange={(v) => {
            setPage(1);
            setParams((p) => {
              const next = new URLSearchParams(p);
              next.set('view', String(v));
              return next;
            });
          }}
          options={VISIT_VIEWS.map((v) => ({ value: v, label: <span data-testid={`visits-view-${v}`}>{t(`visitors.views.${v}`)}</span> }))}
        />
        <Input.Search allowClear className="people-search" placeholder={t('visitors.search')} onSearch={(s) => (setPage(1), setQ(s))} />
        <div className="people-toolbar-spacer" />
        {writer && (
          <Button icon={<MobileOutlined />} onClick={() => navigate('/visitors/phone')} data-testid="visits-register">
            {t('visitors.register')}
          </Button>
        )}
      </div>
      {writer && (
        <div className="visitors-scan" data-testid="visits-scan">
          <ScanOutlined />
          <Input className="visitors-scan-token" placeholder={t('visitors.token')} value={token} onChange={(e) => setToken(e.target.value)} onPressEnter={() => void scan()} data-testid="visits-scan-token" />
          <Select className="visitors-scan-gate" placeholder={t('visitors.pickGate')} value={gateId} onChange={setGateId} options={(gates.data ?? []).map((g) => ({ value: g.id, label: g.name }))} showSearch optionFilterProp="label" data-testid="visits-scan-gate" />
          <Radio.Group value={direction} onChange={(e) => setDirection(e.target.value as 'in' | 'out')} optionType="button" options={[{ value: 'in', label: t('visitors.in') }, { value: 'out', label: t('visitors.out') }]} />
          <Button type="primary" disabled={!token.trim() || !gateId} onClick={() => void scan()} data-testid="visits-scan-go">
            {t('visitors.scan')}
          </Button>
        </div>
      )}
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Visit>
        rowKey="id"
        size="middle"
        loading={list.loading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('visitors.none') }}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        onRow={(v) => ({ onDoubleClick: () => setOpen(v.id) })}
        data-testid="visits-table"
      />
      <VisitDetailDrawer visitId={open} onClose={() => setOpen(null)} onChanged={() => setVersion((n) => n + 1)} />
    </div>
  );
}
