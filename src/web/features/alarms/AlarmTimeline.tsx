import { Timeline } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AlarmLogEntry } from '../../api/alarms.ts';
import type { DeviceEvent } from '../../../shared/events.ts';
import { formatDateTime } from '../../components/format.ts';
import { translateDynamic } from '../../i18n/index.ts';

interface Item {
  at: string;
  color: string;
  text: string;
  key: string;
}

/** The case file in time order: the device's events and every step, note, photo and action, with who. */
export function AlarmTimeline({ log, events }: { log: AlarmLogEntry[]; events: DeviceEvent[] }) {
  const { t } = useTranslation();
  const items: Item[] = [
    ...events.map((e) => ({ key: `e${e.id}`, at: e.occurredAt, color: 'red', text: t('alarms.timeline.event', { kind: translateDynamic(`events.kind.${e.kind}`, e.kind) }) })),
    ...log.map((l) => {
      const action = translateDynamic(`alarms.logAction.${l.action}`, l.action);
      const who = l.actorName ?? t('alarms.timeline.system');
      const state = l.toState && l.toState !== l.fromState ? ` → ${translateDynamic(`alarms.state.${l.toState}`, l.toState)}` : '';
      return { key: `l${l.id}`, at: l.at, color: l.action === 'escalated' ? 'magenta' : 'blue', text: `${who} · ${action}${state}${l.note ? ` — ${l.note}` : ''}` };
    }),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <Timeline
      className="alarm-timeline"
      data-testid="alarm-timeline"
      items={items.map((i) => ({ key: i.key, color: i.color, content: <><span className="timeline-at">{formatDateTime(i.at)}</span> {i.text}</> }))}
    />
  );
}
