import { Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

interface NoteModalProps {
  open: boolean;
  title: string;
  /** A note must be written before OK. */
  required: boolean;
  onOk: (note: string) => Promise<void>;
  onCancel: () => void;
}

/** Asks for a note before a step (false alarm, reset, finishing on site). */
export function NoteModal({ open, title, required, onOk, onCancel }: NoteModalProps) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const tooShort = required && note.trim().length < 2;
  return (
    <Modal
      open={open}
      title={title}
      okText={t('alarms.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: tooShort, loading: busy, 'data-testid': 'note-ok' } as never}
      onCancel={onCancel}
      destroyOnHidden
      afterClose={() => setNote('')}
      onOk={async () => {
        setBusy(true);
        try {
          await onOk(note.trim());
        } finally {
          setBusy(false);
        }
      }}
    >
      <Input.TextArea
        autoFocus
        rows={3}
        maxLength={2000}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        placeholder={required ? t('alarms.noteRequired') : t('alarms.noteOptional')}
        data-testid="note-input"
      />
    </Modal>
  );
}
