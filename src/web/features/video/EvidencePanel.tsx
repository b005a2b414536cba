import { DownloadOutlined, ExportOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Form, Input, InputNumber, List, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LinkedCamera } from '../../api/alarms.ts';
import { evidenceApi } from '../../api/media.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';

interface ExportForm {
  deviceIds: string[];
  beforeS: number;
  afterS: number;
  reason: string;
}

/**
 * 视频证据 of an alarm: the clips exported so far with their SHA-256 (what the case file lists),
 * and, for those allowed, exporting clips of its linked cameras around the alarm's time.
 */
export function EvidencePanel({ alarmId, alarmAt, cameras }: { alarmId: string; alarmAt: string; cameras: LinkedCamera[] }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { data, error, reload } = useApi(() => evidenceApi.ofAlarm(alarmId), [alarmId]);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<ExportForm>();
  const names = new Map(cameras.map((c) => [c.id, c.name]));

  const submit = async (v: ExportForm) => {
    const at = Date.parse(alarmAt);
    setBusy(true);
    try {
      const res = await evidenceApi.export(alarmId, { deviceIds: v.deviceIds, from: new Date(at - v.beforeS * 1000).toISOString(), to: new Date(Math.min(Date.now(), at + v.afterS * 1000)).toISOString(), reason: v.reason.trim() });
      message.success(t('video.evidence.exported', { count: res.items.length }));
      setOpen(false);
      reload();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="evidence-panel">
      {error && <ErrorAlert error={error} onRetry={reload} />}
      <List
        size="small"
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('video.evidence.none') }}
        renderItem={(c) => (
          <List.Item
            data-testid="evidence-clip"
            actions={can('video.export') ? [<Button key="dl" size="small" icon={<DownloadOutlined />} href={c.url}>{t('video.evidence.download')}</Button>] : []}
          >
            <List.Item.Meta
              title={`${names.get(c.deviceId) ?? c.deviceId} · ${t('video.evidence.span', { from: formatDateTime(c.from), s: Math.round(c.durationS) })}`}
              description={
                <Space direction="vertical" size={0}>
                  <Typography.Text type="secondary">{t('video.evidence.by', { who: c.createdBy, reason: c.reason })}</Typography.Text>
                  <Typography.Text code copyable className="evidence-sha">
                    {c.sha256}
                  </Typography.Text>
                </Space>
              }
            />
          </List.Item>
        )}
      />
      {can('video.export') && (
        <Button icon={<ExportOutlined />} disabled={!cameras.length} onClick={() => setOpen(true)} data-testid="evidence-export">
          {t('video.evidence.export')}
        </Button>
      )}
      <Modal open={open} title={t('video.evidence.exportTitle')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
        <Form<ExportForm> form={form} layout="vertical" initialValues={{ deviceIds: cameras.slice(0, 4).map((c) => c.id), beforeS: 60, afterS: 120, reason: '' }} onFinish={submit}>
          <Form.Item name="deviceIds" label={t('video.evidence.cameras')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <Checkbox.Group options={cameras.map((c) => ({ value: c.id, label: c.name }))} />
          </Form.Item>
          <Space>
            <Form.Item name="beforeS" label={t('video.evidence.before')} rules={[{ required: true }]}>
              <InputNumber min={0} max={900} />
            </Form.Item>
            <Form.Item name="afterS" label={t('video.evidence.after')} rules={[{ required: true }]}>
              <InputNumber min={1} max={900} />
            </Form.Item>
          </Space>
          <Form.Item name="reason" label={t('video.evidence.reason')} rules={[{ required: true, min: 2, max: 200, whitespace: true }]}>
            <Input placeholder={t('video.evidence.reasonPlaceholder')} maxLength={200} data-testid="evidence-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
