import { DatePicker, Form, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { PERSON_KINDS, PERSON_LIMITS, PERSON_STATUSES, type PersonInput, type PersonKind, type PersonStatus, type PersonUpdate } from '../../../shared/people.ts';
import { peopleApi, type Person } from '../../api/people.ts';
import { FormDrawer, useFormSave } from '../../components/FormDrawer.tsx';

interface FormValues {
  name: string;
  number: string;
  kind: PersonKind;
  department?: string;
  idNumber?: string;
  phone?: string;
  status: PersonStatus;
  validUntil?: Dayjs | null;
}

const FIELDS = ['name', 'number', 'kind', 'department', 'idNumber', 'phone', 'status', 'validUntil'];

export interface PersonFormDrawerProps {
  open: boolean;
  person: Person | null;
  /** City-wide accounts: the university selected in the sidebar. */
  universityId?: string;
  onClose: () => void;
  onSaved: (p: Person) => void;
}

/**
 * New or changed person. The form never holds the raw id number or phone: on edit those fields
 * start empty (the masked value is shown as a hint) and are sent only when retyped.
 */
export function PersonFormDrawer({ open, person, universityId, onClose, onSaved }: PersonFormDrawerProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const { saving, problem, setProblem, requestClose, save } = useFormSave(form, onClose);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      person
        ? { name: person.name, number: person.number, kind: person.kind, department: person.department ?? undefined, status: person.status, validUntil: person.validUntil ? dayjs(person.validUntil) : null }
        : { kind: 'student', status: 'active' },
    );
    setProblem(null);
  }, [open, person, form]);

  const submit = async () => {
    const v = form.getFieldsValue(true) as FormValues;
    const common = {
      name: v.name ?? '',
      number: (v.number ?? '').trim(),
      kind: v.kind,
      department: v.department?.trim() || null,
      status: v.status,
      validUntil: v.validUntil ? v.validUntil.format('YYYY-MM-DD') : null,
    };
    // Left empty on edit = keep the stored value (the console only knows the masked one).
    const personal = { ...(v.idNumber?.trim() ? { idNumber: v.idNumber.trim() } : person ? {} : { idNumber: null }), ...(v.phone?.trim() ? { phone: v.phone.trim() } : person ? {} : { phone: null }) };
    const saved = await save(() => (person ? peopleApi.update(person.id, { ...common, ...personal } satisfies PersonUpdate) : peopleApi.create({ ...common, ...personal, universityId } satisfies PersonInput)), {
      saved: t('people.saved'),
      failed: t('people.saveFailed'),
      fieldOf: (f) => (FIELDS.includes(f) ? [f] : null),
    });
    if (saved) onSaved(saved);
  };

  return (
    <FormDrawer open={open} title={person ? t('people.editTitle') : t('people.createTitle')} onClose={requestClose} onSave={() => void submit()} saving={saving} problem={problem} testId="person">
      <Form<FormValues> form={form} layout="vertical" onValuesChange={(changed) => form.setFields(Object.keys(changed).map((name) => ({ name: name as keyof FormValues, errors: [] })))} onFinish={() => void submit()}>
        <Form.Item name="name" label={t('people.name')} required>
          <Input maxLength={PERSON_LIMITS.name} data-testid="person-name" />
        </Form.Item>
        <Form.Item name="number" label={t('people.number')} required>
          <Input maxLength={PERSON_LIMITS.number} data-testid="person-number" />
        </Form.Item>
        <Form.Item name="kind" label={t('people.kind')} required>
          <Select options={PERSON_KINDS.map((k) => ({ value: k, label: t(`enum.personKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="department" label={t('people.department')}>
          <Input maxLength={PERSON_LIMITS.department} />
        </Form.Item>
        <Form.Item name="idNumber" label={t('people.idNumber')} extra={person?.idNumber ? t('people.keepMasked', { value: person.idNumber }) : undefined}>
          <Input maxLength={32} autoComplete="off" data-testid="person-id-number-input" />
        </Form.Item>
        <Form.Item name="phone" label={t('people.phone')} extra={person?.phone ? t('people.keepMasked', { value: person.phone }) : undefined}>
          <Input maxLength={20} autoComplete="off" />
        </Form.Item>
        <Form.Item name="status" label={t('people.status')}>
          <Select options={PERSON_STATUSES.map((s) => ({ value: s, label: t(`enum.personStatus.${s}`) }))} />
        </Form.Item>
        <Form.Item name="validUntil" label={t('people.validUntil')}>
          <DatePicker />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}
