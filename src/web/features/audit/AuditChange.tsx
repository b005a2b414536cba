import { Col, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../api/types.ts';

/** The stored before/after snapshots of one audited change. */
export function AuditChange({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const block = (value: unknown) => (value == null ? <div className="audit-empty">{t('common.empty')}</div> : <pre className="json-block">{JSON.stringify(value, null, 2)}</pre>);
  return (
    <Row gutter={16}>
      <Col span={12}>
        <Typography.Text strong>{t('audit.before')}</Typography.Text>
        {block(entry.before)}
      </Col>
      <Col span={12}>
        <Typography.Text strong>{t('audit.after')}</Typography.Text>
        {block(entry.after)}
      </Col>
    </Row>
  );
}
