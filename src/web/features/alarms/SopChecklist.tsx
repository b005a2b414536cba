import { CheckCircleFilled, ClockCircleOutlined } from '@ant-design/icons';
import { Button, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SopInput, SopStep } from '../../api/alarms.ts';
import { formatDateTime } from '../../components/format.ts';
import './sop.css';

export interface SopChecklistProps {
  steps: SopStep[];
  canEdit: boolean;
  onComplete: (key: string, input: SopInput) => Promise<void>;
  /** Uploads a photo and answers its id. */
  onUpload: (file: File) => Promise<string>;
  /** Where a done step's photo can be seen (omitted where the user may not read photos). */
  photoUrl?: (photoId: string) => string;
}

/** The procedure (SOP): ordered steps, mandatory ones marked, a note or photo where the step needs one. */
export function SopChecklist({ steps, canEdit, onComplete, onUpload, photoUrl }: SopChecklistProps) {
  return (
    <ol className="sop-list" data-testid="sop-list">
      {steps.map((s) => (
        <SopRow key={s.key} step={s} canEdit={canEdit} onComplete={onComplete} onUpload={onUpload} photoUrl={photoUrl} />
      ))}
    </ol>
  );
}

function SopRow({ step, canEdit, onComplete, onUpload, photoUrl }: Omit<SopChecklistProps, 'steps'> & { step: SopStep }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const done = !!step.doneAt;
  const ready = step.requires === 'note' ? note.trim().length > 0 : step.requires === 'photo' ? !!file : true;

  const submit = async () => {
    setBusy(true);
    try {
      const photoId = file ? await onUpload(file) : undefined;
      await onComplete(step.key, { ...(note.trim() ? { note: note.trim() } : {}), ...(photoId ? { photoId } : {}) });
      setNote('');
      setFile(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`sop-step${done ? ' is-done' : ''}`} data-testid="sop-step" data-key={step.key} data-done={done}>
      <div className="sop-step-head">
        {done ? <CheckCircleFilled className="sop-icon-done" /> : <ClockCircleOutlined className="sop-icon-open" />}
        <Typography.Text className="sop-title">{step.title}</Typography.Text>
        {step.mandatory && <Tag color="red">{t('alarms.sop.mandatory')}</Tag>}
        {step.requires !== 'none' && <Tag>{t(`alarms.sop.requires.${step.requires}`)}</Tag>}
      </div>
      {done ? (
        <div className="sop-done">
          {t('alarms.sop.doneBy', { who: step.doneBy ?? '', at: formatDateTime(step.doneAt) })}
          {step.note && <div className="sop-note">{step.note}</div>}
          {step.photoId && photoUrl && (
            <a href={photoUrl(step.photoId)} target="_blank" rel="noreferrer">
              <img className="sop-photo" src={photoUrl(step.photoId)} alt={step.title} />
            </a>
          )}
        </div>
      ) : (
        canEdit && (
          <Space.Compact className="sop-form" block>
            {step.requires !== 'none' || !step.mandatory ? (
              <Input
                size="small"
                value={note}
                onChange={(e) => setNote(e.target.value)}
                placeholder={step.requires === 'note' ? t('alarms.noteRequired') : t('alarms.noteOptional')}
                data-testid="sop-note"
              />
            ) : null}
            {step.requires === 'photo' && (
              <label className="sop-file">
                <input type="file" accept="image/*" capture="environment" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="sop-photo" />
              </label>
            )}
            <Button size="small" type="primary" disabled={!ready} loading={busy} onClick={() => void submit()} data-testid="sop-complete">
              {t('alarms.sop.complete')}
            </Button>
          </Space.Compact>
        )
      )}
    </li>
  );
}
