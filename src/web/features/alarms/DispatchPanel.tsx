import { Alert, App, Button, Empty, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DispatchWarning } from '../../../shared/alarms.ts';
import { alarmsApi, type Alarm, type Dispatch, type NearestGuard } from '../../api/alarms.ts';
import { formatDateTime } from '../../components/format.ts';
import { etaMinutes } from './alarm-format.ts';

const STATE_COLORS: Record<Dispatch['state'], string> = { offered: 'orange', accepted: 'blue', arrived: 'cyan', finished: 'green', declined: 'default' };

interface DispatchPanelProps {
  alarm: Alarm;
  dispatches: Dispatch[];
  /** From the linkage rules' dispatches: too few guards, or the nearest too far. */
  warnings?: DispatchWarning[];
  canHandle: boolean;
  onDone: () => void;
  onError: (err: unknown) => void;
}

/** Guards sent to the alarm (distance, ETA, state); send the nearest one, or pick from the nearest on duty. */
export function DispatchPanel({ alarm, dispatches, warnings = [], canHandle, onDone, onError }: DispatchPanelProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [nearest, setNearest] = useState<NearestGuard[] | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const open = ['new', 'acknowledged', 'dispatched', 'on_scene'].includes(alarm.state);

  const send = async (body: { guardIds?: string[]; count?: number }) => {
    setBusy(true);
    try {
      const sent = await alarmsApi.dispatch(alarm.id, body);
      if (sent.length) void message.success(t('alarms.dispatch.sent', { names: sent.map((d) => d.guardName ?? d.guardId).join(t('alarms.sep')) }));
      else void message.warning(t('alarms.dispatch.noneOnDuty'));
      setNearest(null);
      setPicked([]);
      onDone();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };

  const loadNearest = async () => {
    try {
      setNearest(await alarmsApi.nearestGuards(alarm.id));
    } catch (err) {
      onError(err);
    }
  };

  return (
    <div data-testid="dispatch-panel">
      {open &&
        warnings.map((w, i) => (
          <Alert
            key={i}
            className="dispatch-warning"
            type="warning"
            showIcon
            data-testid="dispatch-warning"
            title={
              w.code === 'fewer_guards'
                ? t('alarms.dispatch.fewerGuards', { requested: w.requested, found: w.found })
                : t('alarms.dispatch.far', { minutes: Math.ceil(w.etaS / 60), limit: Math.round(w.limitS / 60) })
            }
          />
        ))}
      {canHandle && open && (
        <Space wrap className="dispatch-tools">
          <Button type="primary" loading={busy} onClick={() => void send({ count: 1 })} data-testid="dispatch-nearest">
            {t('alarms.dispatch.nearest')}
          </Button>
          {nearest === null ? (
            <Button onClick={() => void loadNearest()} data-testid="dispatch-choose">
              {t('alarms.dispatch.choose')}
            </Button>
          ) : (
            <>
              <Select
                mode="multiple"
                className="dispatch-select"
                placeholder={nearest.length ? t('alarms.dispatch.pick') : t('alarms.dispatch.noneOnDuty')}
                value={picked}
                onChange={setPicked}
                options={nearest.map((g) => ({ value: g.id, label: g.distanceM === null ? g.name : `${g.name} · ${t('alarms.distance', { m: g.distanceM })}` }))}
                data-testid="dispatch-select"
              />
              <Button type="primary" disabled={!picked.length} loading={busy} onClick={() => void send({ guardIds: picked })}>
                {t('alarms.dispatch.send')}
              </Button>
            </>
          )}
        </Space>
      )}
      {dispatches.length ? (
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={dispatches}
          data-testid="dispatch-table"
          columns={[
            { title: t('alarms.dispatch.guard'), dataIndex: 'guardName', render: (v: string | null, d) => v ?? d.guardId },
            { title: t('alarms.dispatch.distance'), dataIndex: 'distanceM', render: (v: number | null) => (v === null ? t('common.empty') : t('alarms.distance', { m: v })) },
            { title: t('alarms.dispatch.eta'), dataIndex: 'etaS', render: (v: number | null) => (v === null ? t('common.empty') : t('alarms.minutes', { n: etaMinutes(v) })) },
            { title: t('alarms.dispatch.state'), dataIndex: 'state', render: (v: Dispatch['state']) => <Tag color={STATE_COLORS[v]}>{t(`alarms.dispatchState.${v}`)}</Tag> },
            { title: t('alarms.dispatch.at'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
            { title: t('alarms.dispatch.note'), dataIndex: 'note', render: (v: string | null) => v ?? '' },
          ]}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('alarms.dispatch.none')} />
      )}
    </div>
  );
}
