import { Alert, App, Button, Drawer, Form, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { devicesApi } from '../../api/endpoints.ts';
import type { Device } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { useConfirmDiscard } from '../../components/useConfirmDiscard.ts';
import { deviceFieldOf, formValuesOf, payloadOf, type DeviceFormValues } from './device-form.ts';
import { DeviceFormFields } from './DeviceFormFields.tsx';
import { mapProblems, type MappedProblems, type NamePath } from './form-errors.ts';

interface DeviceFormDrawerProps {
  open: boolean;
  /** The device to edit; null registers a new one. */
  device: Device | null;
  /** Where a new device goes by default (the sidebar selection). */
  defaultLocation?: string;
  onClose: () => void;
  onSaved: (device: Device) => void;
}

export function DeviceFormDrawer({ open, device, defaultLocation, onClose, onSaved }: DeviceFormDrawerProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { index } = useOrg();
  const [form] = Form.useForm<DeviceFormValues>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ title: string; lines: string[] } | null>(null);
  const confirmDiscard = useConfirmDiscard();
  // Touched since opened (opening resets the form): closing asks before dropping the input.
  const requestClose = () => confirmDiscard(form.isFieldsTouched(), onClose);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(device ? formValuesOf(device) : { status: 'in_service', location: defaultLocation });
    setProblem(null);
  }, [open, device, defaultLocation, form]);

  const submit = async () => {
    const values = form.getFieldsValue(true) as DeviceFormValues;
    setSaving(true);
    setProblem(null);
    try {
      const body = payloadOf(values, index, device ?? undefined);
      const saved = device ? await devicesApi.update(device.id, body) : await devicesApi.create(body);
      void message.success(t(device ? 'ledger.saved' : 'ledger.created'));
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const mapped = mapProblems(err.details, deviceFieldOf, t, (f) => f);
        form.setFields(mapped.fields as Parameters<typeof form.setFields>[0]);
        setProblem({ title: t('ledger.saveFailed'), lines: mapped.other });
        if (mapped.fields[0]) form.scrollToField(mapped.fields[0].name as Parameters<typeof form.scrollToField>[0], { block: 'center' });
      } else setProblem({ title: errorTitle(err), lines: [errorMessage(err)] });
    } finally {
      setSaving(false);
    }
  };

  // A field the user touches loses the server's complaint about it.
  const clearErrors = (changed: Record<string, unknown>) => {
    const names: NamePath[] = Object.entries(changed).flatMap(([name, value]) =>
      name === 'camera' && value && typeof value === 'object' ? Object.keys(value).map((sub) => ['camera', sub]) : [[name]],
    );
    const cleared: MappedProblems['fields'] = names.map((name) => ({ name, errors: [] }));
    form.setFields(cleared as Parameters<typeof form.setFields>[0]);
  };

  return (
    <Drawer
      open={open}
      size={640}
      title={device ? t('ledger.editTitle', { name: device.name }) : t('ledger.createTitle')}
      onClose={requestClose}
      destroyOnHidden
      data-testid="device-form"
      extra={
        <Space>
          <Button onClick={requestClose} data-testid="device-form-cancel">
            {t('common.cancel')}
          </Button>
          <Button type="primary" loading={saving} onClick={() => void submit()} data-testid="device-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {problem && (
        <Alert
          className="form-alert"
          type="error"
          showIcon
          title={problem.title}
          description={problem.lines.length ? problem.lines.map((l) => <div key={l}>{l}</div>) : undefined}
          data-testid="device-form-error"
        />
      )}
      <Form<DeviceFormValues> form={form} layout="vertical" onValuesChange={clearErrors} onFinish={() => void submit()}>
        <DeviceFormFields />
      </Form>
    </Drawer>
  );
}
