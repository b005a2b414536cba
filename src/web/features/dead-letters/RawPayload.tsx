import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DeadLetter } from '../../api/events.ts';
import { formatBytes } from './raw-preview.ts';

const TEXT_LIMIT = 4096;

/** The message as the device sent it: the text, its size and the base64 of the exact bytes. */
export function RawPayload({ letter }: { letter: DeadLetter }) {
  const { t } = useTranslation();
  return (
    <div className="dead-letter-raw" data-testid="dead-letter-raw">
      <pre className="json-block dead-letter-raw-text">{letter.rawText || t('deadLetters.emptyBody')}</pre>
      <div className="dead-letter-raw-meta">
        <Typography.Text type="secondary">
          {t('deadLetters.rawSize', { size: formatBytes(letter.size) })}
          {letter.size > TEXT_LIMIT && ` · ${t('deadLetters.textTruncated')}`}
        </Typography.Text>
        <Typography.Text type="secondary" copyable={letter.rawBase64 ? { text: letter.rawBase64, tooltips: [t('deadLetters.copyBase64'), t('deadLetters.copied')] } : false} data-testid="dead-letter-base64">
          {t('deadLetters.base64Length', { length: letter.rawBase64.length })}
        </Typography.Text>
      </div>
    </div>
  );
}
