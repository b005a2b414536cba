import { FilePdfOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Segmented, Space, Spin, Steps, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { alarmsApi, type AlarmAction, type SopInput } from '../../api/alarms.ts';
import { ApiError } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { AlarmActions } from './AlarmActions.tsx';
import { AlarmLocation } from './AlarmLocation.tsx';
import { AlarmTimeline } from './AlarmTimeline.tsx';
import { LIFECYCLE, lifecycleIndex, priorityColor } from './alarm-format.ts';
import { DispatchPanel } from './DispatchPanel.tsx';
import { LinkedCameras } from './LinkedCameras.tsx';
import { EvidencePanel } from '../video/EvidencePanel.tsx';
import { SyncPlayback } from '../video/SyncPlayback.tsx';
import { RuleTrace } from './RuleTrace.tsx';
import { SopChecklist } from './SopChecklist.tsx';
import { priorityLabel } from '../../i18n/index.ts';
import type { DispatchWarning } from '../../../shared/alarms.ts';

interface AlarmDetailProps {
  alarmId: string;
  /** Bumped when the live connection reports a change of this alarm. */
  version: number;
  onChanged: () => void;
}

/** One alarm's case file: lifecycle, next steps, procedure, cameras, guards, timeline and rule trace. */
export function AlarmDetail({ alarmId, version, onChanged }: AlarmDetailProps) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const canHandle = can('alarm.handle');
  const record = useApi((signal) => alarmsApi.record(alarmId, signal), [alarmId, version]);
  const [problem, setProblem] = useState<unknown>(null);
  const [cameraView, setCameraView] = useState<CameraView>('live');
  useEffect(() => (setProblem(null), setCameraView('live')), [alarmId]);

  if (record.error && !record.data) return <ErrorAlert error={record.error} onRetry={record.reload} />;
  if (!record.data || record.data.alarm.id !== alarmId) return <Spin className="view-spin" />;
  const { alarm, caseNo, routedTo, sop, dispatches, log, events, ruleRuns, actions } = record.data;

  const changed = () => {
    setProblem(null);
    record.reload();
    onChanged();
  };
  const failed = (err: unknown) => {
    setProblem(err);
    record.reload();
  };
  const completeSop = async (key: string, input: SopInput) => {
    try {
      await alarmsApi.sop(alarmId, key, input);
      void message.success(t('alarms.sop.saved'));
      changed();
    } catch (err) {
      failed(err);
    }
  };
  const upload = async (file: File) => (await alarmsApi.uploadPhoto(alarmId, file)).id;
  const final = alarm.state === 'closed' || alarm.state === 'false_alarm';

  return (
    <div className="alarm-detail" data-testid="alarm-detail" data-state={alarm.state}>
      <div className="alarm-detail-head">
        <Space wrap>
          <Tag color={priorityColor(alarm.priority)}>{priorityLabel(alarm.priority)}</Tag>
          {alarm.drillId && (
            <Tag color="purple" data-testid="alarm-drill-tag">
              {t('events.sourceKind.drill')}
            </Tag>
          )}
          <Typography.Title level={4} className="alarm-title" data-testid="alarm-title">
            {alarm.title}
          </Typography.Title>
          <Tag>{t(`alarms.type.${alarm.type}`)}</Tag>
          <Tag color={final ? 'default' : 'blue'} data-testid="alarm-state">
            {t(`alarms.state.${alarm.state}`)}
          </Tag>
          {alarm.latched && <Tag color="volcano">{t('alarms.latched')}</Tag>}
          {alarm.escalationLevel > 0 && <Tag color="magenta">{t('alarms.escalated', { level: alarm.escalationLevel })}</Tag>}
          {/* The case file (案卷) as a PDF: the server answers with Content-Disposition: attachment. */}
          <Button size="small" icon={<FilePdfOutlined />} href={`/api/alarms/${encodeURIComponent(alarm.id)}/case-file.pdf`} download title={t('caseFile.exportHint')} data-testid="alarm-case-file">
            {t('caseFile.export')}
          </Button>
        </Space>
        <Typography.Text type="secondary" className="alarm-times">
          <span data-testid="alarm-case-no">{t('alarms.caseNo', { no: caseNo })}</span>
          {' · '}
          {t('alarms.times', { first: formatDateTime(alarm.firstAt), last: formatDateTime(alarm.lastAt), count: alarm.eventCount })}
          {alarm.dueAt && !final && ` · ${t('alarms.due', { at: formatDateTime(alarm.dueAt) })}`}
        </Typography.Text>
        {routedTo && (
          <Typography.Text type="secondary" className="alarm-routed" data-testid="alarm-routed-to">
            {t('alarms.routedTo', { names: routedTo.operators.map((p) => p.name).join('、') || '—' })}
            {routedTo.leaders.length > 0 && ` · ${t('alarms.dutyLeader', { names: routedTo.leaders.map((p) => p.name).join('、') })}`}
          </Typography.Text>
        )}
        <AlarmLocation alarm={alarm} />
      </div>
      <Steps
        size="small"
        className="alarm-steps"
        current={lifecycleIndex(alarm.state)}
        status={alarm.state === 'false_alarm' ? 'error' : alarm.state === 'closed' ? 'finish' : 'process'}
        items={LIFECYCLE.map((s, i) => ({ title: t(`alarms.state.${i === LIFECYCLE.length - 1 && alarm.state === 'false_alarm' ? 'false_alarm' : s}`) }))}
      />
      <AlarmActions alarm={alarm} sop={sop} canHandle={canHandle} onDone={changed} onError={failed} />
      {problem !== null && <ProblemAlert error={problem} onClose={() => setProblem(null)} />}
      <div className="alarm-detail-grid">
        <Card size="small" title={t('alarms.sop.title')} className="alarm-card">
          <SopChecklist steps={sop} canEdit={canHandle && !final} onComplete={completeSop} onUpload={upload} photoUrl={(p) => alarmsApi.photoUrl(alarmId, p)} />
        </Card>
        <Card size="small" title={t('alarms.cameras.title')} className="alarm-card" extra={<CameraViewSwitch cameras={alarm.linkedCameras} view={cameraView} onChange={setCameraView} />}>
          {cameraView === 'playback' ? <SyncPlayback key={alarm.id} cameras={alarm.linkedCameras} alarmAt={alarm.firstAt} /> : <LinkedCameras cameras={alarm.linkedCameras} />}
          <div className="section-gap" />
          <Typography.Text strong>{t('video.evidence.title')}</Typography.Text>
          <EvidencePanel alarmId={alarm.id} alarmAt={alarm.createdAt} cameras={alarm.linkedCameras} />
        </Card>
        <Card size="small" title={t('alarms.dispatch.title')} className="alarm-card alarm-card-wide">
          <DispatchPanel alarm={alarm} dispatches={dispatches} warnings={dispatchWarnings(actions)} canHandle={canHandle} onDone={changed} onError={failed} />
        </Card>
        <Card size="small" title={t('alarms.timeline.title')} className="alarm-card">
          <AlarmTimeline log={log} events={events} />
        </Card>
        <Card size="small" title={t('alarms.trace.title')} className="alarm-card">
          <RuleTrace runs={ruleRuns} actions={actions} />
        </Card>
      </div>
    </div>
  );
}

