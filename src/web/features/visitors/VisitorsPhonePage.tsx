import { LogoutOutlined } from '@ant-design/icons';
import { Alert, App, Button, Empty, Form, Input, Modal, Result, Segmented, Select, Spin, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { VISIT_LIMITS } from '../../../shared/visitors.ts';
import { ApiError, serverNow } from '../../api/client.ts';
import { visitorsApi, type Visit } from '../../api/visitors.ts';
import { LanguageSwitch } from '../../app/LanguageSwitch.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth, useSession } from '../auth/AuthProvider.tsx';
import { mapProblems } from '../ledger/form-errors.ts';
import { beijingInputToIso } from '../vehicles/vehicle-format.ts';
import { GatehouseTab } from './GatehouseTab.tsx';
import { PassQr } from './PassQr.tsx';
import { STATE_COLORS, beijingLocalInput, visitProblems } from './visit-format.ts';
import './visitors.css';

interface FormValues {
  visitorName: string;
  visitorPhone: string;
  visitorIdNumber?: string;
  plate?: string;
  reason: string;
  windowFrom: string;
  windowTo: string;
  gateIds: string[];
}

const FIELDS = ['visitorName', 'visitorPhone', 'visitorIdNumber', 'plate', 'reason', 'windowFrom', 'windowTo', 'gateIds'];
/** A new visit's window starts at the current quarter hour (a walk-in may enter at once) and lasts this long unless changed. */
const DEFAULT_VISIT_HOURS = 2;
const QUARTER_MS = 15 * 60_000;
const PHONE_TABS = ['register', 'mine', 'gate'] as const;
type PhoneTab = (typeof PHONE_TABS)[number];

/**
 * Visitors on a phone. 访客登记: a host (any account that may register visits) fills in who
 * comes, why, when and through which gates; the security office approves it in the console.
 * 我登记的访客: the host's own visits with their state and, once approved, the QR pass to send the
 * visitor. 门岗核验: the guard at a gate checks visitors in and out (guards have no console).
 * One column, 16 px text (iOS does not zoom into the inputs), native date-time pickers.
 */
export function VisitorsPhonePage() {
  const { t } = useTranslation();
  const { logout } = useAuth();
  const { user } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [params, setParams] = useSearchParams();
  const tab: PhoneTab = (PHONE_TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as PhoneTab) : 'register';
  const setTab = (next: PhoneTab) => setParams(next === 'register' ? {} : { tab: next }, { replace: true });
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<Visit | null>(null);
  const [passOf, setPassOf] = useState<string | null>(null);
  const gates = useApi((signal) => visitorsApi.gates(signal), []);
  const [minesVersion, setMinesVersion] = useState(0);
  const mine = useApi((signal) => visitorsApi.list({ mine: true, view: 'all', pageSize: 50 }, signal), [minesVersion, tab]); // again on each visit to the tab: the office may have decided meanwhile
  const initial = useMemo(() => {
    // The server's time, not the phone's: a phone with a wrong clock would propose a window the gate refuses.
    const start = Math.floor(serverNow() / QUARTER_MS) * QUARTER_MS;
    return { windowFrom: beijingLocalInput(start), windowTo: beijingLocalInput(start + DEFAULT_VISIT_HOURS * 3_600_000), gateIds: [] };
  }, []);

  const submit = async (v: FormValues) => {
    setSaving(true);
    setProblem(null);
    try {
      const gate = gates.data?.find((g) => g.id === v.gateIds[0]);
      const visit = await visitorsApi.create({
        visitorName: v.visitorName,
        visitorPhone: v.visitorPhone,
        visitorIdNumber: v.visitorIdNumber?.trim() || null,
        plate: v.plate?.trim() || null,
        reason: v.reason,
        // The campus is the one of the gates chosen (the server checks they are all on it).
        campusId: gate?.campusId ?? '',
        windowFrom: beijingInputToIso(v.windowFrom.replace('T', ' ')),
        windowTo: beijingInputToIso(v.windowTo.replace('T', ' ')),
        gateIds: v.gateIds,
      });
      setDone(visit);
      setMinesVersion((n) => n + 1);
      void message.success(t('visitors.registered'));
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const mapped = mapProblems(visitProblems(err.details, t), (f) => (FIELDS.includes(f) ? [f] : null), t, (f) => f);
        form.setFields(mapped.fields as Parameters<typeof form.setFields>[0]);
        setProblem(mapped.other.join('\n') || null);
      } else setProblem(`${errorTitle(err)}: ${errorMessage(err)}`);
    } finally {
      setSaving(false);
    }
  };

  const again = () => {
    setDone(null);
    form.resetFields();
  };

  return (
    <div className="visit-phone" data-testid="visitors-phone-page">
      <header className="visit-phone-header">
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('visitors.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{user.displayName}</Typography.Text>
        </div>
        <div className="visit-phone-header-tools">
          <LanguageSwitch />
          <Button type="text" icon={<LogoutOutlined />} onClick={() => void logout()} aria-label={t('header.logout')} />
        </div>
      </header>
      <Segmented
        block
        size="large"
        value={tab}
        onChange={(v) => setTab(v as PhoneTab)}
        options={[
          { value: 'register', label: <span data-testid="visit-tab-register">{t('visitors.register')}</span> },
          { value: 'mine', label: <span data-testid="visit-tab-mine">{t('visitors.myVisits')}</span> },
          { value: 'gate', label: <span data-testid="visit-tab-gate">{t('visitors.gatehouse')}</span> },
        ]}
        style={{ marginBottom: 12 }}
      />
      {tab === 'register' && done && (
        <div className="visit-phone-card">
          <Result status="success" title={t('visitors.registered')} subTitle={`${done.visitorName} · ${formatDateTime(done.windowFrom)} – ${formatDateTime(done.windowTo)}`} extra={<Button size="large" onClick={again}>{t('visitors.registerAnother')}</Button>} />
        </div>
      )}
      {tab === 'register' && !done && (
        <div className="visit-phone-card">
          <Typography.Paragraph type="secondary">{t('visitors.registerHint')}</Typography.Paragraph>
          {gates.error && <ErrorAlert error={gates.error} onRetry={gates.reload} />}
          {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12, whiteSpace: 'pre-line' }} data-testid="visit-register-problem" />}
          <Form<FormValues> form={form} layout="vertical" initialValues={initial} onFinish={(v) => void submit(v)} onValuesChange={(changed) => form.setFields(Object.keys(changed).map((name) => ({ name: name as keyof FormValues, errors: [] })))}>
            <Form.Item name="visitorName" label={t('visitors.visitorName')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
              <Input maxLength={VISIT_LIMITS.name} autoComplete="off" data-testid="visit-name" />
            </Form.Item>
            <Form.Item name="visitorPhone" label={t('visitors.visitorPhone')} rules={[{ required: true, message: t('validation.required') }]}>
              <Input type="tel" inputMode="tel" maxLength={20} data-testid="visit-phone" />
            </Form.Item>
            <Form.Item name="visitorIdNumber" label={t('visitors.visitorIdNumber')}>
              <Input maxLength={32} autoComplete="off" data-testid="visit-id-number" />
            </Form.Item>
            <Form.Item name="plate" label={t('visitors.plate')}>
              <Input maxLength={16} data-testid="visit-plate" />
            </Form.Item>
            <Form.Item name="reason" label={t('visitors.reason')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
              <Input.TextArea maxLength={VISIT_LIMITS.reason} autoSize={{ minRows: 2, maxRows: 4 }} data-testid="visit-reason" />
            </Form.Item>
            <Form.Item name="windowFrom" label={`${t('visitors.windowFrom')}（${t('visitors.beijingTime')}）`} rules={[{ required: true, message: t('validation.required') }]}>
              <input type="datetime-local" className="visit-phone-datetime" data-testid="visit-from" />
            </Form.Item>
            <Form.Item name="windowTo" label={`${t('visitors.windowTo')}（${t('visitors.beijingTime')}）`} rules={[{ required: true, message: t('validation.required') }]}>
              <input type="datetime-local" className="visit-phone-datetime" data-testid="visit-to" />
            </Form.Item>
            <Form.Item name="gateIds" label={t('visitors.gates')} rules={[{ required: true, type: 'array', min: 1, message: t('validation.required') }]}>
              <Select
                mode="multiple"
                size="large"
                loading={gates.loading}
                showSearch
                optionFilterProp="label"
                options={(gates.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
                placeholder={t('visitors.pickGate')}
                data-testid="visit-gates"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={saving} className="visit-phone-submit" data-testid="visit-submit">
              {t('visitors.submit')}
            </Button>
          </Form>
        </div>
      )}
      {tab === 'mine' && (
        <div className="visit-phone-card" data-testid="visit-mine">
          {mine.error && <ErrorAlert error={mine.error} onRetry={mine.reload} />}
          {mine.loading && !mine.data ? (
            <Spin />
          ) : mine.data?.items.length ? (
            mine.data.items.map((v) => (
              <div className="visit-phone-item" key={v.id} data-testid="visit-mine-item">
                <div>
                  <div>
                    <strong>{v.visitorName}</strong> <Tag color={STATE_COLORS[v.state]}>{t(`visitors.states.${v.state}`)}</Tag>
                  </div>
                  <Typography.Text type="secondary">
                    {formatDateTime(v.windowFrom)} – {formatDateTime(v.windowTo).slice(11)}
                  </Typography.Text>
                </div>
                {(v.state === 'approved' || v.state === 'checked_in') && (
                  <Button size="large" type="primary" ghost onClick={() => setPassOf(v.id)} data-testid="visit-mine-pass">
                    {t('visitors.showPass')}
                  </Button>
                )}
              </div>
            ))
          ) : (
            <Empty description={t('visitors.none')} />
          )}
        </div>
      )}
      {tab === 'gate' && <GatehouseTab gates={gates.data ?? []} />}
      {user.role !== 'guard' && <Link to="/visitors">{t('visitors.back')}</Link>}
      <Modal open={passOf !== null} footer={null} onCancel={() => setPassOf(null)} destroyOnHidden centered>
        {passOf && <PassQr visitId={passOf} />}
      </Modal>
    </div>
  );
}
