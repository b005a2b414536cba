import { Button, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceEvent } from '../../../shared/events.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useDeviceDirectory } from '../../live/device-directory.ts';
import { MAX_CAPACITY } from './event-buffer.ts';
import type { EventFilter } from './event-filter.ts';
import { EventDetailDrawer } from './EventDetailDrawer.tsx';
import { EventTable } from './EventTable.tsx';
import { EventToolbar } from './EventToolbar.tsx';
import { useEventStream } from './useEventStream.ts';
import './events.css';

/** 事件流: events as they arrive, newest on top, filtered by kind, campus and device; history on demand. */
export function EventStreamView() {
  const { t } = useTranslation();
  const { scope } = useOrg();
  const directory = useDeviceDirectory(scope.universityId);
  const [filter, setFilter] = useState<EventFilter>(() => ({ kinds: [], showNoisy: false, universityId: scope.universityId, campusId: scope.campusId }));
  // The sidebar picks the university and campus; the toolbar can narrow or widen the campus.
  useEffect(() => {
    setFilter((f) => (f.universityId === scope.universityId && f.campusId === scope.campusId ? f : { ...f, universityId: scope.universityId, campusId: scope.campusId, deviceId: undefined }));
  }, [scope.universityId, scope.campusId]);
  const onFilter = useCallback((patch: Partial<EventFilter>) => setFilter((f) => ({ ...f, ...patch })), []);

  const stream = useEventStream(filter, directory.byId, !directory.loading, directory.lookupMissed);
  const { state } = stream;
  const [open, setOpen] = useState<DeviceEvent | null>(null);
  const full = state.rows.length >= MAX_CAPACITY;

  return (
    <div className="event-view" data-testid="event-view">
      <EventToolbar
        filter={filter}
        onFilter={onFilter}
        devices={directory.list}
        devicesLoading={directory.loading}
        paused={state.paused}
        pendingCount={state.pendingCount}
        onPaused={stream.setPaused}
        shown={state.rows.length}
        capacity={state.capacity}
        loading={stream.loading}
      />
      {stream.error && <ErrorAlert error={stream.error} title={t('events.loadFailed')} onRetry={stream.reload} />}
      {directory.error && <ErrorAlert error={directory.error} title={t('events.directoryFailed')} />}
      <EventTable rows={state.rows} devices={directory.byId} devicesLoading={directory.loading} loading={stream.loading} selectedId={open?.id ?? null} onOpen={setOpen} />
      <div className="event-footer">
        {state.hasOlder && !full ? (
          <Button onClick={stream.loadOlder} loading={stream.loading} data-testid="event-load-older">
            {t('events.loadOlder')}
          </Button>
        ) : (
          <Typography.Text type="secondary">{full ? t('events.capacityReached', { count: MAX_CAPACITY }) : t('events.noOlder')}</Typography.Text>
        )}
      </div>
      <EventDetailDrawer
        event={open}
        device={open ? directory.byId.get(open.deviceId) : undefined}
        deviceLoading={directory.loading}
        onClose={() => setOpen(null)}
        onOnlyThisDevice={(deviceId) => {
          setOpen(null);
          onFilter({ deviceId, campusId: directory.byId.get(deviceId)?.campusId ?? filter.campusId });
        }}
      />
    </div>
  );
}
