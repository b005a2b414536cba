import { Button, Popconfirm, Space, Table, Typography } from 'antd';
import type { TableColumnsType, TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Device, DeviceQuery, DeviceSort, Page } from '../../api/types.ts';
import { DEVICE_SORTS } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { DeviceKindTag, DeviceStatusBadge } from '../../components/DeviceKindTag.tsx';
import { formatDate } from '../../components/format.ts';
import { useAuth } from '../auth/AuthProvider.tsx';

interface DeviceTableProps {
  page: Page<Device> | undefined;
  loading: boolean;
  query: DeviceQuery;
  onQuery: (patch: Partial<DeviceQuery>) => void;
  onOpen: (device: Device) => void;
  onEdit: (device: Device) => void;
  onDelete: (device: Device) => Promise<void>;
}

/** The ledger, sorted, filtered and paged by the server. */
export function DeviceTable({ page, loading, query, onQuery, onOpen, onEdit, onDelete }: DeviceTableProps) {
  const { t } = useTranslation();
  const { describe } = useOrg();
  const { can } = useAuth();
  const sortOrder = (key: DeviceSort) => (query.sort === key ? (query.order === 'desc' ? ('descend' as const) : ('ascend' as const)) : null);
  const dash = t('common.empty');

  const columns: TableColumnsType<Device> = [
    {
      key: 'name',
      title: t('device.name'),
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_, d) => (
        <Typography.Link onClick={() => onOpen(d)} data-testid="ledger-device-link">
          {d.name}
        </Typography.Link>
      ),
    },
    { key: 'kind', title: t('device.kind'), sorter: true, sortOrder: sortOrder('kind'), render: (_, d) => <DeviceKindTag kind={d.kind} /> },
    { key: 'status', title: t('device.status'), sorter: true, sortOrder: sortOrder('status'), render: (_, d) => <DeviceStatusBadge status={d.status} /> },
    { key: 'location', title: t('device.location'), render: (_, d) => describe(d) || dash },
    { key: 'model', title: `${t('device.vendor')} / ${t('device.model')}`, render: (_, d) => [d.vendor, d.model].filter(Boolean).join(' ') || dash },
    { key: 'ip', title: t('device.ip'), render: (_, d) => d.ip ?? dash },
    { key: 'installDate', title: t('device.installDate'), sorter: true, sortOrder: sortOrder('installDate'), render: (_, d) => d.installDate ?? dash },
    { key: 'warrantyEnd', title: t('device.warrantyEnd'), sorter: true, sortOrder: sortOrder('warrantyEnd'), render: (_, d) => d.warrantyEnd ?? dash },
    { key: 'createdAt', title: t('device.createdAt'), sorter: true, sortOrder: sortOrder('createdAt'), render: (_, d) => formatDate(d.createdAt) },
    ...(can('device.write')
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            fixed: 'right' as const,
            render: (_: unknown, d: Device) => (
              <Space size="small">
                <Button size="small" type="link" onClick={() => onEdit(d)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('ledger.deleteConfirm', { name: d.name })} onConfirm={() => onDelete(d)} okButtonProps={{ danger: true }} okText={t('common.delete')} cancelText={t('common.cancel')}>
                  <Button size="small" type="link" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  const onChange: TableProps<Device>['onChange'] = (pagination, _filters, sorter, extra) => {
    if (extra.action === 'sort') {
      const s = Array.isArray(sorter) ? sorter[0] : sorter;
      const key = String(s?.columnKey ?? '');
      const valid = (DEVICE_SORTS as readonly string[]).includes(key) && s?.order;
      onQuery({ sort: valid ? (key as DeviceSort) : undefined, order: s?.order === 'descend' ? 'desc' : 'asc', page: 1 });
    } else onQuery({ page: pagination.current ?? 1, pageSize: pagination.pageSize ?? query.pageSize });
  };

  return (
    <Table<Device>
      rowKey="id"
      size="middle"
      loading={loading}
      columns={columns}
      dataSource={page?.items ?? []}
      onChange={onChange}
      scroll={{ x: 'max-content' }}
      data-testid="ledger-table"
      pagination={{
        current: query.page,
        pageSize: query.pageSize,
        total: page?.total ?? 0,
        showSizeChanger: true,
        pageSizeOptions: [20, 50, 100, 200],
        showTotal: (total) => t('common.total', { total }),
      }}
    />
  );
}
