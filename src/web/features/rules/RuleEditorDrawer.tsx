import { Alert, App, Button, Drawer, Form, Input, Space, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import { ApiError } from '../../api/client.ts';
import { rulesApi, type AlarmRule } from '../../api/rules.ts';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { useConfirmDiscard } from '../../components/useConfirmDiscard.ts';
import { problemMessage } from '../ledger/form-errors.ts';
import { DryRunPanel } from './DryRunPanel.tsx';
import { formPathOf, newRule, switchTrigger, toDefinition } from './rule-form.ts';
import { RuleFormFields } from './RuleFormFields.tsx';

export type EditorTab = 'form' | 'json' | 'dryRun';

interface RuleEditorDrawerProps {
  open: boolean;
  /** The rule to edit; null creates one. */
  rule: AlarmRule | null;
  tab?: EditorTab;
  /** Where a new rule goes (city-wide accounts must name the university). */
  universityId?: string;
  canWrite: boolean;
  onClose: () => void;
  onSaved: (rule: AlarmRule) => void;
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/**
 * Create or edit a rule: a form for the common parts and the full rule as JSON, kept in step
 * (the form's values are the definition, so nothing the form has no field for is lost); the
 * server's 400 answer is shown at the fields it names. Saved rules can be tried on a device.
 */
export function RuleEditorDrawer({ open, rule, tab, universityId, canWrite, onClose, onSaved }: RuleEditorDrawerProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [active, setActive] = useState<EditorTab>('form');
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [problems, setProblems] = useState<FieldProblem[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<AlarmRule | null>(rule);
  /** Edited since opened or last saved (form or JSON). */
  const [dirty, setDirty] = useState(false);
  const confirmDiscard = useConfirmDiscard();
  const requestClose = () => confirmDiscard(dirty, onClose);

  const load = (definition: unknown) => {
    form.resetFields();
    form.setFieldsValue(definition as Record<string, unknown>);
  };

  useEffect(() => {
    if (!open) return;
    const def = rule ? structuredClone(rule.definition) : newRule();
    load(def);
    setJson(pretty(def));
    setActive(tab ?? 'form');
    setJsonError(null);
    setProblems(null);
    setFailure(null);
    setSaved(rule);
    setDirty(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, rule, tab]);

  /** The rule as it stands in whichever tab is shown; null when the JSON does not parse. */
  const current = (): unknown => {
    if (active !== 'json') return toDefinition(form.getFieldsValue(true));
    try {
      return JSON.parse(json) as unknown;
    } catch (err) {
      setJsonError(t('rules.json.parseError', { message: (err as Error).message }));
      return null;
    }
  };

  const switchTab = (next: EditorTab) => {
    if (next === active) return;
    if (active === 'json') {
      const parsed = current();
      if (parsed === null) return; // stay until the JSON parses
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        setJsonError(t('rules.json.notObject'));
        return;
      }
      load(parsed);
    } else if (active === 'form') setJson(pretty(toDefinition(form.getFieldsValue(true))));
    setJsonError(null);
    setActive(next);
    if (problems) showProblems(problems);
  };

  const showProblems = (details: FieldProblem[]) => {
    // Clear old complaints, then set the new ones where the form has the field.
    const names = new Map<string, { name: (string | number)[]; errors: string[] }>();
    for (const p of details) {
      const name = formPathOf(p.field);
      if (!name) continue;
      const key = JSON.stringify(name);
      const entry = names.get(key) ?? { name, errors: [] };
      entry.errors.push(problemMessage(p, t));
      names.set(key, entry);
    }
    form.setFields([...names.values()] as Parameters<typeof form.setFields>[0]);
  };

  const clearFieldErrors = () => {
    const withErrors = form.getFieldsError().filter((f) => f.errors.length);
    form.setFields(withErrors.map((f) => ({ name: f.name, errors: [] })));
  };

  const save = async () => {
    const definition = current();
    if (definition === null) return;
    setSaving(true);
    setProblems(null);
    setFailure(null);
    clearFieldErrors();
    try {
      const result = saved ? await rulesApi.update(saved.id, definition) : await rulesApi.create(definition, universityId);
      void message.success(t(saved ? 'rules.saved' : 'rules.created'));
      setSaved(result);
      load(result.definition);
      setJson(pretty(result.definition));
      setDirty(false);
      onSaved(result);
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        setProblems(err.details);
        showProblems(err.details);
      } else setFailure(err);
    } finally {
      setSaving(false);
    }
  };

  const onValuesChange = (changed: Record<string, unknown>) => {
    setDirty(true);
    const trigger = changed.trigger as Record<string, unknown> | undefined;
    if (trigger && typeof trigger.type === 'string' && Object.keys(trigger).length === 1) {
      form.setFieldValue('trigger', switchTrigger(form.getFieldValue('trigger') as Record<string, unknown>, trigger.type));
    }
  };

  const title = saved ? t('rules.editTitle', { name: saved.definition.name, version: saved.version }) : t('rules.createTitle');

  return (
    <Drawer
      open={open}
      size={760}
      title={title}
      onClose={requestClose}
      destroyOnHidden
      data-testid="rule-editor"
      extra={
        <Space>
          <Button onClick={requestClose} data-testid="rule-editor-close">
            {t('common.close')}
          </Button>
          {canWrite && active !== 'dryRun' && (
            <Button type="primary" loading={saving} onClick={() => void save()} data-testid="rule-save">
              {t('common.save')}
            </Button>
          )}
        </Space>
      }
    >
      {problems && (
        <Alert
          className="form-alert"
          type="error"
          showIcon
          title={t('rules.saveFailed')}
          description={
            <ul className="rule-problems" data-testid="rule-problems">
              {problems.map((p, i) => (
                <li key={i}>
                  <Typography.Text code>{p.field.replace(/^definition\.?/, '') || t('rules.json.root')}</Typography.Text> {problemMessage(p, t)}
                </li>
              ))}
            </ul>
          }
          data-testid="rule-form-error"
        />
      )}
      {failure !== null && <Alert className="form-alert" type="error" showIcon title={errorTitle(failure)} description={errorMessage(failure)} data-testid="rule-form-error" />}
      <Tabs
        activeKey={active}
        onChange={(k) => switchTab(k as EditorTab)}
        items={[
          {
            key: 'form',
            label: <span data-testid="rule-tab-form">{t('rules.tab.form')}</span>,
            forceRender: true,
            children: (
              <Form form={form} layout="vertical" onValuesChange={onValuesChange} disabled={!canWrite} data-testid="rule-form">
                <RuleFormFields universityId={saved?.universityId ?? universityId} />
              </Form>
            ),
          },
          {
            key: 'json',
            label: <span data-testid="rule-tab-json">{t('rules.tab.json')}</span>,
            children: (
              <div className="rule-json">
                <Typography.Paragraph type="secondary">{t('rules.json.hint')}</Typography.Paragraph>
                {jsonError && <Alert type="warning" showIcon title={jsonError} className="form-alert" data-testid="rule-json-error" />}
                <Input.TextArea
                  value={json}
                  onChange={(e) => {
                    setJson(e.target.value);
                    setDirty(true);
                    setJsonError(null);
                  }}
                  readOnly={!canWrite}
                  spellCheck={false}
                  autoSize={{ minRows: 18, maxRows: 40 }}
                  className="rule-json-text"
                  data-testid="rule-json"
                />
              </div>
            ),
          },
          {
            key: 'dryRun',
            disabled: !saved,
            label: <span data-testid="rule-tab-dry-run">{t('rules.tab.dryRun')}</span>,
            children: saved ? <DryRunPanel rule={saved} /> : null,
          },
        ]}
      />
    </Drawer>
  );
}
