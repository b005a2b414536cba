import { Alert, Button, Drawer, Space } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A problem of the save that belongs to no field: a title and its lines. */
export interface FormProblem {
  title: string;
  lines: string[];
}

/**
 * A form in a drawer: cancel and save at the top, the server's problems that fit no field above the
 * form. Test ids `${testId}-form` and `${testId}-save`.
 */
export function FormDrawer(p: { open: boolean; title: string; onClose: () => void; onSave: () => void; saving: boolean; problem: FormProblem | null; testId: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Drawer
      open={p.open}
      size={520}
      title={p.title}
      onClose={p.onClose}
      destroyOnHidden
      data-testid={`${p.testId}-form`}
      extra={
        <Space>
          <Button onClick={p.onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={p.saving} onClick={p.onSave} data-testid={`${p.testId}-save`}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {p.problem && <Alert className="form-alert" type="error" showIcon title={p.problem.title} description={p.problem.lines.length ? p.problem.lines.map((l) => <div key={l}>{l}</div>) : undefined} />}
      {p.children}
    </Drawer>
  );
}
