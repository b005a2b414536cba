import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Severity } from '../../../shared/events.ts';
import { SEVERITY_STYLE } from './event-kinds.ts';

export function SeverityTag({ severity }: { severity: Severity }) {
  const { t } = useTranslation();
  return (
    <Tag color={SEVERITY_STYLE[severity].tag} className="event-severity" data-severity={severity}>
      {t(`events.severity.${severity}`)}
    </Tag>
  );
}
