import { CheckCircleOutlined, EditOutlined, SwapOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Empty, Input, Popconfirm, Row, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HANDOVER_CHECKLIST, HANDOVER_LIMITS, type HandoverCheckKey } from '../../../shared/handover.ts';
import { handoverApi, type Handover, type HandoverAlarm, type HandoverCheck, type HandoverFault, type ShiftPerson } from '../../api/handover.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { shortTime } from './duty-format.ts';

const STATE_COLORS: Record<Handover['state'], string> = { open: 'blue', signed: 'orange', accepted: 'green' };
const PAGE_SIZE = 10;
/** Rows of each duty-log table per page (the checklist stays in view). */
const LOG_PAGE = 4;

/** The duty log: open alarms and device faults (as the server pre-filled it). */
function DutyLog({ alarms, faults }: { alarms: HandoverAlarm[]; faults: HandoverFault[] }) {
  const { t } = useTranslation();
  const alarmColumns: ColumnsType<HandoverAlarm> = [
    { key: 'title', title: t('duty.handover.alarm'), dataIndex: 'title', ellipsis: true },
    { key: 'type', title: t('duty.handover.alarmType'), width: 110, render: (_, a) => t(`alarms.type.${a.type}` as 'alarms.type.panic', a.type) },
    { key: 'state', title: t('duty.status'), width: 90, render: (_, a) => <Tag color={a.state === 'new' ? 'red' : 'blue'}>{t(`alarms.state.${a.state}` as 'alarms.state.new', a.state)}</Tag> },
    { key: 'at', title: t('duty.handover.raisedAt'), width: 110, render: (_, a) => shortTime(a.firstAt) },
  ];
  const faultColumns: ColumnsType<HandoverFault> = [
    { key: 'name', title: t('duty.handover.device'), dataIndex: 'name', ellipsis: true },
    { key: 'kind', title: t('duty.handover.deviceKind'), width: 110, render: (_, f) => t(`enum.deviceKind.${f.kind}` as 'enum.deviceKind.camera', f.kind) },
    { key: 'fault', title: t('duty.handover.fault'), width: 130, render: (_, f) => <Tag color={f.fault === 'offline' ? 'red' : 'orange'}>{t(`duty.handover.faults.${f.fault}`)}{f.since ? ` ${shortTime(f.since)}` : ''}</Tag> },
  ];
  return (
    <Row gutter={16} className="handover-log">
      <Col xs={24} xl={12}>
        <h4 data-testid="handover-open-alarms">{t('duty.handover.openAlarms', { count: alarms.length })}</h4>
        <Table size="small" rowKey="id" columns={alarmColumns} dataSource={alarms} pagination={alarms.length > LOG_PAGE ? { pageSize: LOG_PAGE, size: 'small' } : false} locale={{ emptyText: t('duty.handover.noOpenAlarms') }} />
      </Col>
      <Col xs={24} xl={12}>
        <h4 data-testid="handover-device-faults">{t('duty.handover.deviceFaults', { count: faults.length })}</h4>
        <Table size="small" rowKey="deviceId" columns={faultColumns} dataSource={faults} pagination={faults.length > LOG_PAGE ? { pageSize: LOG_PAGE, size: 'small' } : false} locale={{ emptyText: t('duty.handover.noFaults') }} />
      </Col>
    </Row>
  );
}

/** The checklist as signed (read-only). */
function SignedChecklist({ h }: { h: Handover }) {
  const { t } = useTranslation();
  return (
    <Descriptions size="small" column={1} bordered className="handover-checklist-signed">
      {h.checklist.map((c) => (
        <Descriptions.Item key={c.key} label={t(`duty.handover.check.${c.key}`)}>
          {c.checked ? <Tag color="green">{t('duty.handover.ok')}</Tag> : <Tag color="red">{t('duty.handover.notOk')}</Tag>}
          {c.remark}
        </Descriptions.Item>
      ))}
      <Descriptions.Item label={t('duty.handover.notes')}>{h.notes || '—'}</Descriptions.Item>
    </Descriptions>
  );
}

const personList = (people: ShiftPerson[]) => people.map((p) => `${p.accountName}（${p.postName}）`).join('、');

