import { Button, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeadLetter, DeviceRef } from '../../api/events.ts';
import { formatDateTime } from '../../components/format.ts';
import { formatEventTime } from '../events/event-time.ts';
import { rawPreview } from './raw-preview.ts';
import { RawPayload } from './RawPayload.tsx';

interface DeadLetterTableProps {
  items: DeadLetter[];
  devices: ReadonlyMap<string, DeviceRef>;
  loading: boolean;
}

export function DeadLetterTable({ items, devices, loading }: DeadLetterTableProps) {
  const { t } = useTranslation();
  const [expanded, setExpanded] = useState<string[]>([]);
  const toggle = (id: string) => setExpanded((keys) => (keys.includes(id) ? keys.filter((k) => k !== id) : [...keys, id]));
  const dash = t('common.empty');

  const columns = useMemo<TableColumnsType<DeadLetter>>(
    () => [
      { key: 'time', title: t('deadLetters.column.time'), width: 100, render: (_, d) => <span title={formatDateTime(d.receivedAt)}>{formatEventTime(d.receivedAt)}</span> },
      {
        key: 'source',
        title: t('deadLetters.column.source'),
        width: 130,
        ellipsis: true,
        render: (_, d) => (
          <>
            {t(`events.sourceKind.${d.source}`, { defaultValue: d.source })}
            {d.topic && (
              <code className="dead-letter-topic" title={d.topic}>
                {d.topic}
              </code>
            )}
          </>
        ),
      },
      {
        key: 'device',
        title: t('deadLetters.column.device'),
        width: 160,
        ellipsis: true,
        render: (_, d) =>
          d.deviceId ? (
            (devices.get(d.deviceId)?.name ?? <code className="dead-letter-id" title={d.deviceId}>{d.deviceId.slice(0, 8)}…</code>)
          ) : (
            <Typography.Text type="secondary">{t('deadLetters.noDevice')}</Typography.Text>
          ),
      },
      {
        key: 'reason',
        title: t('deadLetters.column.reason'),
        ellipsis: { showTitle: false },
        render: (_, d) => (
          <span title={d.field ? `${d.field}: ${d.reason}` : d.reason}>
            {d.field && <code className="dead-letter-field">{d.field}</code>}
            {d.reason}
          </span>
        ),
      },
      {
        key: 'raw',
        title: t('deadLetters.column.raw'),
        width: 250,
        render: (_, d) => (
          <span className="dead-letter-preview">
            <Button size="small" type="link" onClick={() => toggle(d.id)} data-testid="dead-letter-show-raw">
              {expanded.includes(d.id) ? t('deadLetters.hideRaw') : t('deadLetters.showRaw')}
            </Button>
            <code>{rawPreview(d.rawText, 40) || dash}</code>
          </span>
        ),
      },
    ],
    [t, devices, expanded, dash],
  );

  return (
    <Table<DeadLetter>
      size="small"
      rowKey="id"
      data-testid="dead-letter-table"
      columns={columns}
      dataSource={items}
      loading={loading}
      pagination={false}
      tableLayout="fixed"
      locale={{ emptyText: t('deadLetters.empty') }}
      expandable={{ expandedRowKeys: expanded, showExpandColumn: false, expandedRowRender: (d) => <RawPayload letter={d} /> }}
    />
  );
}
