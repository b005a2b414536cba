import { DeleteOutlined, EditOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { App, Button, DatePicker, Descriptions, Drawer, Form, Input, InputNumber, Modal, Popconfirm, Segmented, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { DRILL_SCENARIOS, type DrillScenario } from '../../../shared/training.ts';
import { dutyApi } from '../../api/duty.ts';
import { trainingApi, type Drill, type DrillResult, type TrainingRecordLine, type TrainingSession } from '../../api/training.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { FormDrawer, useFormSave } from '../../components/FormDrawer.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';

const KIND_COLORS: Record<TrainingSession['kind'], string> = { theory: 'blue', practical: 'green', drill: 'purple' };
type View = 'sessions' | 'records' | 'drills';

interface SessionForm {
  title: string;
  kind: 'theory' | 'practical';
  date: Dayjs;
  hours: number;
  trainer: string;
  note?: string;
  attendance: { accountId: string; attended: boolean; score?: number | null; remark?: string }[];
}

/** 培训与演练: the year's sessions with attendance, each person's hours, and drills with their results. */
export function TrainingTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { scope } = useOrg();
  const [params, setParams] = useSearchParams();
  const [year, setYear] = useState(dayjs().year());
  const view: View = params.get('view') === 'records' || params.get('view') === 'drills' ? (params.get('view') as View) : params.get('drill') ? 'drills' : 'sessions';
  const setView = (v: View) => setParams({ tab: 'training', ...(v === 'sessions' ? {} : { view: v }) }, { replace: true });
  const drillId = params.get('drill');
  const writer = can('training.write');
  return (
    <div className="training-tab" data-testid="training-tab">
      <Space className="training-toolbar" wrap>
        <Segmented<View>
          value={view}
          onChange={setView}
          options={[
            { value: 'sessions', label: t('duty.training.sessions') },
            { value: 'records', label: t('duty.training.records') },
            { value: 'drills', label: t('duty.training.drills') },
          ]}
        />
        {view !== 'drills' && <DatePicker picker="year" allowClear={false} value={dayjs(`${year}-01-01`)} onChange={(d) => d && setYear(d.year())} />}
      </Space>
      {view === 'sessions' && <SessionsView year={year} universityId={scope.universityId} writer={writer} />}
      {view === 'records' && <RecordsView year={year} universityId={scope.universityId} />}
      {view === 'drills' && <DrillsView universityId={scope.universityId} writer={writer} onOpen={(id) => setParams({ tab: 'training', view: 'drills', drill: id }, { replace: true })} />}
      <DrillResultDrawer drillId={drillId} onClose={() => setParams({ tab: 'training', view: 'drills' }, { replace: true })} />
    </div>
  );
}

function SessionsView({ year, universityId, writer }: { year: number; universityId: string | undefined; writer: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useApi((signal) => trainingApi.sessions({ year, universityId }, signal), [year, universityId]);
  const staff = useApi((signal) => dutyApi.roster(dayjs().format('YYYY-MM'), universityId, signal), [universityId]).data?.staff ?? [];
  const [editing, setEditing] = useState<TrainingSession | 'new' | null>(null);
  const [form] = Form.useForm<SessionForm>();
  const close = () => setEditing(null);
  const { saving, problem, setProblem, requestClose, save } = useFormSave(form, close);

  const open = (s: TrainingSession | 'new') => {
    setProblem(null);
    setEditing(s);
    form.resetFields();
    form.setFieldsValue(
      s === 'new'
        ? { kind: 'theory', date: dayjs(), hours: 2, attendance: [] }
        : { title: s.title, kind: s.kind === 'drill' ? 'practical' : s.kind, date: dayjs(s.date), hours: s.hours, trainer: s.trainer, note: s.note ?? undefined, attendance: s.attendance.map((a) => ({ accountId: a.accountId, attended: a.attended, score: a.score, remark: a.remark ?? undefined })) },
    );
  };
  const onSave = async () => {
    const v = await form.validateFields();
    const input = { universityId, title: v.title, kind: v.kind, date: v.date.format('YYYY-MM-DD'), hours: v.hours, trainer: v.trainer, note: v.note || null, attendance: (v.attendance ?? []).map((a) => ({ accountId: a.accountId, attended: !!a.attended, score: a.score ?? null, remark: a.remark || null })) };
    const saved = await save(() => (editing === 'new' ? trainingApi.createSession(input) : trainingApi.updateSession((editing as TrainingSession).id, input)), {
      saved: t('duty.training.saved'),
      failed: t('duty.training.saveFailed'),
      fieldOf: (f) => (f.startsWith('attendance[') ? ['attendance'] : ['title', 'kind', 'date', 'hours', 'trainer', 'note'].includes(f) ? [f] : null),
    });
    if (saved) {
      close();
      list.reload();
    }
  };

  const columns: ColumnsType<TrainingSession> = [
    { key: 'date', title: t('duty.training.date'), dataIndex: 'date', width: 110 },
    { key: 'kind', title: t('duty.training.kind'), width: 100, render: (_, s) => <Tag color={KIND_COLORS[s.kind]}>{t(`duty.training.kinds.${s.kind}`)}</Tag> },
    { key: 'title', title: t('duty.training.title'), dataIndex: 'title' },
    { key: 'hours', title: t('duty.training.hours'), width: 80, render: (_, s) => t('duty.hours', { count: s.hours }) },
    { key: 'trainer', title: t('duty.training.trainer'), dataIndex: 'trainer', ellipsis: true },
    { key: 'attended', title: t('duty.training.attendance'), width: 120, render: (_, s) => `${s.attendance.filter((a) => a.attended).length} / ${s.attendance.length}` },
    {
      key: 'actions',
      width: 100,
      render: (_, s) =>
        writer && !s.drillId ? (
          <Space>
            <Button size="small" icon={<EditOutlined />} onClick={() => open(s)} aria-label={t('common.edit')} />
            <Popconfirm title={t('duty.training.removeConfirm')} onConfirm={() => trainingApi.removeSession(s.id).then(list.reload, (err) => void message.error(`${errorTitle(err)}: ${errorMessage(err)}`))}>
              <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
            </Popconfirm>
          </Space>
        ) : null,
    },
  ];
  return (
    <>
      {writer && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="training-new" className="training-new">
          {t('duty.training.newSession')}
        </Button>
      )}
      {list.error && <ErrorAlert error={list.error} />}
      <Table<TrainingSession>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data ?? []}
        columns={columns}
        pagination={false}
        expandable={{
          rowExpandable: (s) => s.attendance.length > 0,
          expandedRowRender: (s) => (
            <Space wrap>
              {s.attendance.map((a) => (
                <Tag key={a.accountId} color={a.attended ? (a.passed === false ? 'red' : 'green') : 'default'}>
                  {a.accountName}
                  {a.attended ? '' : ` · ${t('duty.training.absent')}`}
                  {a.score !== null ? ` · ${a.score}` : ''}
                  {a.remark ? ` · ${a.remark}` : ''}
                </Tag>
              ))}
            </Space>
          ),
        }}
      />
      <FormDrawer open={editing !== null} title={editing === 'new' ? t('duty.training.newSession') : t('duty.training.editSession')} onClose={requestClose} onSave={() => void onSave()} saving={saving} problem={problem} testId="training-session">
        <Form form={form} layout="vertical">
          <Form.Item name="title" label={t('duty.training.title')} rules={[{ required: true, whitespace: true, max: 60 }]}>
            <Input />
          </Form.Item>
          <Space>
            <Form.Item name="kind" label={t('duty.training.kind')} rules={[{ required: true }]}>
              <Select style={{ width: 140 }} options={(['theory', 'practical'] as const).map((k) => ({ value: k, label: t(`duty.training.kinds.${k}`) }))} />
            </Form.Item>
            <Form.Item name="date" label={t('duty.training.date')} rules={[{ required: true }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="hours" label={t('duty.training.hours')} rules={[{ required: true }]}>
              <InputNumber min={0.5} max={40} step={0.5} />
            </Form.Item>
          </Space>
          <Form.Item name="trainer" label={t('duty.training.trainer')} rules={[{ required: true, whitespace: true, max: 40 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="note" label={t('duty.training.note')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Typography.Text strong>{t('duty.training.attendance')}</Typography.Text>
          <Form.List name="attendance">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" className="training-attendee">
                    <Form.Item name={[f.name, 'accountId']} rules={[{ required: true }]}>
                      <Select style={{ width: 150 }} showSearch optionFilterProp="label" options={staff.map((s) => ({ value: s.id, label: s.displayName }))} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'attended']} valuePropName="checked" initialValue>
                      <Switch checkedChildren={t('duty.training.present')} unCheckedChildren={t('duty.training.absent')} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'score']}>
                      <InputNumber min={0} max={100} placeholder={t('duty.training.score')} style={{ width: 80 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'remark']}>
                      <Input placeholder={t('duty.training.remark')} style={{ width: 110 }} maxLength={200} />
                    </Form.Item>
                    <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                  </Space>
                ))}
                <Space>
                  <Button size="small" icon={<PlusOutlined />} onClick={() => add({ attended: true })}>
                    {t('duty.training.addAttendee')}
                  </Button>
                  <Button size="small" onClick={() => staff.filter((s) => !form.getFieldValue('attendance')?.some((a: { accountId: string }) => a?.accountId === s.id)).forEach((s) => add({ accountId: s.id, attended: true }))}>
                    {t('duty.training.addAll')}
                  </Button>
                </Space>
              </>
            )}
          </Form.List>
        </Form>
      </FormDrawer>
    </>
  );
}

