import { KeyOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Descriptions, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { credentialsApi, GB_EXCHANGE_KINDS, gbApi, type GbExchange, type GbExchangeKind, type GbPlatformStatus, type IssuedDeviceCredentials } from '../../api/gb28181.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { translateDynamic } from '../../i18n/index.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { addressMismatch, clockOffsetTooLarge, formatOffsetSeconds, gbEdition, reasonKey } from './gb-format.ts';
import './gb28181.css';

/** How often an open panel asks again: an installer watches the device register. */
const POLL_MS = 5000;

const RESULT_COLOR: Record<GbExchange['result'], string> = { ok: 'success', refused: 'error', failed: 'warning' };

interface ExchangeRow extends GbExchange {
  kind: GbExchangeKind;
}

/**
 * 国标接入: a GB/T 28181 device's registration, NAT and clock diagnostics, the last exchange of
 * each kind with why it was refused, and (for maintainers) issuing the SIP password with the
 * parameters an installer types into the camera or NVR.
 */
export function GbAccessPanel({ deviceId, gbId }: { deviceId: string; gbId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [tick, setTick] = useState(0);
  const diag = useApi((signal) => gbApi.diagnostics(deviceId, signal), [deviceId, tick]);
  const status = useApi((signal) => gbApi.status(signal), []);
  const [issued, setIssued] = useState<IssuedDeviceCredentials | null>(null);
  const [issuing, setIssuing] = useState(false);
  const [issueError, setIssueError] = useState<unknown>(null);

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), POLL_MS);
    return () => clearInterval(timer);
  }, [deviceId]);
  useEffect(() => setIssued(null), [deviceId]);

  const issue = async () => {
    setIssuing(true);
    setIssueError(null);
    try {
      setIssued(await credentialsApi.issue(deviceId));
    } catch (err) {
      setIssueError(err);
    } finally {
      setIssuing(false);
    }
  };

  const data = diag.data;
  const view = data?.device ?? null;
  const dash = t('common.empty');

  return (
    <div data-testid="gb-panel" className="gb-panel">
      <div className="section-head">
        <Typography.Title level={5}>{t('gb28181.title')}</Typography.Title>
        <Space>
          <Tooltip title={t('common.refresh')}>
            <Button size="small" icon={<ReloadOutlined />} onClick={() => setTick((n) => n + 1)} aria-label={t('common.refresh')} data-testid="gb-refresh" />
          </Tooltip>
          {can('device.write') && (
            <Popconfirm title={t('gb28181.issueConfirm')} onConfirm={() => void issue()} okText={t('gb28181.issueOk')} cancelText={t('common.cancel')}>
              <Button size="small" icon={<KeyOutlined />} loading={issuing} data-testid="gb-issue">
                {t('gb28181.issue')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      </div>
      {issueError !== null && (
        <Alert className="form-alert" type="error" showIcon title={t('gb28181.issueFailed')} description={t('validation.fieldProblem', { field: errorTitle(issueError), message: errorMessage(issueError) })} />
      )}
      {issued && <SipParameters gbId={gbId} issued={issued} status={status.data} onDone={() => setIssued(null)} />}
      {diag.error && !data && <ErrorAlert error={diag.error} title={t('gb28181.loadFailed')} onRetry={diag.reload} />}
      {data && (
        <>
          <Descriptions size="small" bordered column={2} items={registrationItems()} className="gb-descriptions" data-testid="gb-registration" />
          {!view && <Alert className="gb-gap" type="info" showIcon title={t('gb28181.neverRegistered')} />}
          {view && <ExchangeTable exchanges={view.exchanges} />}
        </>
      )}
    </div>
  );

  function registrationItems(): DescriptionsProps['items'] {
    const registered = data?.registered ?? false;
    const seen = view?.address ? `${view.transport ?? ''} ${view.address}:${view.port ?? ''}`.trim() : null;
    const nat = addressMismatch(seen, view?.contact);
    const edition = gbEdition(view?.gbVersion);
    const offset = view?.clockOffsetMs ?? null;
    return [
      {
        key: 'registration',
        label: t('gb28181.registration'),
        span: 2,
        children: (
          <Space size={12} wrap>
            <Badge status={registered ? 'success' : 'default'} text={registered ? t('gb28181.registered') : t('gb28181.notRegistered')} data-testid="gb-registered" />
            {registered && view?.expiresAt && <Typography.Text type="secondary">{t('gb28181.expiresAt', { time: formatDateTime(view.expiresAt) })}</Typography.Text>}
          </Space>
        ),
      },
      { key: 'transport', label: t('gb28181.transport'), children: <span data-testid="gb-transport">{view?.transport ?? dash}</span> },
      {
        key: 'version',
        label: t('gb28181.gbVersion'),
        children: view?.gbVersion ? (
          <span data-testid="gb-version">
            {edition ?? t('gb28181.gbVersionUnknown', { version: view.gbVersion })}
            {edition && <Typography.Text type="secondary"> (X-GB-Ver {view.gbVersion})</Typography.Text>}
          </span>
        ) : (
          dash
        ),
      },
      { key: 'registeredAt', label: t('gb28181.registeredAt'), children: view?.registeredAt ? formatDateTime(view.registeredAt) : dash },
      { key: 'keepalive', label: t('gb28181.lastKeepalive'), children: view?.lastKeepaliveAt ? formatDateTime(view.lastKeepaliveAt) : dash },
      {
        key: 'seen',
        label: t('gb28181.seenAddress'),
        span: 2,
        children: <span className={nat ? 'gb-nat' : undefined}>{view?.address ? `${view.address}:${view.port ?? ''}` : dash}</span>,
      },
      {
        key: 'declared',
        label: t('gb28181.declaredAddress'),
        span: 2,
        children: <span className={nat ? 'gb-nat' : undefined}>{view?.contact ?? dash}</span>,
      },
      ...(nat
        ? [
            {
              key: 'nat',
              span: 2,
              label: <WarningOutlined className="gb-warn-icon" />,
              children: (
                <div data-testid="gb-nat">
                  <Typography.Text type="warning" strong>
                    {t('gb28181.natHint')}
                  </Typography.Text>
                  <div className="gb-note">{t('gb28181.natHintDetail')}</div>
                </div>
              ),
            },
          ]
        : []),
      {
        key: 'clock',
        span: 2,
        label: <Tooltip title={t('gb28181.clockOffsetHint')}>{t('gb28181.clockOffset')}</Tooltip>,
        children:
          offset === null ? (
            dash
          ) : (
            <span data-testid="gb-clock">
              {t('gb28181.clockOffsetValue', { seconds: formatOffsetSeconds(offset) })}
              {clockOffsetTooLarge(offset) && (
                <Tag color="warning" className="gb-tag-gap" icon={<WarningOutlined />}>
                  {t('gb28181.clockWarn')}
                </Tag>
              )}
            </span>
          ),
      },
      { key: 'userAgent', label: t('gb28181.userAgent'), span: 2, children: view?.userAgent ?? dash },
    ];
  }
}

/** The last exchange of each kind, in the standard's order (register, keepalive, catalog, alarm, message). */
function ExchangeTable({ exchanges }: { exchanges: Partial<Record<GbExchangeKind, GbExchange>> }) {
  const { t } = useTranslation();
  const rows: ExchangeRow[] = GB_EXCHANGE_KINDS.flatMap((kind) => (exchanges[kind] ? [{ ...exchanges[kind], kind }] : []));
  return (
    <>
      <Typography.Text strong className="gb-subtitle">
        {t('gb28181.exchanges')}
      </Typography.Text>
      <Table<ExchangeRow>
        size="small"
        rowKey="kind"
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('gb28181.noExchanges') }}
        data-testid="gb-exchanges"
        columns={[
          { key: 'kind', title: t('gb28181.exchangeKind'), dataIndex: 'kind', width: 64, render: (k: GbExchangeKind) => t(`gb28181.kind.${k}`) },
          {
            key: 'result',
            title: t('gb28181.exchangeResult'),
            dataIndex: 'result',
            width: 72,
            render: (r: GbExchange['result']) => <Tag color={RESULT_COLOR[r]}>{t(`gb28181.result.${r}`)}</Tag>,
          },
          { key: 'status', title: t('gb28181.sipStatus'), dataIndex: 'status', width: 76 },
          { key: 'at', title: t('gb28181.at'), dataIndex: 'at', width: 100, render: (at: string) => <span className="gb-time">{formatDateTime(at)}</span> },
          { key: 'reason', title: t('gb28181.reasonColumn'), render: (_: unknown, row) => <ExchangeReason row={row} /> },
        ]}
      />
    </>
  );
}