/** 交接班: my shift and the next, the duty log the server pre-fills, the checklist, signing and accepting, and the history. */
export function HandoverTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { scope } = useOrg();
  const current = useApi((signal) => handoverApi.current(scope.universityId, signal), [scope.universityId]);
  const [page, setPage] = useState(1);
  const history = useApi((signal) => handoverApi.list({ universityId: scope.universityId, page, pageSize: PAGE_SIZE }, signal), [scope.universityId, page]);
  const [checks, setChecks] = useState<HandoverCheck[]>(HANDOVER_CHECKLIST.map((key) => ({ key, checked: false, remark: '' })));
  const [notes, setNotes] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const writer = can('duty.handover');
  const c = current.data;
  const h = c?.handover ?? null;

  useEffect(() => {
    if (h?.state === 'open') {
      setChecks(h.checklist);
      setNotes(h.notes);
    }
  }, [h?.id, h?.state]);

  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setProblems({});
    try {
      await action();
      void message.success(done);
      current.reload();
      history.reload();
    } catch (err) {
      const details = (err as { details?: { field: string; reason: string }[] }).details ?? [];
      setProblems(Object.fromEntries(details.map((d) => [d.field, d.reason])));
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const setCheck = (i: number, patch: Partial<HandoverCheck>) => setChecks((all) => all.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  const historyColumns: ColumnsType<Handover> = [
    { key: 'change', title: t('duty.handover.change'), render: (_, x) => shortTime(x.shiftTo), width: 110 },
    { key: 'shift', title: t('duty.handover.shift'), render: (_, x) => `${x.postName} · ${x.shiftName}` },
    { key: 'out', title: t('duty.handover.outgoing'), render: (_, x) => x.outgoing.name },
    { key: 'in', title: t('duty.handover.incoming'), render: (_, x) => x.incoming?.name ?? x.incomingExpected.map((p) => p.name).join('、') },
    { key: 'alarms', title: t('duty.handover.alarmsCol'), render: (_, x) => (x.state === 'accepted' ? t('duty.handover.moved', { count: x.movedAlarms }) : x.openAlarms.length) },
    { key: 'faults', title: t('duty.handover.faultsCol'), render: (_, x) => x.deviceFaults.length },
    { key: 'state', title: t('duty.status'), render: (_, x) => <Tag color={STATE_COLORS[x.state]} data-testid={`handover-state-${x.state}`}>{t(`duty.handover.states.${x.state}`)}</Tag> },
  ];

  if (!scope.universityId && c?.universityId === null) return <Empty description={t('duty.pickUniversity')} />;

  return (
    <div className="handover-tab" data-testid="handover-tab">
      {current.error && <ErrorAlert error={current.error} />}
      {c && (
        <>
          <Card size="small" className="handover-card" title={<span><SwapOutlined /> {t('duty.handover.currentShift')}</span>}>
            {!c.rostered && <Alert type="info" showIcon message={t('duty.handover.unrostered')} />}
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('duty.handover.onShift')}>
                <span data-testid="handover-on-shift">{c.onShift.length ? personList(c.onShift) : '—'}</span>
              </Descriptions.Item>
              {c.mine && (
                <Descriptions.Item label={t('duty.handover.mine')}>
                  <span data-testid="handover-mine">{`${c.mine.postName} · ${c.mine.shiftName}  ${shortTime(c.mine.from)} – ${shortTime(c.mine.to)}`}</span>
                </Descriptions.Item>
              )}
              {c.mine && <Descriptions.Item label={t('duty.handover.nextShift')}>{c.next.length ? personList(c.next) : <Tag color="red">{t('duty.handover.nobodyNext')}</Tag>}</Descriptions.Item>}
            </Descriptions>
          </Card>

          {c.awaitingMe.map((w) => (
            <Card
              key={w.id}
              size="small"
              className="handover-card handover-awaiting"
              data-testid="handover-awaiting"
              title={t('duty.handover.awaitingTitle', { who: w.outgoing.name, at: shortTime(w.shiftTo) })}
              extra={
                writer && (
                  <Popconfirm title={t('duty.handover.acceptConfirm', { count: w.openAlarms.length })} onConfirm={() => run(() => handoverApi.accept(w.id), t('duty.handover.accepted'))}>
                    <Button type="primary" icon={<CheckCircleOutlined />} loading={busy} data-testid="handover-accept">
                      {t('duty.handover.accept')}
                    </Button>
                  </Popconfirm>
                )
              }
            >
              <div className="duty-muted">{t('duty.handover.signedBy', { who: w.outgoing.name, at: shortTime(w.signedAt ?? w.createdAt), shift: `${w.postName} · ${w.shiftName}` })}</div>
              {problems.incoming && <Alert className="handover-problem" type="error" showIcon message={problems.incoming} data-testid="handover-problem" />}
              <DutyLog alarms={w.openAlarms} faults={w.deviceFaults} />
              <SignedChecklist h={w} />
            </Card>
          ))}

          {c.mine && (
            <Card
              size="small"
              className="handover-card"
              data-testid="handover-current"
              title={t('duty.handover.myHandover')}
              extra={h && <Tag color={STATE_COLORS[h.state]} data-testid={`handover-current-${h.state}`}>{t(`duty.handover.states.${h.state}`)}</Tag>}
            >
              {!h && (
                <>
                  <DutyLog alarms={c.openAlarms} faults={c.deviceFaults} />
                  {problems.shift && <Alert className="handover-problem" type="error" showIcon message={problems.shift} />}
                  {writer && (
                    <Button type="primary" icon={<EditOutlined />} loading={busy} data-testid="handover-start" className="handover-action" onClick={() => run(() => handoverApi.start(), t('duty.handover.started'))}>
                      {t('duty.handover.start')}
                    </Button>
                  )}
                </>
              )}
              {h?.state === 'open' && (
                <>
                  <DutyLog alarms={h.openAlarms} faults={h.deviceFaults} />
                  <h4>{t('duty.handover.checklist')}</h4>
                  <div className="handover-checklist">
                    {checks.map((x, i) => (
                      <div key={x.key} className="handover-check-row">
                        <Checkbox checked={x.checked} onChange={(e) => setCheck(i, { checked: e.target.checked })} data-testid={`handover-check-${x.key}`}>
                          {t(`duty.handover.check.${x.key as HandoverCheckKey}`)}
                        </Checkbox>
                        <Input
                          size="small"
                          maxLength={HANDOVER_LIMITS.remark}
                          placeholder={x.checked ? t('duty.handover.remarkOptional') : t('duty.handover.remarkNeeded')}
                          value={x.remark}
                          status={problems[`checklist[${i}].remark`] ? 'error' : undefined}
                          onChange={(e) => setCheck(i, { remark: e.target.value })}
                          data-testid={`handover-remark-${x.key}`}
                        />
                      </div>
                    ))}
                  </div>
                  <h4>{t('duty.handover.notes')}</h4>
                  <Input.TextArea rows={3} maxLength={HANDOVER_LIMITS.notes} value={notes} onChange={(e) => setNotes(e.target.value)} placeholder={t('duty.handover.notesPlaceholder')} data-testid="handover-notes" />
                  {Object.keys(problems).length > 0 && <Alert className="handover-problem" type="error" showIcon message={Object.values(problems).join('；')} data-testid="handover-problem" />}
                  {writer && (
                    <Popconfirm title={t('duty.handover.signConfirm')} onConfirm={() => run(() => handoverApi.sign(h.id, { checklist: checks, notes }), t('duty.handover.signed'))}>
                      <Button type="primary" loading={busy} data-testid="handover-sign" className="handover-action">
                        {t('duty.handover.sign')}
                      </Button>
                    </Popconfirm>
                  )}
                </>
              )}
              {h && h.state !== 'open' && (
                <>
                  <Alert
                    type={h.state === 'accepted' ? 'success' : 'warning'}
                    showIcon
                    message={h.state === 'accepted' ? t('duty.handover.acceptedBy', { who: h.incoming?.name ?? '', at: shortTime(h.acceptedAt ?? h.shiftTo), count: h.movedAlarms }) : t('duty.handover.waitingFor', { who: h.incomingExpected.map((p) => p.name).join('、') || '—' })}
                  />
                  <DutyLog alarms={h.openAlarms} faults={h.deviceFaults} />
                  <SignedChecklist h={h} />
                </>
              )}
            </Card>
          )}
          {!c.mine && !c.awaitingMe.length && c.universityId && (
            <Card size="small" className="handover-card" title={t('duty.handover.logNow')}>
              <Alert type="info" showIcon message={t('duty.handover.notOnShift')} className="handover-problem" />
              <DutyLog alarms={c.openAlarms} faults={c.deviceFaults} />
            </Card>
          )}
        </>
      )}

      <Card size="small" className="handover-card" title={t('duty.handover.history')}>
        {history.error && <ErrorAlert error={history.error} />}
        <Table
          size="small"
          rowKey="id"
          data-testid="handover-history"
          columns={historyColumns}
          dataSource={history.data?.items ?? []}
          loading={history.loading}
          expandable={{ expandedRowRender: (x) => (<Space direction="vertical" style={{ width: '100%' }}><SignedChecklist h={x} /></Space>) }}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: history.data?.total ?? 0, onChange: setPage, size: 'small' }}
        />
      </Card>
    </div>
  );
}