function RecordsView({ year, universityId }: { year: number; universityId: string | undefined }) {
  const { t } = useTranslation();
  const records = useApi((signal) => trainingApi.records({ year, universityId }, signal), [year, universityId]);
  const columns: ColumnsType<TrainingRecordLine> = [
    { key: 'name', title: t('duty.training.person'), dataIndex: 'accountName' },
    { key: 'role', title: t('duty.training.role'), render: (_, l) => t(`enum.role.${l.role}`, { defaultValue: l.role }) },
    { key: 'hours', title: t('duty.training.yearHours'), render: (_, l) => t('duty.hours', { count: l.hours }), sorter: (a, b) => a.hours - b.hours },
    { key: 'sessions', title: t('duty.training.sessionCount'), dataIndex: 'sessions' },
    { key: 'drills', title: t('duty.training.drillCount'), render: (_, l) => (l.drills ? `${l.drillsPassed} / ${l.drills}` : '—') },
  ];
  return (
    <>
      {records.error && <ErrorAlert error={records.error} />}
      <Table<TrainingRecordLine> rowKey="accountId" size="small" loading={records.loading} dataSource={records.data?.lines ?? []} columns={columns} pagination={false} />
    </>
  );
}

function DrillsView({ universityId, writer, onOpen }: { universityId: string | undefined; writer: boolean; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useApi((signal) => trainingApi.drills(universityId, signal), [universityId]);
  const [starting, setStarting] = useState(false);
  const [scenario, setScenario] = useState<DrillScenario>('dorm_fire_night');
  const start = async () => {
    try {
      const d = await trainingApi.startDrill({ scenario, universityId });
      void message.success(t('duty.training.drillStarted'));
      setStarting(false);
      list.reload();
      onOpen(d.id);
    } catch (err) {
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
    }
  };
  const finish = (d: Drill) =>
    trainingApi.finishDrill(d.id).then(
      () => list.reload(),
      (err) => void message.error(`${errorTitle(err)}: ${errorMessage(err)}`),
    );
  const columns: ColumnsType<Drill> = [
    { key: 'at', title: t('duty.training.startedAt'), width: 160, render: (_, d) => formatDateTime(d.startedAt) },
    { key: 'title', title: t('duty.training.title'), render: (_, d) => <a onClick={() => onOpen(d.id)} data-testid={`drill-link-${d.id}`}>{d.title}</a> },
    { key: 'scenario', title: t('duty.training.scenario'), render: (_, d) => t(`duty.training.scenarios.${d.scenario}`) },
    { key: 'state', title: t('duty.status'), width: 90, render: (_, d) => <Tag color={d.state === 'running' ? 'processing' : 'default'}>{t(`duty.training.drillStates.${d.state}`)}</Tag> },
    { key: 'result', title: t('duty.training.result'), width: 120, render: (_, d) => (d.result ? <PassTag passed={d.result.passed} score={d.result.score} /> : '—') },
    { key: 'actions', width: 110, render: (_, d) => (writer && d.state === 'running' ? <Popconfirm title={t('duty.training.finishConfirm')} onConfirm={() => finish(d)}><Button size="small">{t('duty.training.finish')}</Button></Popconfirm> : null) },
  ];
  return (
    <>
      {writer && (
        <Button type="primary" icon={<ThunderboltOutlined />} onClick={() => setStarting(true)} data-testid="drill-start" className="training-new">
          {t('duty.training.startDrill')}
        </Button>
      )}
      {list.error && <ErrorAlert error={list.error} />}
      <Table<Drill> rowKey="id" size="small" loading={list.loading} dataSource={list.data ?? []} columns={columns} pagination={false} />
      <Modal open={starting} title={t('duty.training.startDrill')} onCancel={() => setStarting(false)} onOk={() => void start()} okText={t('duty.training.start')}>
        <Typography.Paragraph type="secondary">{t('duty.training.startHint')}</Typography.Paragraph>
        <Select<DrillScenario> style={{ width: '100%' }} value={scenario} onChange={setScenario} options={DRILL_SCENARIOS.map((s) => ({ value: s, label: t(`duty.training.scenarios.${s}`) }))} />
      </Modal>
    </>
  );
}

function PassTag({ passed, score }: { passed: boolean; score: number }) {
  const { t } = useTranslation();
  return (
    <Tag color={passed ? 'green' : 'red'} data-testid="drill-pass">
      {passed ? t('duty.training.passed') : t('duty.training.failed')} · {score}
    </Tag>
  );
}

function useSeconds() {
  const { t } = useTranslation();
  return (s: number | null): string => (s === null ? '—' : String(t('duty.training.seconds', { count: s })));
}

function DrillResultDrawer({ drillId, onClose }: { drillId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const seconds = useSeconds();
  const drill = useApi((signal) => (drillId ? trainingApi.drill(drillId, signal) : Promise.resolve(undefined)), [drillId]);
  const d = drill.data;
  const r: DrillResult | null = d?.result ?? null;
  return (
    <Drawer open={!!drillId} size={720} title={d ? d.title : t('duty.training.drills')} onClose={onClose} data-testid="drill-result">
      {drill.error && <ErrorAlert error={drill.error} />}
      {d && (
        <>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('duty.training.scenario')}>{t(`duty.training.scenarios.${d.scenario}`)}</Descriptions.Item>
            <Descriptions.Item label={t('duty.training.device')}>{d.deviceName}</Descriptions.Item>
            <Descriptions.Item label={t('duty.training.startedAt')}>{formatDateTime(d.startedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('duty.training.startedBy')}>{d.startedBy}</Descriptions.Item>
            <Descriptions.Item label={t('duty.status')}>{t(`duty.training.drillStates.${d.state}`)}</Descriptions.Item>
            <Descriptions.Item label={t('duty.training.result')}>{r ? <PassTag passed={r.passed} score={r.score} /> : t('duty.training.noResult')}</Descriptions.Item>
          </Descriptions>
          {r && (
            <>
              {r.alarms.map((a) => (
                <div key={a.alarmId} className="drill-alarm">
                  <Typography.Title level={5}>
                    <Tag color="purple">{t('events.sourceKind.drill')}</Tag>
                    {a.title}
                  </Typography.Title>
                  <Typography.Paragraph>
                    {t('duty.training.ack', { who: a.ackBy ?? '—', time: seconds(a.ackS), target: seconds(a.ackTargetS) })} {a.ackOnTime ? <Tag color="green">{t('duty.training.onTime')}</Tag> : <Tag color="red">{t('duty.training.late')}</Tag>}
                  </Typography.Paragraph>
                  <Table
                    rowKey="key"
                    size="small"
                    pagination={false}
                    dataSource={a.steps}
                    columns={[
                      { key: 'title', title: t('duty.training.step'), render: (_, s) => `${s.title}${s.mandatory ? '' : ` (${t('duty.training.optional')})`}` },
                      { key: 'by', title: t('duty.training.doneBy'), width: 90, render: (_, s) => s.doneBy ?? '—' },
                      { key: 'elapsed', title: t('duty.training.elapsed'), width: 90, render: (_, s) => seconds(s.elapsedS) },
                      { key: 'target', title: t('duty.training.target'), width: 90, render: (_, s) => seconds(s.targetS) },
                      { key: 'ok', title: '', width: 80, render: (_, s) => (s.onTime === null ? (s.doneAt ? <Tag>{t('duty.training.done')}</Tag> : null) : s.onTime ? <Tag color="green">{t('duty.training.onTime')}</Tag> : <Tag color="red">{s.doneAt ? t('duty.training.late') : t('duty.training.notDone')}</Tag>) },
                    ]}
                  />
                </div>
              ))}
              <Typography.Title level={5}>{t('duty.training.operators')}</Typography.Title>
              <Table
                rowKey="accountId"
                size="small"
                pagination={false}
                dataSource={r.operators}
                columns={[
                  { key: 'name', title: t('duty.training.person'), dataIndex: 'name' },
                  { key: 'actions', title: t('duty.training.actions'), dataIndex: 'actions' },
                  { key: 'first', title: t('duty.training.firstAction'), render: (_, o) => seconds(o.firstActionS) },
                  { key: 'passed', title: t('duty.training.result'), render: (_, o) => <PassTag passed={o.passed} score={o.score} /> },
                ]}
              />
              {r.problems.length > 0 && (
                <>
                  <Typography.Title level={5}>{t('duty.training.problems')}</Typography.Title>
                  <ul className="drill-problems">
                    {r.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                </>
              )}
              <Typography.Paragraph type="secondary">{t('duty.training.computedAt', { at: formatDateTime(r.computedAt) })}</Typography.Paragraph>
            </>
          )}
        </>
      )}
    </Drawer>
  );
}
