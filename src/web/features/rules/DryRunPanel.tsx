import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Alert, Button, DatePicker, Descriptions, Empty, Form, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActionT } from '../../../shared/alarms.ts';
import type { EventKind } from '../../../shared/events.ts';
import { rulesApi, type AlarmRule, type DryRunAction, type DryRunResult } from '../../api/rules.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { translateDynamic } from '../../i18n/index.ts';
import { DeviceSearchSelect } from './DeviceSearchSelect.tsx';
import { kindLabel } from './RuleFormFields.tsx';

function Check({ ok, label }: { ok: boolean; label: string }) {
  return (
    <Tag color={ok ? 'green' : 'red'} icon={ok ? <CheckCircleFilled /> : <CloseCircleFilled />} data-ok={ok}>
      {label}
    </Tag>
  );
}

/** One action's outcome in words, with the cameras, doors or guards it would use. */
function ActionOutcome({ result, action, fires }: { result: DryRunAction; action: ActionT | undefined; fires: boolean }) {
  const { t } = useTranslation();
  const label = translateDynamic(`alarms.actionType.${result.type}`, result.type);
  let text: string;
  if (!fires) text = t('rules.dryRun.nothing');
  else if (action?.type === 'create_alarm') text = t('rules.dryRun.createAlarm', { p: action.priority, type: translateDynamic(`alarms.type.${action.alarmType}`, action.alarmType) }) + (action.latch ? t('rules.dryRun.latch') : '');
  else if (action?.type === 'link_cameras') text = t('rules.dryRun.cameras', { count: result.cameras?.length ?? 0 });
  else if (action?.type === 'door_command') text = t('rules.dryRun.doors', { command: t(`rules.doorCommand.${action.command}`), count: result.doors?.length ?? 0 });
  else if (action?.type === 'notify_guards') text = t('rules.dryRun.guards', { count: result.guards?.length ?? 0 });
  else if (action?.type === 'webhook') text = t('rules.dryRun.webhook', { url: action.url });
  else text = result.would;
  const far = (name: string, m: number | null) => (m === null ? name : t('rules.dryRun.withDistance', { name, m }));
  const list = [...(result.cameras ?? []).map((c) => far(c.name, c.distanceM)), ...(result.doors ?? []).map((d) => d.name), ...(result.guards ?? []).map((g) => far(g.name, g.distanceM))];
  return (
    <li data-testid="dry-run-action" data-type={result.type}>
      <Typography.Text strong>{label}</Typography.Text> {text}
      {list.length > 0 && <div className="dry-run-list">{list.join(t('alarms.sep'))}</div>}
    </li>
  );
}

/** What the saved rule would do for an event from a chosen device: checks and actions; nothing is sent. */
export function DryRunPanel({ rule }: { rule: AlarmRule }) {
  const { t } = useTranslation();
  const kinds = (rule.definition.trigger.kinds ?? []) as EventKind[];
  const [deviceId, setDeviceId] = useState<string>();
  const [kind, setKind] = useState<EventKind | undefined>(kinds[0]);
  const [at, setAt] = useState<Dayjs | null>(null);
  const [result, setResult] = useState<DryRunResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);

  const run = async () => {
    if (!deviceId) return;
    setRunning(true);
    setError(null);
    try {
      setResult(await rulesApi.dryRun(rule.id, { deviceId, kind, at: at ? at.toISOString() : undefined }));
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="dry-run" data-testid="dry-run">
      <Typography.Paragraph type="secondary">{t('rules.dryRun.hint', { version: rule.version })}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t('rules.dryRun.device')}>
          <DeviceSearchSelect value={deviceId} onChange={(v) => setDeviceId(v as string | undefined)} universityId={rule.universityId} data-testid="dry-run-device" />
        </Form.Item>
        <Space wrap>
          <Form.Item label={t('rules.dryRun.kind')}>
            <Select value={kind} onChange={setKind} options={kinds.map((k) => ({ value: k, label: kindLabel(k) }))} className="dry-run-kind" />
          </Form.Item>
          <Form.Item label={t('rules.dryRun.at')} tooltip={t('rules.dryRun.atHint')}>
            <DatePicker showTime value={at} onChange={setAt} placeholder={t('rules.dryRun.now')} presets={[{ label: t('rules.dryRun.now'), value: dayjs() }]} />
          </Form.Item>
        </Space>
        <Button type="primary" disabled={!deviceId} loading={running} onClick={() => void run()} data-testid="dry-run-submit">
          {t('rules.dryRun.run')}
        </Button>
      </Form>
      {error !== null && <ErrorAlert error={error} />}
      {result ? (
        <div className="dry-run-result" data-testid="dry-run-result" data-fires={result.fires}>
          <Alert
            type={result.fires ? 'warning' : 'info'}
            showIcon
            title={result.fires ? t('rules.dryRun.fires', { device: result.device.name }) : t('rules.dryRun.silent', { device: result.device.name })}
            description={formatDateTime(result.at)}
          />
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                key: 'checks',
                label: t('rules.dryRun.checks'),
                children: (
                  <Space wrap>
                    <Check ok={result.checks.kindMatches} label={t('rules.dryRun.kindMatches', { kind: kindLabel(result.kind) })} />
                    <Check ok={result.checks.scopeMatches} label={t('rules.dryRun.scopeMatches')} />
                    <Check ok={result.checks.armed} label={result.checks.armed ? t('rules.dryRun.armed') : t('rules.dryRun.disarmed')} />
                  </Space>
                ),
              },
              {
                key: 'actions',
                label: t('rules.form.actions'),
                children: (
                  <ul className="dry-run-actions">
                    {result.actions.map((a, i) => (
                      <ActionOutcome key={i} result={a} action={rule.definition.actions[i]} fires={result.fires} />
                    ))}
                  </ul>
                ),
              },
            ]}
          />
        </div>
      ) : (
        !error && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rules.dryRun.empty')} />
      )}
    </div>
  );
}
