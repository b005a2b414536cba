import { Checkbox, Form, Radio, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { DOOR_CREDENTIALS, type DoorCredential, type DoorMode } from '../../../shared/access-control.ts';
import type { ScheduleT } from '../../../shared/alarms.ts';
import { accessApi, type AccessDoor } from '../../api/access.ts';
import { FormDrawer, useFormSave } from '../../components/FormDrawer.tsx';
import { ScheduleFields } from '../../components/ScheduleFields.tsx';
import { accessProblem } from './access-format.ts';

interface FormValues {
  mode: DoorMode;
  credentials: DoorCredential[];
  antiPassback: boolean;
  firstCardUnlock: boolean;
  schedule?: ScheduleT;
}

const OFFICE_HOURS: ScheduleT = { periods: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '17:30' }], holidays: 'disarmed', vacations: 'as_scheduled' };
const FIELDS = ['mode', 'credentials', 'antiPassback', 'firstCardUnlock'];

/** How one door decides and what it reads; the normally-open hours for first-card unlock (the form's `schedule`). */
export function AccessDoorDrawer({ door, onClose, onSaved }: { door: AccessDoor | null; onClose: () => void; onSaved: (d: AccessDoor) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const { saving, problem, setProblem, requestClose, save } = useFormSave(form, onClose);

  useEffect(() => {
    if (!door) return;
    form.resetFields();
    form.setFieldsValue({ mode: door.mode, credentials: door.credentials, antiPassback: door.antiPassback, firstCardUnlock: door.firstCardUnlock, schedule: door.normallyOpen ?? undefined });
    setProblem(null);
  }, [door, form]);

  const submit = async () => {
    if (!door) return;
    const v = form.getFieldsValue(true) as FormValues;
    const saved = await save(() => accessApi.setDoor(door.doorId, { mode: v.mode, credentials: v.credentials ?? [], antiPassback: !!v.antiPassback, firstCardUnlock: !!v.firstCardUnlock, normallyOpen: v.schedule ?? null }), {
      saved: t('access.door.saved'),
      failed: t('access.door.settingsTitle', { name: door.name }),
      fieldOf: (f) => (f === 'normallyOpen' ? ['firstCardUnlock'] : FIELDS.includes(f) ? [f] : null),
      reword: (details) => details.map((p) => accessProblem(p, t)),
    });
    if (saved) onSaved(saved);
  };

  return (
    <FormDrawer open={!!door} title={t('access.door.settingsTitle', { name: door?.name ?? '' })} onClose={requestClose} onSave={() => void submit()} saving={saving} problem={problem} testId="access-door">
      <Form<FormValues> form={form} layout="vertical" onFinish={() => void submit()}>
        <Form.Item name="mode" label={t('access.door.mode')} extra={t('access.door.modeHint')}>
          <Radio.Group optionType="button" options={(['online', 'offline'] as const).map((m) => ({ value: m, label: t(`access.door.modes.${m}`) }))} data-testid="access-door-mode" />
        </Form.Item>
        <Form.Item name="credentials" label={t('access.door.credentials')} extra={t('access.door.faceHint')}>
          <Checkbox.Group options={DOOR_CREDENTIALS.map((c) => ({ value: c, label: t(`access.door.credentialTypes.${c}`) }))} data-testid="access-door-credentials" />
        </Form.Item>
        <Form.Item name="antiPassback" label={t('access.door.antiPassback')} valuePropName="checked" extra={t('access.door.antiPassbackHint')}>
          <Switch />
        </Form.Item>
        <Form.Item name="firstCardUnlock" label={t('access.door.firstCardUnlock')} valuePropName="checked" extra={t('access.door.firstCardHint')}>
          <Switch />
        </Form.Item>
        <ScheduleFields
          title={t('access.door.normallyOpen')}
          emptyText={t('access.door.normallyOpenEmpty')}
          defaultSchedule={OFFICE_HOURS}
          holidayLabel={(v) => t(`access.holidays.${v}`)}
          vacationLabel={(v) => t(`access.vacations.${v}`)}
          testId="access-door"
        />
      </Form>
    </FormDrawer>
  );
}
