import { Form, InputNumber, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { complianceEvidenceApi, type ComplianceSettings } from '../../api/compliance-evidence.ts';
import { FormDrawer, useFormSave } from '../../components/FormDrawer.tsx';

type Values = { params: Record<string, Record<string, number | null>> };

/** 规则包参数: each tunable parameter with the pack's value and its range; the server refuses a looser value on the field. */
export function ParamsDrawer(p: { open: boolean; settings: ComplianceSettings; universityId?: string; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { saving, problem, setProblem, requestClose, save } = useFormSave(form, p.onClose);

  useEffect(() => {
    if (!p.open) return;
    setProblem(null);
    form.setFieldsValue({ params: Object.fromEntries(p.settings.rules.map((r) => [r.ruleId, Object.fromEntries(r.params.map((x) => [x.name, x.value]))])) });
  }, [p.open, p.settings, form, setProblem]);

  const submit = async () => {
    const v = form.getFieldsValue(true) as Values;
    const params: Record<string, Record<string, number>> = {};
    for (const r of p.settings.rules)
      for (const x of r.params) {
        const value = v.params?.[r.ruleId]?.[x.name];
        if (value !== null && value !== undefined && value !== x.baseline) (params[r.ruleId] ??= {})[x.name] = value;
      }
    const saved = await save(() => complianceEvidenceApi.putSettings({ universityId: p.universityId, params }), {
      saved: t('complianceEvidence.paramsSaved'),
      failed: t('complianceEvidence.paramsFailed'),
      fieldOf: (f) => (f.startsWith('params.') && f.split('.').length === 3 ? ['params', ...f.split('.').slice(1)] : null),
    });
    if (saved) p.onSaved();
  };

  return (
    <FormDrawer open={p.open} title={t('complianceEvidence.paramsTitle')} onClose={requestClose} onSave={() => void submit()} saving={saving} problem={problem} testId="compliance-params">
      <Form form={form} layout="vertical">
        {p.settings.rules.map((r) => (
          <div key={r.ruleId}>
            <Typography.Text strong>
              {r.ruleId} · {r.title}
            </Typography.Text>
            {r.params.map((x) => (
              <Form.Item
                key={x.name}
                name={['params', r.ruleId, x.name]}
                label={`${t([`complianceEvidence.paramOf.${r.ruleId}.${x.name}`, `complianceEvidence.param.${x.name}`], { defaultValue: x.name })}（${t('complianceEvidence.baseline', { value: x.baseline })}）`}
                extra={t('complianceEvidence.paramsHint', { dir: t(`complianceEvidence.stricter.${x.stricter}`), min: x.min, max: x.max })}
                style={{ marginTop: 8 }}
              >
                <InputNumber style={{ width: 200 }} data-testid={`compliance-param-${r.ruleId}-${x.name}`} />
              </Form.Item>
            ))}
          </div>
        ))}
      </Form>
    </FormDrawer>
  );
}
