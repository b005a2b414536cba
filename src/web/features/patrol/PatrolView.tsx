import { PlusOutlined, QrcodeOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Progress, Segmented, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { CHECKPOINT_QUERY_PARAM, HOLIDAY_POLICIES } from '../../../shared/patrol.ts';
import { http, serverNow } from '../../api/client.ts';
import { devicesApi } from '../../api/endpoints.ts';
import { patrolApi, type Checkpoint, type CheckpointInput, type ReportRow, type Route, type RouteInput, type Tour } from '../../api/patrol.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { FormDrawer, type FormProblem } from '../../components/FormDrawer.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { POINT_COLORS } from '../guard/GuardPatrol.tsx';
import './patrol.css';

const VIEWS = ['tours', 'report', 'routes', 'checkpoints'] as const;
type View = (typeof VIEWS)[number];
const hhmm = (iso: string) => formatDateTime(iso).slice(11, 16);
const TOUR_COLORS: Record<Tour['state'], string> = { upcoming: 'default', running: 'blue', done: 'green', incomplete: 'red' };

/** What the checkpoint's printed QR code carries: the guard page with the token, so a phone's own camera app opens it. */
const checkpointUrl = (token: string) => `${window.location.origin}/guard?${CHECKPOINT_QUERY_PARAM}=${encodeURIComponent(token)}`;

function CheckpointQr({ checkpoint, onClose }: { checkpoint: Checkpoint | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [svg, setSvg] = useState<string | null>(null);
  const token = checkpoint?.token;
  useEffect(() => {
    setSvg(null);
    if (!token) return;
    let live = true;
    void QRCode.toString(checkpointUrl(token), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then((s) => live && setSvg(s));
    return () => void (live = false);
  }, [token]);
  return (
    <Modal open={!!checkpoint} onCancel={onClose} footer={null} title={checkpoint?.name}>
      <div data-testid="checkpoint-qr">
        {svg && <img className="patrol-qr" alt={checkpoint?.name} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} />}
        <Typography.Paragraph type="secondary">{t('patrol.qrHint')}</Typography.Paragraph>
        <Typography.Text copyable>
          <span data-testid="checkpoint-token">{token}</span>
        </Typography.Text>
      </div>
    </Modal>
  );
}

function ToursTab({ date }: { date: string | undefined }) {
  const { t } = useTranslation();
  const tours = useApi((signal) => patrolApi.tours(date, signal), [date]);
  const columns: ColumnsType<Tour> = [
    { key: 'time', title: t('patrol.start'), width: 110, render: (_, r) => `${hhmm(r.startsAt)}–${hhmm(r.endsAt)}` },
    { key: 'route', title: t('patrol.route'), dataIndex: 'routeName' },
    { key: 'state', title: t('patrol.state'), render: (_, r) => <Tag color={TOUR_COLORS[r.state]}>{t(`patrol.tourStates.${r.state}`)}</Tag> },
    { key: 'walked', title: t('patrol.guard'), render: (_, r) => r.walkedBy.join('、') || '—' },
    { key: 'progress', title: t('patrol.progress'), width: 180, render: (_, r) => <Progress size="small" percent={r.planned ? Math.round((r.done / r.planned) * 100) : 0} format={() => `${r.done}/${r.planned}`} /> },
    {
      key: 'points',
      title: t('patrol.checkpoints'),
      render: (_, r) => (
        <span className="patrol-points">
          {r.points.map((p) => (
            <Tag key={p.checkpointId} color={POINT_COLORS[p.status]} title={`${p.name} · ${t('patrol.dueBy', { time: hhmm(p.dueAt) })}${p.checkedAt ? ` · ${t('patrol.checkedAt', { time: hhmm(p.checkedAt) })}` : ''}`}>
              {p.seq}
            </Tag>
          ))}
          {r.tooFast && <Tag color="magenta">{t('patrol.tooFast')}</Tag>}
          {r.points.some((p) => p.outOfOrder) && <Tag color="purple">{t('patrol.outOfOrder')}</Tag>}
        </span>
      ),
    },
  ];
  return (
    <>
      {tours.error && <ErrorAlert error={tours.error} onRetry={tours.reload} />}
      <Table<Tour> rowKey="id" size="small" loading={tours.loading} columns={columns} dataSource={tours.data?.items ?? []} pagination={{ pageSize: 50, showSizeChanger: false }} locale={{ emptyText: t('patrol.noTours') }} data-testid="patrol-tours" />
    </>
  );
}

function ReportTab({ date }: { date: string | undefined }) {
  const { t } = useTranslation();
  const report = useApi((signal) => patrolApi.report(date, signal), [date]);
  const columns: ColumnsType<ReportRow> = [
    { key: 'route', title: t('patrol.route'), dataIndex: 'routeName' },
    { key: 'guard', title: t('patrol.guard'), render: (_, r) => r.guardName ?? t('patrol.nobody') },
    { key: 'tours', title: t('patrol.report.tours'), dataIndex: 'tours', align: 'right' },
    { key: 'planned', title: t('patrol.report.planned'), dataIndex: 'planned', align: 'right' },
    { key: 'done', title: t('patrol.report.done'), dataIndex: 'done', align: 'right' },
    { key: 'onTime', title: t('patrol.status.on_time'), dataIndex: 'onTime', align: 'right' },
    { key: 'late', title: t('patrol.status.late'), dataIndex: 'late', align: 'right' },
    { key: 'missed', title: t('patrol.status.missed'), align: 'right', render: (_, r) => (r.missed ? <Typography.Text type="danger">{r.missed}</Typography.Text> : 0) },
    { key: 'outOfOrder', title: t('patrol.outOfOrder'), dataIndex: 'outOfOrder', align: 'right' },
    { key: 'tooFast', title: t('patrol.tooFast'), dataIndex: 'tooFastTours', align: 'right' },
    { key: 'lateMin', title: t('patrol.report.lateMin'), dataIndex: 'lateMin', align: 'right' },
    { key: 'pct', title: t('patrol.report.completion'), width: 160, render: (_, r) => <Progress size="small" percent={r.completionPct} status={r.missed ? 'exception' : undefined} format={(p) => `${p}%`} /> },
  ];
  return (
    <>
      {report.error && <ErrorAlert error={report.error} onRetry={report.reload} />}
      <Table<ReportRow>
        rowKey={(r) => `${r.routeId}|${r.guardId ?? ''}`}
        size="small"
        loading={report.loading}
        columns={columns}
        dataSource={report.data?.rows ?? []}
        pagination={false}
        locale={{ emptyText: t('patrol.noTours') }}
        onRow={() => ({ 'data-testid': 'patrol-report-row' }) as React.HTMLAttributes<HTMLElement>}
        data-testid="patrol-report"
      />
    </>
  );
}

function CheckpointsTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const list = useApi((signal) => patrolApi.checkpoints(signal), [version]);
  const devices = useApi((signal) => (can('device.read') ? devicesApi.list({ kind: ['patrol_checkpoint'], pageSize: 500 }, signal) : Promise.resolve(null)), []);
  const [editing, setEditing] = useState<Checkpoint | 'new' | null>(null);
  const [qr, setQr] = useState<Checkpoint | null>(null);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [form] = Form.useForm<CheckpointInput>();
  const writer = can('patrol.write');
  const open = (c: Checkpoint | 'new') => {
    setProblem(null);
    setEditing(c);
    form.setFieldsValue(c === 'new' ? { name: '', radiusM: 30, deviceId: null } : { name: c.name, lon: c.lon, lat: c.lat, radiusM: c.radiusM, deviceId: c.deviceId });
  };
  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      if (editing === 'new') await patrolApi.createCheckpoint(values);
      else if (editing) await patrolApi.updateCheckpoint(editing.id, values);
      setEditing(null);
      setVersion((n) => n + 1);
    } catch (err) {
      setProblem({ title: errorTitle(err), lines: [errorMessage(err)] });
    } finally {
      setSaving(false);
    }
  };
  const columns: ColumnsType<Checkpoint> = [
    { key: 'name', title: t('patrol.checkpoint'), render: (_, c) => (writer ? <a onClick={() => open(c)}>{c.name}</a> : c.name) },
    { key: 'device', title: t('patrol.device'), render: (_, c) => c.deviceName ?? '—' },
    { key: 'pos', title: t('patrol.position'), render: (_, c) => `${c.lon.toFixed(5)}, ${c.lat.toFixed(5)}` },
    { key: 'radius', title: t('patrol.radius'), render: (_, c) => `${c.radiusM} m` },
    {
      key: 'actions',
      title: '',
      render: (_, c) =>
        writer && (
          <Space>
            <Button size="small" icon={<QrcodeOutlined />} onClick={() => setQr(c)} data-testid="checkpoint-qr-open">
              {t('patrol.qr')}
            </Button>
            <Popconfirm title={t('patrol.confirmDelete')} onConfirm={() => patrolApi.deleteCheckpoint(c.id).then(() => setVersion((n) => n + 1), (err: unknown) => void message.error(errorMessage(err)))}>
              <Button size="small" danger>
                {t('patrol.delete')}
              </Button>
            </Popconfirm>
          </Space>
        ),
    },
  ];
  return (
    <>
      {writer && (
        <Button icon={<PlusOutlined />} onClick={() => open('new')} className="patrol-add" data-testid="checkpoint-add">
          {t('patrol.addCheckpoint')}
        </Button>
      )}
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Checkpoint> rowKey="id" size="small" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={{ pageSize: 50, showSizeChanger: false }} data-testid="patrol-checkpoints" />
      <CheckpointQr checkpoint={qr} onClose={() => setQr(null)} />
      <FormDrawer open={!!editing} title={editing === 'new' ? t('patrol.addCheckpoint') : t('patrol.editCheckpoint')} onClose={() => setEditing(null)} onSave={() => void save()} saving={saving} problem={problem} testId="checkpoint">
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('patrol.checkpoint')} rules={[{ required: true, max: 60 }]}>
            <Input />
          </Form.Item>
          <Space>
            <Form.Item name="lon" label={t('patrol.lon')} rules={[{ required: true }]}>
              <InputNumber min={-180} max={180} step={0.0001} />
            </Form.Item>
            <Form.Item name="lat" label={t('patrol.lat')} rules={[{ required: true }]}>
              <InputNumber min={-90} max={90} step={0.0001} />
            </Form.Item>
            <Form.Item name="radiusM" label={t('patrol.radius')}>
              <InputNumber min={5} max={500} suffix="m" />
            </Form.Item>
          </Space>
          <Form.Item name="deviceId" label={t('patrol.device')} extra={t('patrol.deviceHint')}>
            <Select allowClear showSearch optionFilterProp="label" options={(devices.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))} />
          </Form.Item>
        </Form>
      </FormDrawer>
    </>
  );
}

function RoutesTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const list = useApi((signal) => patrolApi.routes(signal), [version]);
  const checkpoints = useApi((signal) => patrolApi.checkpoints(signal), []);
  const guards = useApi(
    (signal) => (can('user.read') ? http.get<{ items: { id: string; displayName: string }[] }>('/api/users', { role: 'guard', pageSize: 200 }, signal) : Promise.resolve({ items: [] })),
    [],
  );
  const [editing, setEditing] = useState<Route | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [form] = Form.useForm<RouteInput>();
  const writer = can('patrol.write');
  const open = (r: Route | 'new') => {
    setProblem(null);
    setEditing(r);
    form.setFieldsValue(
      r === 'new'
        ? { name: '', ordered: true, points: [], minStepS: 60, lateGraceMin: 10, startTimes: ['22:00'], days: [1, 2, 3, 4, 5, 6, 7], holidays: 'run', guardIds: [], enabled: true }
        : { name: r.name, ordered: r.ordered, points: r.points.map((p) => ({ checkpointId: p.checkpointId, withinMin: p.withinMin })), minStepS: r.minStepS, lateGraceMin: r.lateGraceMin, startTimes: r.startTimes, days: r.days, holidays: r.holidays, guardIds: r.guardIds, enabled: r.enabled },
    );
  };
  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      if (editing === 'new') await patrolApi.createRoute(values);
      else if (editing) await patrolApi.updateRoute(editing.id, values);
      setEditing(null);
      setVersion((n) => n + 1);
    } catch (err) {
      setProblem({ title: errorTitle(err), lines: [errorMessage(err)] });
    } finally {
      setSaving(false);
    }
  };
  const columns: ColumnsType<Route> = [
    { key: 'name', title: t('patrol.route'), render: (_, r) => (writer ? <a onClick={() => open(r)}>{r.name}</a> : r.name) },
    { key: 'ordered', title: t('patrol.order'), render: (_, r) => (r.ordered ? t('patrol.ordered') : t('patrol.anyOrder')) },
    { key: 'points', title: t('patrol.checkpoints'), render: (_, r) => r.points.length },
    { key: 'times', title: t('patrol.startTimes'), render: (_, r) => r.startTimes.join(' ') },
    { key: 'guards', title: t('patrol.guards'), render: (_, r) => r.guardNames.join('、') || '—' },
    { key: 'enabled', title: t('patrol.enabled'), render: (_, r) => (r.enabled ? <Tag color="green">{t('patrol.on')}</Tag> : <Tag>{t('patrol.off')}</Tag>) },
    {
      key: 'actions',
      title: '',
      render: (_, r) =>
        writer && (
          <Popconfirm title={t('patrol.confirmDelete')} onConfirm={() => patrolApi.deleteRoute(r.id).then(() => setVersion((n) => n + 1), (err: unknown) => void message.error(errorMessage(err)))}>
            <Button size="small" danger>
              {t('patrol.delete')}
            </Button>
          </Popconfirm>
        ),
    },
  ];
  const weekdays = ([1, 2, 3, 4, 5, 6, 7] as const).map((d) => ({ value: d as number, label: t(`patrol.weekdays.${d}`) }));
  return (
    <>
      {writer && (
        <Button icon={<PlusOutlined />} onClick={() => open('new')} className="patrol-add" data-testid="route-add">
          {t('patrol.addRoute')}
        </Button>
      )}
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Route> rowKey="id" size="small" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={false} data-testid="patrol-routes" />
      <FormDrawer open={!!editing} title={editing === 'new' ? t('patrol.addRoute') : t('patrol.editRoute')} onClose={() => setEditing(null)} onSave={() => void save()} saving={saving} problem={problem} testId="route">
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('patrol.route')} rules={[{ required: true, max: 60 }]}>
            <Input />
          </Form.Item>
          <Space wrap>
            <Form.Item name="ordered" label={t('patrol.ordered')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name="enabled" label={t('patrol.enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name="minStepS" label={t('patrol.minStepS')} tooltip={t('patrol.minStepHint')}>
              <InputNumber min={0} max={3600} suffix="s" />
            </Form.Item>
            <Form.Item name="lateGraceMin" label={t('patrol.lateGraceMin')}>
              <InputNumber min={0} max={240} suffix="min" />
            </Form.Item>
          </Space>
          <Typography.Paragraph strong>{t('patrol.checkpoints')}</Typography.Paragraph>
          <Form.List name="points">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, i) => (
                  <Space key={f.key} align="baseline">
                    <span>{i + 1}.</span>
                    <Form.Item name={[f.name, 'checkpointId']} rules={[{ required: true }]}>
                      <Select showSearch optionFilterProp="label" style={{ width: 220 }} options={(checkpoints.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'withinMin']} rules={[{ required: true }]} label={t('patrol.within')}>
                      <InputNumber min={1} max={720} suffix="min" style={{ width: 100 }} />
                    </Form.Item>
                    <Button type="link" danger onClick={() => remove(f.name)}>
                      {t('patrol.remove')}
                    </Button>
                  </Space>
                ))}
                <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({ withinMin: (fields.length + 1) * 10 })} style={{ marginBottom: 16 }}>
                  {t('patrol.addPoint')}
                </Button>
              </>
            )}
          </Form.List>
          <Form.Item name="startTimes" label={t('patrol.startTimes')} rules={[{ required: true }]} extra={t('patrol.startTimesHint')}>
            <Select mode="tags" tokenSeparators={[' ', ',', '，']} />
          </Form.Item>
          <Form.Item name="days" label={t('patrol.days')} rules={[{ required: true }]}>
            <Checkbox.Group options={weekdays} />
          </Form.Item>
          <Form.Item name="holidays" label={t('patrol.holidays')}>
            <Select options={HOLIDAY_POLICIES.map((h) => ({ value: h, label: t(`patrol.holidayPolicies.${h}`) }))} />
          </Form.Item>
          <Form.Item name="guardIds" label={t('patrol.guards')}>
            <Select mode="multiple" optionFilterProp="label" options={(guards.data?.items ?? []).map((g) => ({ value: g.id, label: g.displayName }))} />
          </Form.Item>
        </Form>
      </FormDrawer>
    </>
  );
}

/** 巡更 in the console: today's tours, the report per guard and route, the routes and the checkpoints with their QR codes. */
export function PatrolView() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const view = (VIEWS as readonly string[]).includes(params.get('view') ?? '') ? (params.get('view') as View) : 'tours';
  const date = params.get('date') ?? undefined;
  const set = (key: string, value: string | null) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });
  return (
    <div className="patrol-view" data-testid="patrol-view">
      <div className="patrol-toolbar">
        <Segmented value={view} onChange={(v) => set('view', String(v))} options={VIEWS.map((v) => ({ value: v, label: <span data-testid={`patrol-view-${v}`}>{t(`patrol.views.${v}`)}</span> }))} />
        {(view === 'tours' || view === 'report') && <DatePicker value={date ? dayjs(date) : dayjs(serverNow())} allowClear={false} onChange={(d) => set('date', d ? d.format('YYYY-MM-DD') : null)} data-testid="patrol-date" />}
      </div>
      {view === 'tours' && <ToursTab date={date} />}
      {view === 'report' && <ReportTab date={date} />}
      {view === 'routes' && <RoutesTab />}
      {view === 'checkpoints' && <CheckpointsTab />}
    </div>
  );
}
