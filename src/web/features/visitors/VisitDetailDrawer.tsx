import { App, Button, Descriptions, Drawer, Input, Select, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { visitorsApi, type PassVerdict } from '../../api/visitors.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth, useSession } from '../auth/AuthProvider.tsx';
import { PassQr } from './PassQr.tsx';
import { STATE_COLORS } from './visit-format.ts';

export interface VisitDetailDrawerProps {
  visitId: string | null;
  onClose: () => void;
  onChanged: () => void;
}

/** One visit: who, why, when and where; approve or reject (the office), cancel (the host), check in or out at a gate, the pass's QR, and the log. */
export function VisitDetailDrawer({ visitId, onClose, onChanged }: VisitDetailDrawerProps) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { user } = useSession();
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const [note, setNote] = useState('');
  const [gateId, setGateId] = useState<string>();
  const [busy, setBusy] = useState(false);
  const visit = useApi((signal) => (visitId ? visitorsApi.get(visitId, signal) : Promise.resolve(null)), [visitId, version]);
  const log = useApi((signal) => (visitId ? visitorsApi.log(visitId, signal) : Promise.resolve([])), [visitId, version]);
  const v = visit.data;
  // The visit's university's gates (a city-wide account has no university of its own).
  const gates = useApi((signal) => (v ? visitorsApi.gates(signal, v.universityId) : Promise.resolve([])), [v?.universityId]).data ?? [];

  const act = async (run: () => Promise<unknown>) => {
    setBusy(true);
    try {
      const result = await run();
      const verdict = result && typeof result === 'object' && 'accepted' in result ? (result as PassVerdict) : null;
      if (verdict && !verdict.accepted) void message.warning(t('visitors.refused', { reason: t(`visitors.refusals.${verdict.refusal!}`) }));
      else void message.success(verdict ? t('visitors.accepted') : t(`visitors.states.${(result as { state: 'approved' }).state}`));
      setNote('');
      setVersion((n) => n + 1);
      onChanged();
    } catch (err) {
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const gateOptions = gates.filter((g) => !v || g.campusId === v.campusId).map((g) => ({ value: g.id, label: g.name }));
  const decidable = v?.state === 'pending' && can('visitor.approve');
  const cancellable = (v?.state === 'pending' || v?.state === 'approved') && (v.hostId === user.id || can('visitor.approve'));
  const movable = can('visitor.write') && (v?.state === 'approved' || v?.state === 'checked_in');

  return (
    <Drawer open={!!visitId} size={520} title={v ? `${v.visitorName} · ${t(`visitors.states.${v.state}`)}` : t('visitors.detail')} onClose={onClose} destroyOnHidden data-testid="visit-detail">
      {visit.error && <ErrorAlert error={visit.error} onRetry={visit.reload} />}
      {!v ? (
        <Spin />
      ) : (
        <>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              { key: 'state', label: t('visitors.state'), children: (<><Tag color={STATE_COLORS[v.state]} data-testid="visit-state">{t(`visitors.states.${v.state}`)}</Tag>{v.overstaying && <Tag color="red">{t('visitors.overstaying')}</Tag>}</>) },
              { key: 'phone', label: t('visitors.visitorPhone'), children: <span className="people-masked">{v.visitorPhone}</span> },
              ...(v.visitorIdNumber ? [{ key: 'id', label: t('visitors.visitorIdNumber'), children: <span className="people-masked">{v.visitorIdNumber}</span> }] : []),
              ...(v.plate ? [{ key: 'plate', label: t('visitors.plate'), children: v.plate }] : []),
              { key: 'reason', label: t('visitors.reason'), children: v.reason },
              { key: 'host', label: t('visitors.host'), children: v.hostName },
              { key: 'window', label: t('visitors.window'), children: `${formatDateTime(v.windowFrom)} – ${formatDateTime(v.windowTo)}` },
              { key: 'gates', label: t('visitors.gates'), children: v.gateNames.join('、') },
              ...(v.decidedBy ? [{ key: 'decided', label: t('visitors.decidedBy'), children: `${v.decidedBy} · ${formatDateTime(v.decidedAt)}${v.decisionNote ? ` · ${v.decisionNote}` : ''}` }] : []),
              ...(v.checkedInAt ? [{ key: 'in', label: t('visitors.checkedInAt'), children: formatDateTime(v.checkedInAt) }] : []),
              ...(v.checkedOutAt ? [{ key: 'out', label: t('visitors.checkedOutAt'), children: formatDateTime(v.checkedOutAt) }] : []),
            ]}
          />
          {decidable && (
            <div className="visit-actions">
              <Input placeholder={t('visitors.decisionNote')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} style={{ flex: 1, minWidth: 180 }} />
              <Button type="primary" loading={busy} onClick={() => void act(() => visitorsApi.approve(v.id, note.trim() ? { note: note.trim() } : {}))} data-testid="visit-approve">
                {t('visitors.approve')}
              </Button>
              <Button danger loading={busy} onClick={() => void act(() => visitorsApi.reject(v.id, note.trim() ? { note: note.trim() } : {}))} data-testid="visit-reject">
                {t('visitors.reject')}
              </Button>
            </div>
          )}
          {movable && (
            <div className="visit-actions">
              <Select className="visitors-scan-gate" placeholder={t('visitors.pickGate')} value={gateId} onChange={setGateId} options={gateOptions} showSearch optionFilterProp="label" data-testid="visit-gate" />
              <Space>
                {v.state === 'approved' && (
                  <Button type="primary" disabled={!gateId} loading={busy} onClick={() => void act(() => visitorsApi.move(v.id, 'in', { gateId: gateId! }))} data-testid="visit-check-in">
                    {t('visitors.checkIn')}
                  </Button>
                )}
                {v.state === 'checked_in' && (
                  <Button type="primary" disabled={!gateId} loading={busy} onClick={() => void act(() => visitorsApi.move(v.id, 'out', { gateId: gateId! }))} data-testid="visit-check-out">
                    {t('visitors.checkOut')}
                  </Button>
                )}
              </Space>
            </div>
          )}
          {cancellable && (
            <div className="visit-actions">
              <Button loading={busy} onClick={() => void act(() => visitorsApi.cancel(v.id))} data-testid="visit-cancel">
                {t('visitors.cancel')}
              </Button>
            </div>
          )}
          {(v.state === 'approved' || v.state === 'checked_in') && (
            <div className="visit-actions" style={{ justifyContent: 'center' }}>
              <PassQr visitId={v.id} key={version} />
            </div>
          )}
          <Typography.Title level={5}>{t('visitors.log')}</Typography.Title>
          {log.error && <ErrorAlert error={log.error} onRetry={log.reload} />}
          <Timeline
            data-testid="visit-log"
            items={(log.data ?? []).map((l) => ({
              key: l.id,
              color: l.action === 'refused' || l.action === 'overstay' ? 'red' : l.action === 'checked_in' || l.action === 'approved' ? 'green' : 'gray',
              content: (
                <span>
                  {formatDateTime(l.at)} · {t(`visitors.actions.${l.action}`)}
                  {l.refusal && `（${t(`visitors.refusals.${l.refusal}`)}）`}
                  {l.deviceName && ` · ${l.deviceName}`}
                  {` · ${l.actorName ?? t('visitors.reader')}`}
                  {l.note && ` · ${l.note}`}
                </span>
              ),
            }))}
          />
        </>
      )}
    </Drawer>
  );
}
