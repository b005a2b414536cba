import { App, Button, Input, Modal, Segmented, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SwapShift } from '../../../shared/duty-swaps.ts';
import { dutySwapsApi, type DutySwap, type SwapState } from '../../api/duty-swaps.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useSession } from '../auth/AuthProvider.tsx';
import { shortTime } from './duty-format.ts';

const STATE_COLOR: Record<SwapState, string> = { requested: 'gold', agreed: 'blue', approved: 'green', declined: 'default', rejected: 'red', cancelled: 'default' };
type Filter = 'open' | 'approved' | 'all';

/**
 * 换班审批: swaps waiting for the other person's answer or for approval, and the ones decided.
 * The person asked agrees or declines; the security director (or the duty leader on duty)
 * approves or rejects; the requester may withdraw. The server decides who may do what.
 */
export function SwapsTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { scope } = useOrg();
  const me = useSession().user.id;
  const [filter, setFilter] = useState<Filter>('open');
  const [page, setPage] = useState(1);
  const [asking, setAsking] = useState<{ swap: DutySwap; action: 'decline' | 'approve' | 'reject' } | null>(null);
  const [note, setNote] = useState('');
  const list = useApi((signal) => dutySwapsApi.list({ universityId: scope.universityId, state: filter === 'all' ? undefined : filter, page, pageSize: 20 }, signal), [scope.universityId, filter, page]);

  const act = async (f: () => Promise<unknown>, done: string) => {
    try {
      await f();
      void message.success(done);
      list.reload();
      return true;
    } catch (err) {
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
      return false;
    }
  };

  const side = (s: SwapShift | null) =>
    s && (
      <span>
        {s.postName}
        {s.commandCentre && <Tag color="red" className="duty-cc-tag">{t('duty.commandCentre')}</Tag>}
        <div className="duty-muted">
          {s.date} {s.shiftName}（{shortTime(s.from)}–{shortTime(s.to)}）
        </div>
      </span>
    );

  const columns = [
    { key: 'requested', title: t('dutySwaps.requestedAt'), render: (_: unknown, s: DutySwap) => formatDateTime(s.requestedAt) },
    { key: 'kind', title: t('dutySwaps.kindLabel'), render: (_: unknown, s: DutySwap) => t(`dutySwaps.kinds.${s.kind}`) },
    { key: 'requester', title: t('dutySwaps.requester'), render: (_: unknown, s: DutySwap) => s.requesterName },
    { key: 'shift', title: t('dutySwaps.shift'), render: (_: unknown, s: DutySwap) => side(s.shift) },
    { key: 'target', title: t('dutySwaps.target'), render: (_: unknown, s: DutySwap) => s.targetName },
    { key: 'targetShift', title: t('dutySwaps.targetShift'), render: (_: unknown, s: DutySwap) => side(s.targetShift) ?? <span className="duty-muted">{t('dutySwaps.none')}</span> },
    { key: 'reason', title: t('dutySwaps.reason'), render: (_: unknown, s: DutySwap) => s.reason || <span className="duty-muted">—</span> },
    {
      key: 'state',
      title: t('dutySwaps.state'),
      render: (_: unknown, s: DutySwap) => (
        <span>
          <Tag color={STATE_COLOR[s.state]} data-testid={`swap-state-${s.id}`}>
            {t(`dutySwaps.states.${s.state}`)}
          </Tag>
          {s.decidedBy && <div className="duty-muted">{t('dutySwaps.decidedBy', { who: s.decidedBy, at: formatDateTime(s.decidedAt) })}</div>}
          {s.note && <div className="duty-muted">{s.note}</div>}
        </span>
      ),
    },
    {
      key: 'actions',
      title: '',
      render: (_: unknown, s: DutySwap) => {
        const party = s.requesterId === me || s.targetId === me;
        return (
          <Space size={4} wrap>
            {s.targetId === me && s.state === 'requested' && (
              <>
                <Button size="small" type="primary" data-testid={`swap-agree-${s.id}`} onClick={() => act(() => dutySwapsApi.agree(s.id), t('dutySwaps.agreed'))}>
                  {t('dutySwaps.agree')}
                </Button>
                <Button size="small" onClick={() => (setNote(''), setAsking({ swap: s, action: 'decline' }))}>
                  {t('dutySwaps.decline')}
                </Button>
              </>
            )}
            {!party && s.state === 'agreed' && (
              <Button size="small" type="primary" data-testid={`swap-approve-${s.id}`} onClick={() => (setNote(''), setAsking({ swap: s, action: 'approve' }))}>
                {t('dutySwaps.approve')}
              </Button>
            )}
            {!party && (s.state === 'agreed' || s.state === 'requested') && (
              <Button size="small" danger data-testid={`swap-reject-${s.id}`} onClick={() => (setNote(''), setAsking({ swap: s, action: 'reject' }))}>
                {t('dutySwaps.reject')}
              </Button>
            )}
            {s.requesterId === me && (s.state === 'requested' || s.state === 'agreed') && (
              <Button size="small" onClick={() => act(() => dutySwapsApi.cancel(s.id), t('dutySwaps.cancelled'))}>
                {t('dutySwaps.cancel')}
              </Button>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <div className="duty-swaps" data-testid="duty-swaps">
      <div className="duty-toolbar">
        <Segmented<Filter>
          value={filter}
          onChange={(v) => {
            setFilter(v);
            setPage(1);
          }}
          options={[
            { value: 'open', label: t('dutySwaps.filter.open') },
            { value: 'approved', label: t('dutySwaps.filter.approved') },
            { value: 'all', label: t('dutySwaps.filter.all') },
          ]}
        />
        <span className="duty-muted">{t('dutySwaps.hint')}</span>
      </div>
      {list.error ? (
        <ErrorAlert error={list.error} />
      ) : (
        <Table<DutySwap>
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          columns={columns}
          locale={{ emptyText: t('dutySwaps.empty') }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
          data-testid="swap-table"
        />
      )}
      <Modal
        open={!!asking}
        title={asking ? t(`dutySwaps.confirm.${asking.action}`, { requester: asking.swap.requesterName, target: asking.swap.targetName }) : ''}
        okText={asking ? t(`dutySwaps.${asking.action}`) : ''}
        okButtonProps={{ danger: asking?.action !== 'approve', 'data-testid': 'swap-decide-ok' } as never}
        onCancel={() => setAsking(null)}
        onOk={async () => {
          if (!asking) return;
          const { swap, action } = asking;
          const n = note.trim() || undefined;
          const ok = await act(() => (action === 'approve' ? dutySwapsApi.approve(swap.id, n) : action === 'reject' ? dutySwapsApi.reject(swap.id, n) : dutySwapsApi.decline(swap.id, n)), t(`dutySwaps.done.${action}`));
          if (ok) setAsking(null);
        }}
        destroyOnHidden
      >
        {asking?.action === 'approve' && <p className="duty-muted">{t('dutySwaps.approveHint')}</p>}
        <Input.TextArea rows={2} maxLength={200} placeholder={t('dutySwaps.notePlaceholder')} value={note} onChange={(e) => setNote(e.target.value)} data-testid="swap-note" />
      </Modal>
    </div>
  );
}