type CameraView = 'live' | 'playback';

/** Live video of the linked cameras, or their recordings played together around the alarm (with video.view). */
function CameraViewSwitch({ cameras, view, onChange }: { cameras: unknown[]; view: CameraView; onChange: (v: CameraView) => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  if (!cameras.length || !can('video.view')) return null;
  return (
    <Segmented<CameraView>
      size="small"
      value={view}
      onChange={onChange}
      options={[
        { value: 'live', label: t('video.sync.live') },
        { value: 'playback', label: <span data-testid="alarm-playback-tab">{t('video.sync.playback')}</span> },
      ]}
      title={t('video.sync.title')}
    />
  );
}

/** A refused step: the translated code, the server's message and each reason (409 details). */
function ProblemAlert({ error, onClose }: { error: unknown; onClose: () => void }) {
  const details = error instanceof ApiError ? error.details : [];
  return (
    <Alert
      type="error"
      showIcon
      closable={{ onClose }}
      className="alarm-problem"
      data-testid="alarm-problem"
      title={errorTitle(error)}
      description={
        <>
          <div>{errorMessage(error)}</div>
          {details.length > 0 && (
            <ul>
              {details.map((d, i) => (
                <li key={i}>{d.reason}</li>
              ))}
            </ul>
          )}
        </>
      }
    />
  );
}

/** Warnings of the linkage rules' guard dispatches (fewer guards than asked, the nearest too far). */
function dispatchWarnings(actions: AlarmAction[]): DispatchWarning[] {
  return actions.filter((a) => a.action.type === 'notify_guards').flatMap((a) => ((a.result as { warnings?: DispatchWarning[] } | null)?.warnings ?? []));
}
