import { App, Button, Card, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { guardApi, type GuardStep, type MyDispatch, type SopInput, type SopStep } from '../../api/alarms.ts';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { etaMinutes, priorityColor } from '../alarms/alarm-format.ts';
import { NoteModal } from '../alarms/NoteModal.tsx';
import { SopChecklist } from '../alarms/SopChecklist.tsx';
import { priorityLabel } from '../../i18n/index.ts';

const ACTIVE = ['offered', 'accepted', 'arrived'];

/** One dispatch on the guard's phone: what and where, accept / arrive / finish, and the procedure. */
export function GuardDispatchCard({ dispatch, onChanged }: { dispatch: MyDispatch; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [sop, setSop] = useState<SopStep[] | null>(null);
  const [finishing, setFinishing] = useState(false);
  const [busy, setBusy] = useState<GuardStep | null>(null);
  const active = ACTIVE.includes(dispatch.state);

  useEffect(() => {
    if (!active) return;
    guardApi.sop(dispatch.id).then(setSop, () => setSop(null));
  }, [dispatch.id, dispatch.state, active]);

  const fail = (err: unknown) => void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
  const step = async (s: GuardStep, note?: string) => {
    setBusy(s);
    try {
      await guardApi.step(dispatch.id, s, note);
      void message.success(t('guard.stepDone', { step: t(`guard.step.${s}`) }));
      setFinishing(false);
      onChanged();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };
  const completeSop = async (key: string, input: SopInput) => {
    try {
      setSop(await guardApi.completeSop(dispatch.id, key, input));
      void message.success(t('alarms.sop.saved'));
    } catch (err) {
      fail(err);
    }
  };
  const upload = async (file: File) => (await guardApi.uploadPhoto(dispatch.id, file)).id;
  const eta = etaMinutes(dispatch.etaS);

  return (
    <Card size="small" className={`guard-card${active ? ' is-active' : ''}`} style={{ borderLeftColor: priorityColor(dispatch.alarm.priority) }} data-testid="guard-dispatch" data-state={dispatch.state}>
      <div className="guard-card-head">
        <Tag color={priorityColor(dispatch.alarm.priority)}>{priorityLabel(dispatch.alarm.priority, true)}</Tag>
        {dispatch.alarm.drillId && (
          <Tag color="purple" data-testid="guard-drill-tag">
            {t('events.sourceKind.drill')}
          </Tag>
        )}
        <Typography.Text strong className="guard-card-title">
          {dispatch.alarm.title}
        </Typography.Text>
      </div>
      <Space wrap size={4} className="guard-card-meta">
        <Tag>{t(`alarms.type.${dispatch.alarm.type}`)}</Tag>
        <Tag color="blue" data-testid="guard-dispatch-state">
          {t(`alarms.dispatchState.${dispatch.state}`)}
        </Tag>
        {dispatch.distanceM !== null && <span>{t('alarms.distance', { m: dispatch.distanceM })}</span>}
        {eta !== null && <span>{t('guard.eta', { n: eta })}</span>}
      </Space>
      <div className="guard-card-time">{formatDateTime(dispatch.createdAt)}</div>
      {active && (
        <div className="guard-buttons">
          {dispatch.state === 'offered' && (
            <>
              <Button type="primary" size="large" block loading={busy === 'accept'} onClick={() => void step('accept')} data-testid="guard-accept">
                {t('guard.step.accept')}
              </Button>
              <Button size="large" block loading={busy === 'decline'} onClick={() => void step('decline')} data-testid="guard-decline">
                {t('guard.step.decline')}
              </Button>
            </>
          )}
          {(dispatch.state === 'offered' || dispatch.state === 'accepted') && (
            <Button type={dispatch.state === 'accepted' ? 'primary' : 'default'} size="large" block loading={busy === 'arrive'} onClick={() => void step('arrive')} data-testid="guard-arrive">
              {t('guard.step.arrive')}
            </Button>
          )}
          {dispatch.state === 'arrived' && (
            <Button type="primary" size="large" block loading={busy === 'finish'} onClick={() => setFinishing(true)} data-testid="guard-finish">
              {t('guard.step.finish')}
            </Button>
          )}
        </div>
      )}
      {active && sop && (
        <div className="guard-sop">
          <Typography.Text strong>{t('alarms.sop.title')}</Typography.Text>
          <SopChecklist steps={sop} canEdit={dispatch.state === 'arrived' || dispatch.state === 'accepted'} onComplete={completeSop} onUpload={upload} />
        </div>
      )}
      {dispatch.note && <div className="guard-card-note">{dispatch.note}</div>}
      <NoteModal open={finishing} title={t('guard.step.finish')} required onCancel={() => setFinishing(false)} onOk={(note) => step('finish', note)} />
    </Card>
  );
}
