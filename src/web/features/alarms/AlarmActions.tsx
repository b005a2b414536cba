import { App, Button, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmStep } from '../../../shared/alarms.ts';
import { alarmsApi, type Alarm, type SopStep } from '../../api/alarms.ts';
import { allowedSteps, openMandatory } from './alarm-format.ts';
import { NoteModal } from './NoteModal.tsx';

/** Steps that ask for a note first; `true` when the note is required. */
const NOTE_STEPS: Partial<Record<AlarmStep | 'reset', boolean>> = { false_alarm: true, reset: true, resolve: false, close: false };

interface AlarmActionsProps {
  alarm: Alarm;
  sop: SopStep[];
  canHandle: boolean;
  onDone: () => void;
  onError: (err: unknown) => void;
}

/** Buttons for the next steps the lifecycle allows, the latch reset, and why closing must wait. */
export function AlarmActions({ alarm, sop, canHandle, onDone, onError }: AlarmActionsProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [asking, setAsking] = useState<AlarmStep | 'reset' | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const open = openMandatory(sop);
  const closeBlockers = [...(alarm.latched ? [t('alarms.blockLatched')] : []), ...open.map((s) => t('alarms.blockSop', { title: s.title }))];

  const run = async (step: AlarmStep | 'reset', note?: string) => {
    setBusy(step);
    try {
      if (step === 'reset') await alarmsApi.reset(alarm.id, note ?? '');
      else await alarmsApi.step(alarm.id, step, note);
      void message.success(t('alarms.stepDone', { step: t(`alarms.step.${step}`) }));
      setAsking(null);
      onDone();
    } catch (err) {
      setAsking(null);
      onError(err);
    } finally {
      setBusy(null);
    }
  };

  const click = (step: AlarmStep | 'reset') => (step in NOTE_STEPS ? setAsking(step) : void run(step));
  const steps = allowedSteps(alarm.state);
  return (
    <>
      <Space wrap className="alarm-actions" data-testid="alarm-actions">
        {steps.map((step) => {
          const blocked = step === 'close' && closeBlockers.length > 0;
          const button = (
            <Button
              key={step}
              type={step === 'false_alarm' ? 'default' : 'primary'}
              danger={step === 'false_alarm'}
              disabled={!canHandle || blocked}
              loading={busy === step}
              onClick={() => click(step)}
              data-testid={`alarm-step-${step}`}
            >
              {t(`alarms.step.${step}`)}
            </Button>
          );
          return blocked ? (
            <Tooltip key={step} title={closeBlockers.join('；')}>
              <span>{button}</span>
            </Tooltip>
          ) : (
            button
          );
        })}
        {alarm.latched && (
          <Button danger type="dashed" disabled={!canHandle} loading={busy === 'reset'} onClick={() => click('reset')} data-testid="alarm-reset">
            {t('alarms.step.reset')}
          </Button>
        )}
      </Space>
      {steps.includes('close') && closeBlockers.length > 0 && (
        <div className="alarm-close-blockers" data-testid="alarm-close-blockers">
          {t('alarms.closeBlocked', { reasons: closeBlockers.join('；') })}
        </div>
      )}
      <NoteModal
        open={asking !== null}
        title={asking ? t(`alarms.step.${asking}`) : ''}
        required={asking ? NOTE_STEPS[asking] === true : false}
        onCancel={() => setAsking(null)}
        onOk={(note) => run(asking!, note || undefined)}
      />
    </>
  );
}
