import { Descriptions, Empty, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AlarmAction, RuleRun } from '../../api/alarms.ts';
import { formatDateTime } from '../../components/format.ts';
import { translateDynamic } from '../../i18n/index.ts';

const STATUS_COLORS: Record<string, string> = { done: 'green', acknowledged: 'green', pending: 'orange', skipped: 'default', failed: 'red', expired: 'red', no_ack: 'red', refused: 'red', not_sent: 'red' };

interface DoorOutcome {
  doorId: string;
  name: string;
  status: string;
  ackMs?: number;
  reason?: string;
}

/** A result as short text: door acknowledgements door by door, guards sent, or the reason it failed. */
function ResultText({ result }: { result: unknown }) {
  const { t } = useTranslation();
  if (!result || typeof result !== 'object') return null;
  const r = result as { doors?: DoorOutcome[]; cameras?: (Omit<DoorOutcome, 'doorId'> & { cameraId: string })[]; preset?: number; dispatched?: { name: string | null; distanceM: number | null }[]; reason?: string; status?: number; ms?: number };
  // Doors and PTZ cameras answer a command the same way: one acknowledgement per device.
  const devices = r.doors ?? r.cameras?.map((c) => ({ ...c, doorId: c.cameraId }));
  if (devices)
    return (
      <ul className="trace-doors" data-testid="trace-doors">
        {r.preset !== undefined && <li>{t('alarms.trace.preset', { preset: r.preset })}</li>}
        {devices.map((d) => (
          <li key={d.doorId}>
            {d.name} <Tag color={STATUS_COLORS[d.status] ?? 'default'}>{translateDynamic(`alarms.trace.door.${d.status}`, d.status)}</Tag>
            {d.ackMs !== undefined && t('alarms.trace.ackMs', { ms: d.ackMs })}
            {d.reason && <span className="trace-reason"> {d.reason}</span>}
          </li>
        ))}
      </ul>
    );
  if (r.dispatched) return <span>{r.dispatched.map((g) => g.name ?? '').join(t('alarms.sep'))}</span>;
  if (r.reason) return <span className="trace-reason">{r.reason}</span>;
  if (r.status !== undefined) return <span>{t('alarms.trace.http', { status: r.status, ms: r.ms ?? 0 })}</span>;
  return null;
}

/** Which rule fired on which event, what each action did, and the results of the external ones. */
export function RuleTrace({ runs, actions }: { runs: RuleRun[]; actions: AlarmAction[] }) {
  const { t } = useTranslation();
  if (!runs.length && !actions.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('alarms.trace.none')} />;
  return (
    <div className="rule-trace" data-testid="rule-trace">
      {runs.map((run) => (
        <Descriptions
          key={`${run.ruleId}:${run.eventId}`}
          size="small"
          column={1}
          bordered
          className="trace-run"
          items={[
            { key: 'rule', label: t('alarms.trace.rule'), children: `${run.trace?.rule?.name ?? run.ruleId}${run.trace?.rule ? ` (v${run.trace.rule.version})` : ''}` },
            { key: 'at', label: t('alarms.trace.at'), children: formatDateTime(run.at) },
            { key: 'outcome', label: t('alarms.trace.outcome'), children: run.trace?.outcome ? translateDynamic(`alarms.trace.outcomes.${run.trace.outcome}`, run.trace.outcome) : '' },
            {
              key: 'actions',
              label: t('alarms.trace.actions'),
              children: (
                <ul className="trace-actions">
                  {(run.trace?.actions ?? []).map((a, i) => (
                    <li key={i}>
                      {translateDynamic(`alarms.actionType.${a.type}`, a.type)} <Tag color={STATUS_COLORS[a.status] ?? 'default'}>{translateDynamic(`alarms.trace.status.${a.status}`, a.status)}</Tag>
                      {(a.code || a.detail) && <span className="trace-reason">{a.code ? translateDynamic(`alarms.traceDetail.${a.code}`, a.detail ?? a.code, a.params) : a.detail}</span>}
                    </li>
                  ))}
                </ul>
              ),
            },
          ]}
        />
      ))}
      {actions.length > 0 && (
        <ul className="trace-results" data-testid="trace-results">
          {actions.map((a) => (
            <li key={a.id}>
              {translateDynamic(`alarms.actionType.${a.action.type}`, a.action.type)} <Tag color={STATUS_COLORS[a.status] ?? 'default'}>{translateDynamic(`alarms.trace.status.${a.status}`, a.status)}</Tag>
              <span className="timeline-at">{formatDateTime(a.doneAt ?? a.createdAt)}</span>
              <ResultText result={a.result} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
