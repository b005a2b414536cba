import { Alert, App, Button, Drawer, Space, type FormInstance } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldProblem } from '../../shared/error-codes.ts';
import { ApiError } from '../api/client.ts';
import { mapProblems, type NamePath } from '../features/ledger/form-errors.ts';
import { errorMessage, errorTitle } from './errors.ts';
import { useConfirmDiscard } from './useConfirmDiscard.ts';

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

export interface SaveOptions {
  /** The success message. */
  saved: string;
  /** The banner title when the server refused fields the form does not show. */
  failed: string;
  /** The form field that shows an API field (`doorIds.3` → ['doorIds']), or null for the banner. */
  fieldOf: (field: string) => NamePath | null;
  /** The server's problems in the user's words where the feature has its own. */
  reword?: (details: FieldProblem[]) => FieldProblem[];
}

/**
 * The state of a form in a FormDrawer: saving, the banner's problem, closing that asks before a
 * half-filled form is dropped, and `save`, which shows the server's field problems on the fields
 * (the others in the banner) or a success message.
 */
export function useFormSave(form: FormInstance, onClose: () => void) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const confirmDiscard = useConfirmDiscard();
  const requestClose = () => confirmDiscard(form.isFieldsTouched(), onClose);
  const save = async <R,>(run: () => Promise<R>, o: SaveOptions): Promise<R | undefined> => {
    setSaving(true);
    setProblem(null);
    try {
      const saved = await run();
      void message.success(o.saved);
      return saved;
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const mapped = mapProblems(o.reword ? o.reword(err.details) : err.details, o.fieldOf, t, (f) => f);
        form.setFields(mapped.fields as Parameters<typeof form.setFields>[0]);
        setProblem({ title: o.failed, lines: mapped.other });
      } else setProblem({ title: errorTitle(err), lines: [errorMessage(err)] });
      return undefined;
    } finally {
      setSaving(false);
    }
  };
  return { saving, problem, setProblem, requestClose, save };
}