/** An event kind in a reason (`device.fault`) by its name in the events list. */
const eventKindNamed = (params: Record<string, string>) =>
  params.kind ? { ...params, kind: translateDynamic(`events.kind.${params.kind.replace('.', '_')}`, params.kind) } : params;

function ExchangeReason({ row }: { row: ExchangeRow }) {
  const { t } = useTranslation();
  const mapped = reasonKey(row.reason);
  const nat = addressMismatch(row.seenFrom, row.declared);
  return (
    <div data-testid={`gb-reason-${row.kind}`}>
      {mapped ? (
        <>
          <div className={row.result === 'ok' ? undefined : 'gb-reason-bad'}>{translateDynamic(`gb28181.reason.${mapped.key}`, row.reason, eventKindNamed(mapped.params))}</div>
          <div className="gb-note">{row.reason}</div>
        </>
      ) : (
        <div className={row.result === 'ok' ? undefined : 'gb-reason-bad'}>{row.reason}</div>
      )}
      <div className="gb-note">
        {t('gb28181.from', { seen: row.seenFrom })}
        {row.declared && nat && <span className="gb-nat"> · {t('gb28181.declared', { declared: row.declared })}</span>}
      </div>
    </div>
  );
}

/** What the installer types into the camera or NVR, with the password shown this once. */
function SipParameters({ gbId, issued, status, onDone }: { gbId: string; issued: IssuedDeviceCredentials; status: GbPlatformStatus | undefined; onDone: () => void }) {
  const { t } = useTranslation();
  const dash = t('common.empty');
  const copy = (text: string) => ({ text });
  const items: DescriptionsProps['items'] = [
    { key: 'platformId', label: t('gb28181.platformId'), children: status ? <Typography.Text copyable={copy(status.platformId)} data-testid="gb-param-platform-id">{status.platformId}</Typography.Text> : dash },
    { key: 'domain', label: t('gb28181.domain'), children: status ? <Typography.Text copyable={copy(status.domain)} data-testid="gb-param-domain">{status.domain}</Typography.Text> : dash },
    {
      key: 'server',
      label: t('gb28181.serverAddress'),
      children: (
        <>
          <Typography.Text copyable>{window.location.hostname}</Typography.Text>
          <div className="gb-note">{t('gb28181.serverAddressHint')}</div>
        </>
      ),
    },
    {
      key: 'port',
      label: t('gb28181.port'),
      children: status ? (
        status.port ? (
          <span data-testid="gb-param-port">{t('gb28181.portValue', { port: status.port })}</span>
        ) : (
          <Typography.Text type="danger">{t('gb28181.sipOff')}</Typography.Text>
        )
      ) : (
        dash
      ),
    },
    { key: 'deviceId', label: t('gb28181.deviceId'), children: <Typography.Text copyable={copy(gbId)} data-testid="gb-param-device-id">{gbId}</Typography.Text> },
    {
      key: 'password',
      label: t('gb28181.password'),
      children: (
        <Typography.Text code copyable={copy(issued.password)} data-testid="gb-param-password">
          {issued.password}
        </Typography.Text>
      ),
    },
    { key: 'expires', label: t('gb28181.expiresHint'), children: t('gb28181.expiresHintValue') },
    { key: 'keepalive', label: t('gb28181.keepaliveHint'), children: t('gb28181.keepaliveHintValue') },
  ];
  return (
    <div className="gb-params" data-testid="gb-sip-params">
      <Alert
        type="warning"
        showIcon
        title={t('gb28181.sipParams')}
        description={t('gb28181.sipParamsOnce')}
        action={
          <Button size="small" onClick={onDone} data-testid="gb-params-done">
            {t('gb28181.done')}
          </Button>
        }
      />
      <Descriptions size="small" bordered column={1} items={items} className="gb-gap gb-descriptions" />
      <div className="gb-note">{t('gb28181.mqttNote', { deviceId: issued.username })}</div>
    </div>
  );
}
