import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAINTENANCE_KINDS } from '../../../shared/domain.ts';
import { ApiError } from '../../api/client.ts';
import { devicesApi } from '../../api/endpoints.ts';
import type { MaintenanceInput, MaintenanceRecord } from '../../api/types.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth, useSession } from '../auth/AuthProvider.tsx';
import { mapProblems } from './form-errors.ts';

const FIELDS = ['date', 'kind', 'performedBy', 'notes'];

/** A device's maintenance history (newest first) and, for maintainers, a way to add to it. */
export function MaintenancePanel({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { data, error, loading, reload } = useApi(() => devicesApi.maintenance(deviceId), [deviceId]);
  const [adding, setAdding] = useState(false);

  return (
    <div data-testid="maintenance-panel">
      <div className="section-head">
        <Typography.Title level={5}>{t('maintenance.title')}</Typography.Title>
        {can('maintenance.write') && !adding && (
          <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="maintenance-add">
            {t('maintenance.add')}
          </Button>
        )}
      </div>
      {adding && (
        <MaintenanceForm
          deviceId={deviceId}
          onDone={(saved) => {
            setAdding(false);
            if (saved) reload();
          }}
        />
      )}
      {error && <ErrorAlert error={error} title={t('maintenance.loadFailed')} onRetry={reload} />}
      <Table<MaintenanceRecord>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: t('maintenance.empty') }}
        columns={[
          { key: 'date', title: t('maintenance.date'), dataIndex: 'date', width: 110 },
          { key: 'kind', title: t('maintenance.kind'), dataIndex: 'kind', width: 100, render: (k: MaintenanceRecord['kind']) => t(`enum.maintenanceKind.${k}`) },
          { key: 'performedBy', title: t('maintenance.performedBy'), dataIndex: 'performedBy', width: 120 },
          { key: 'notes', title: t('maintenance.notes'), dataIndex: 'notes' },
        ]}
      />
    </div>
  );
}

function MaintenanceForm({ deviceId, onDone }: { deviceId: string; onDone: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const [form] = Form.useForm<MaintenanceInput>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string[] | null>(null);

  const submit = async (values: MaintenanceInput) => {
    setSaving(true);
    setProblem(null);
    try {
      await devicesApi.addMaintenance(deviceId, { ...values, performedBy: values.performedBy?.trim() ?? '', notes: values.notes?.trim() || null });
      void message.success(t('maintenance.added'));
      onDone(true);
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const mapped = mapProblems(err.details, (f) => (FIELDS.includes(f) ? [f] : null), t);
        form.setFields(mapped.fields as Parameters<typeof form.setFields>[0]);
        if (mapped.other.length) setProblem(mapped.other);
      } else setProblem([t('validation.fieldProblem', { field: errorTitle(err), message: errorMessage(err) })]);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form<MaintenanceInput>
      form={form}
      layout="vertical"
      className="maintenance-form"
      initialValues={{ date: dayjs().format('YYYY-MM-DD'), kind: 'inspection', performedBy: user.displayName }}
      onFinish={(v) => void submit(v)}
      data-testid="maintenance-form"
    >
      {problem && <Alert className="form-alert" type="error" showIcon title={problem.map((l) => <div key={l}>{l}</div>)} />}
      <Space align="start" wrap>
        <Form.Item name="date" label={t('maintenance.date')} required>
          <DateInput disabledFuture />
        </Form.Item>
        <Form.Item name="kind" label={t('maintenance.kind')} required>
          <Select className="maintenance-kind" options={MAINTENANCE_KINDS.map((k) => ({ value: k, label: t(`enum.maintenanceKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="performedBy" label={t('maintenance.performedBy')} required>
          <Input />
        </Form.Item>
      </Space>
      <Form.Item name="notes" label={t('maintenance.notes')}>
        <Input.TextArea rows={2} data-testid="maintenance-notes" />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="maintenance-save">
          {t('common.save')}
        </Button>
        <Button onClick={() => onDone(false)}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
}
