import { Alert, Button, Card, DatePicker, Form, Input, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DOOR_CREDENTIALS, type DoorCredential } from '../../../shared/access-control.ts';
import { accessApi, type AccessCheckResult, type AccessDoor } from '../../api/access.ts';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { beijingInputToIso } from '../vehicles/vehicle-format.ts';

interface CheckValues {
  doorId?: string;
  credentialType: DoorCredential;
  credentialId?: string;
  direction?: 'in' | 'out';
  at?: Dayjs | null;
}

/** 模拟刷卡: asks the decider what a door would answer a credential, and shows why in words. */
export function AccessCheckPanel({ doors, loading }: { doors: AccessDoor[]; loading: boolean }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CheckValues>();
  const [result, setResult] = useState<AccessCheckResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const run = async () => {
    const v = form.getFieldsValue(true) as CheckValues;
    if (!v.doorId || !v.credentialId?.trim()) return;
    setRunning(true);
    setError(null);
    try {
      setResult(
        await accessApi.check({
          doorId: v.doorId,
          credentialType: v.credentialType,
          credentialId: v.credentialId.trim(),
          ...(v.direction ? { direction: v.direction } : {}),
          ...(v.at ? { at: beijingInputToIso(v.at.format('YYYY-MM-DD HH:mm')) } : {}),
        }),
      );
    } catch (err) {
      setResult(null);
      setError(`${errorTitle(err)}: ${errorMessage(err)}`);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Card size="small" className="access-check" title={t('access.check.title')} data-testid="access-check">
      <Typography.Paragraph type="secondary">{t('access.check.hint')}</Typography.Paragraph>
      <Form<CheckValues> form={form} layout="inline" initialValues={{ credentialType: 'card' }} onFinish={() => void run()} onValuesChange={() => setResult(null)}>
        <Form.Item name="doorId" label={t('access.check.door')}>
          <Select
            showSearch
            optionFilterProp="label"
            className="access-check-door"
            style={{ width: 300 }}
            loading={loading}
            disabled={loading && !doors.length}
            options={doors.map((d) => ({ value: d.doorId, label: d.buildingName ? `${d.buildingName} · ${d.name}` : d.name }))}
            data-testid="access-check-door"
          />
        </Form.Item>
        <Form.Item name="credentialType" label={t('access.check.credentialType')}>
          <Select className="access-check-type" style={{ width: 100 }} options={DOOR_CREDENTIALS.map((c) => ({ value: c, label: t(`access.door.credentialTypes.${c}`) }))} />
        </Form.Item>
        <Form.Item name="credentialId" label={t('access.check.credentialId')}>
          <Input maxLength={128} autoComplete="off" data-testid="access-check-credential" />
        </Form.Item>
        <Form.Item name="direction" label={t('access.check.direction')}>
          <Select allowClear className="access-check-type" style={{ width: 90 }} options={(['in', 'out'] as const).map((d) => ({ value: d, label: t(`access.check.directions.${d}`) }))} />
        </Form.Item>
        <Form.Item name="at" label={t('access.check.at')}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={running} data-testid="access-check-run">
            {t('access.check.run')}
          </Button>
        </Form.Item>
      </Form>
      {error && <Alert className="access-check-result" type="error" showIcon title={error} />}
      {result && (
        <Alert
          className="access-check-result"
          data-testid="access-check-result"
          type={result.decision === 'grant' ? 'success' : 'error'}
          showIcon
          title={result.decision === 'grant' ? t('access.check.grant') : `${t('access.check.deny')}：${result.reason ? t(`access.check.reason.${result.reason}`) : ''}`}
          description={
            <Space direction="vertical" size={0}>
              {result.personName && result.decision === 'grant' && <span>{t('access.check.grantDetail', { person: result.personName, group: result.groupName ?? '' })}</span>}
              {result.personName && result.decision === 'deny' && <span>{result.personName}</span>}
              {result.holdOpenUntil && <span>{t('access.check.holdOpen', { until: formatDateTime(result.holdOpenUntil).slice(0, 16) })}</span>}
            </Space>
          }
        />
      )}
    </Card>
  );
}
