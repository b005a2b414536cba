import { Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { DeviceRef } from '../../api/events.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { kindKey } from './event-kinds.ts';
import { formatDuration, payloadSummary, type Translate } from './event-format.ts';
import { formatDateTime } from '../../components/format.ts';
import { formatEventTime, lateBy } from './event-time.ts';
import { SeverityTag } from './SeverityTag.tsx';
import { useElementHeight } from './useElementHeight.ts';

interface EventTableProps {
  rows: DeviceEvent[];
  devices: ReadonlyMap<string, DeviceRef>;
  /** Names are still being loaded: not "unregistered" yet. */
  devicesLoading: boolean;
  loading: boolean;
  selectedId: string | null;
  onOpen: (event: DeviceEvent) => void;
}

const HEADER_HEIGHT = 40;

/** The stream as a virtual table: only the rows in view are in the DOM, however many are loaded. */
export function EventTable({ rows, devices, devicesLoading, loading, selectedId, onOpen }: EventTableProps) {
  const { t } = useTranslation();
  const { index } = useOrg();
  const { ref, height } = useElementHeight<HTMLDivElement>();
  const tr = t as unknown as Translate;

  const columns = useMemo<TableColumnsType<DeviceEvent>>(
    () => [
      {
        key: 'time',
        title: t('events.column.time'),
        width: 150,
        render: (_, e) => {
          // Rows are in arrival order; an event that arrived late says so instead of looking misplaced.
          const late = lateBy(e);
          return (
            <span title={formatDateTime(e.occurredAt)}>
              {formatEventTime(e.occurredAt)}
              {late !== null && (
                <Tag className="event-late" title={t('events.lateTitle', { delay: formatDuration(late / 1000, tr) })}>
                  {t('events.late')}
                </Tag>
              )}
            </span>
          );
        },
      },
      { key: 'severity', title: t('events.column.severity'), width: 84, render: (_, e) => <SeverityTag severity={e.severity} /> },
      { key: 'kind', title: t('events.column.kind'), width: 130, render: (_, e) => (
          <>
            {e.source === 'drill' && (
              <Tag color="purple" data-testid="event-drill-tag">
                {t('events.sourceKind.drill')}
              </Tag>
            )}
            {t(`events.kind.${kindKey(e.kind)}`)}
          </>
        ),
      },
      {
        key: 'device',
        title: t('events.column.device'),
        width: 260,
        ellipsis: true,
        render: (_, e) =>
          devices.get(e.deviceId)?.name ?? <Typography.Text type="secondary">{devicesLoading ? t('events.deviceLoading') : t('events.unknownDevice')}</Typography.Text>,
      },
      {
        key: 'campus',
        title: t('events.column.campus'),
        width: 150,
        ellipsis: true,
        render: (_, e) => {
          const campusId = devices.get(e.deviceId)?.campusId;
          return campusId ? (index.get(campusId)?.name ?? '') : '';
        },
      },
      { key: 'summary', title: t('events.column.summary'), ellipsis: true, render: (_, e) => payloadSummary(e, tr) },
    ],
    [t, tr, devices, devicesLoading, index],
  );

  return (
    <div className="event-table-wrap" ref={ref}>
      <Table<DeviceEvent>
        virtual
        size="small"
        rowKey="id"
        data-testid="event-table"
        columns={columns}
        dataSource={rows}
        loading={loading && !rows.length}
        pagination={false}
        scroll={{ x: 1000, y: Math.max(120, height - HEADER_HEIGHT) }}
        locale={{ emptyText: t('events.empty') }}
        rowClassName={(e) => `event-row event-row-${e.severity}${e.id === selectedId ? ' event-row-selected' : ''}`}
        onRow={(e) => ({ onClick: () => onOpen(e), 'data-kind': e.kind } as HTMLAttributes<HTMLElement>)}
      />
    </div>
  );
}
