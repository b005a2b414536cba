import { Alert, Button, Empty, Input, Select, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { visitorsApi, type PassVerdict, type VisitGate } from '../../api/visitors.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { STATE_COLORS } from './visit-format.ts';

/** The gate a guard stands at, remembered on the phone between shifts' logins. */
const GATE_KEY = 'xiaoan.visitors.gate';

/**
 * 门岗核验 on the guard's phone: the gate they stand at, a pass code (a scanner types it, or the
 * guard does), and today's visitors with one button each to let them in or out. The verdict —
 * let through, or refused and why — stays on screen until the next one.
 */
export function GatehouseTab({ gates }: { gates: VisitGate[] }) {
  const { t } = useTranslation();
  const [gateId, setGateId] = useState<string | undefined>(() => localStorage.getItem(GATE_KEY) ?? undefined);
  const [token, setToken] = useState('');
  const [verdict, setVerdict] = useState<PassVerdict | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const today = useApi((signal) => visitorsApi.list({ view: 'today', pageSize: 100 }, signal), [version]);
  const gate = gates.some((g) => g.id === gateId) ? gateId : undefined;

  const pass = async (run: () => Promise<PassVerdict>) => {
    setFailure(null);
    try {
      const v = await run();
      setVerdict(v);
      // A refused code stays, so the guard can try the other way (a visitor leaving, not coming).
      if (v.accepted) setToken('');
      setVersion((n) => n + 1);
    } catch (err) {
      setVerdict(null);
      setFailure(`${errorTitle(err)}: ${errorMessage(err)}`);
    }
  };
  const choose = (id: string) => {
    localStorage.setItem(GATE_KEY, id);
    setGateId(id);
  };

  return (
    <div className="visit-phone-card" data-testid="visit-gatehouse">
      <Select size="large" className="full-width" placeholder={t('visitors.pickGate')} value={gate} onChange={choose} options={gates.map((g) => ({ value: g.id, label: g.name }))} showSearch optionFilterProp="label" data-testid="gatehouse-gate" style={{ width: '100%', marginBottom: 12 }} />
      <Input size="large" placeholder={t('visitors.token')} value={token} onChange={(e) => setToken(e.target.value)} data-testid="gatehouse-token" />
      <div className="visit-phone-buttons">
        {(['in', 'out'] as const).map((direction) => (
          <Button key={direction} size="large" type={direction === 'in' ? 'primary' : 'default'} disabled={!gate || !token.trim()} onClick={() => void pass(() => visitorsApi.scan({ token: token.trim(), gateId: gate!, direction }))} data-testid={`gatehouse-scan-${direction}`}>
            {t(direction === 'in' ? 'visitors.checkIn' : 'visitors.checkOut')}
          </Button>
        ))}
      </div>
      {verdict && (
        <Alert
          className="visit-phone-verdict"
          type={verdict.accepted ? 'success' : 'warning'}
          showIcon
          title={`${verdict.visit.visitorName} · ${verdict.accepted ? t('visitors.accepted') : t('visitors.refused', { reason: t(`visitors.refusals.${verdict.refusal!}`) })}`}
          data-testid="gatehouse-verdict"
        />
      )}
      {failure && <Alert className="visit-phone-verdict" type="error" showIcon title={failure} />}
      <Typography.Title level={5}>{t('visitors.views.today')}</Typography.Title>
      {today.error && <ErrorAlert error={today.error} onRetry={today.reload} />}
      {today.loading && !today.data ? (
        <Spin />
      ) : today.data?.items.length ? (
        today.data.items.map((v) => (
          <div className="visit-phone-item" key={v.id} data-testid="gatehouse-item">
            <div>
              <div>
                <strong>{v.visitorName}</strong> <Tag color={STATE_COLORS[v.state]}>{t(`visitors.states.${v.state}`)}</Tag>
                {v.overstaying && <Tag color="red">{t('visitors.overstaying')}</Tag>}
              </div>
              <Typography.Text type="secondary">
                {formatDateTime(v.windowFrom).slice(11, 16)}–{formatDateTime(v.windowTo).slice(11, 16)} · {v.hostName}
              </Typography.Text>
            </div>
            {(v.state === 'approved' || v.state === 'checked_in') && (
              <Button size="large" disabled={!gate} onClick={() => void pass(() => visitorsApi.move(v.id, v.state === 'approved' ? 'in' : 'out', { gateId: gate! }))} data-testid="gatehouse-move">
                {t(v.state === 'approved' ? 'visitors.checkIn' : 'visitors.checkOut')}
              </Button>
            )}
          </div>
        ))
      ) : (
        <Empty description={t('visitors.none')} />
      )}
    </div>
  );
}
