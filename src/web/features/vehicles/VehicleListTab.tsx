import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VEHICLE_LISTS, type VehicleList } from '../../../shared/vehicles.ts';
import { vehiclesApi, type Vehicle, type VehicleListQuery } from '../../api/vehicles.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { LIST_COLOR } from './vehicle-colors.ts';
import { hoursText } from './vehicle-format.ts';
import { VehicleFormDrawer } from './VehicleFormDrawer.tsx';

const FIRST_PAGE: VehicleListQuery = { page: 1, pageSize: 20, status: 'active' };
type InsideFilter = 'yes' | 'no';

export interface VehicleListTabProps {
  /** City-wide accounts choose the university of a new entry. */
  universities: { id: string; name: string }[] | null;
  defaultUniversityId?: string;
  /** Bumped when something else changed the vehicles (reloads the table). */
  version: number;
  /** An entry was saved, revoked or approved (the summary reloads too). */
  onChanged: () => void;
}

/** 车辆名单: search, filters, paging; register, edit, approve a guest, revoke. */
export function VehicleListTab({ universities, defaultUniversityId, version, onChanged }: VehicleListTabProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const writable = can('vehicle.write');
  const approver = can('vehicle.approve');
  const [query, setQuery] = useState<VehicleListQuery>(FIRST_PAGE);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<{ vehicle: Vehicle | null } | null>(null);
  const { data, error, loading, reload } = useApi((signal) => vehiclesApi.list(query, signal), [JSON.stringify(query), version]);
  const change = (patch: Partial<VehicleListQuery>) => setQuery((q) => ({ ...q, page: 1, ...patch }));
  useEffect(() => setQuery(FIRST_PAGE), [defaultUniversityId]);

  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      void message.success(done);
      onChanged();
    } catch (err) {
      void message.error(t('validation.fieldProblem', { field: errorTitle(err), message: errorMessage(err) }));
    }
  };

  const validity = (v: Vehicle) => {
    const from = v.validFrom ? formatDateTime(v.validFrom).slice(0, 16) : null;
    const until = v.validUntil ? formatDateTime(v.validUntil).slice(0, 16) : null;
    if (from && until) return t('vehicles.validRange', { from, until });
    if (from) return t('vehicles.validFromOnly', { from });
    if (until) return t('vehicles.validUntilOnly', { until });
    return t('vehicles.noLimit');
  };

  const approval = (v: Vehicle) => {
    if (v.list !== 'guest') return <Typography.Text type="secondary">{t('vehicles.notNeeded')}</Typography.Text>;
    if (v.approvedAt) return <Tag color="green">{t('vehicles.approvedBy', { name: v.approvedBy ?? '' })}</Tag>;
    return (
      <Space size="small">
        <Tag color="orange">{t('vehicles.notApproved')}</Tag>
        {approver && v.status === 'active' && (
          <Popconfirm title={t('vehicles.approveConfirm', { plate: v.plate })} onConfirm={() => void act(() => vehiclesApi.approve(v.id), t('vehicles.approved'))}>
            <Button size="small" type="primary" data-testid="vehicle-approve">
              {t('vehicles.approve')}
            </Button>
          </Popconfirm>
        )}
      </Space>
    );
  };

  const columns: TableColumnsType<Vehicle> = [
    {
      key: 'plate',
      title: t('vehicles.plate'),
      dataIndex: 'plate',
      render: (plate: string, v) => (
        <Space size={4}>
          <span className="vehicles-plate" data-testid="vehicle-plate-cell">
            {plate}
          </span>
          {v.status === 'revoked' && <Tag>{t('vehicles.revokedTag')}</Tag>}
        </Space>
      ),
    },
    { key: 'list', title: t('vehicles.listLabel'), dataIndex: 'list', render: (l: VehicleList) => <Tag color={LIST_COLOR[l]}>{t(`vehicles.list.${l}`)}</Tag> },
    { key: 'owner', title: t('vehicles.owner'), dataIndex: 'ownerName' },
    { key: 'phone', title: t('vehicles.ownerPhone'), dataIndex: 'ownerPhone', render: (v: string | null) => <span className="people-masked">{v ?? t('common.empty')}</span> },
    { key: 'department', title: t('vehicles.department'), dataIndex: 'ownerDepartment', render: (d: string | null) => d ?? t('common.empty') },
    { key: 'validity', title: t('vehicles.validity'), render: (_, v) => validity(v) },
    { key: 'hours', title: t('vehicles.hoursLabel'), render: (_, v) => (v.list === 'banned' ? t('common.empty') : hoursText(v.schedule, t)) },
    { key: 'approval', title: t('vehicles.approval'), render: (_, v) => approval(v) },
    { key: 'inside', title: t('vehicles.inside'), dataIndex: 'inside', render: (inside: boolean) => (inside ? <Tag color="green">{t('vehicles.insideYes')}</Tag> : <Typography.Text type="secondary">{t('vehicles.insideNo')}</Typography.Text>) },
    ...(writable
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, v: Vehicle) =>
              v.status === 'active' && (
                <Space size="small">
                  <Typography.Link onClick={() => setEditing({ vehicle: v })} data-testid="vehicle-edit">
                    {t('common.edit')}
                  </Typography.Link>
                  <Popconfirm title={t('vehicles.revokeConfirm', { plate: v.plate })} onConfirm={() => void act(() => vehiclesApi.revoke(v.id), t('vehicles.revoked'))}>
                    <Typography.Link type="danger" data-testid="vehicle-revoke">
                      {t('vehicles.revoke')}
                    </Typography.Link>
                  </Popconfirm>
                </Space>
              ),
          },
        ]
      : []),
  ];

  return (
    <div data-testid="vehicles-list-tab">
      <div className="people-toolbar">
        <Input.Search
          allowClear
          className="people-search"
          placeholder={t('vehicles.searchPlaceholder')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onSearch={(v) => change({ q: v.trim() || undefined })}
          data-testid="vehicles-search"
        />
        <Select<VehicleList>
          allowClear
          className="people-filter"
          placeholder={t('vehicles.listFilter')}
          value={query.list}
          onChange={(v) => change({ list: v || undefined })}
          options={VEHICLE_LISTS.map((l) => ({ value: l, label: t(`vehicles.list.${l}`) }))}
          data-testid="vehicles-list-filter"
        />
        <Select<InsideFilter>
          allowClear
          className="people-filter"
          placeholder={t('vehicles.insideFilter')}
          value={query.inside === undefined ? undefined : query.inside ? 'yes' : 'no'}
          onChange={(v) => change({ inside: v === undefined ? undefined : v === 'yes' })}
          options={[
            { value: 'yes', label: t('vehicles.insideYes') },
            { value: 'no', label: t('vehicles.insideNo') },
          ]}
        />
        <Select<'active' | 'all'>
          className="people-filter"
          value={query.status ? 'active' : 'all'}
          onChange={(v) => change({ status: v === 'active' ? 'active' : undefined })}
          options={[
            { value: 'active', label: t('vehicles.listFilterActive') },
            { value: 'all', label: t('vehicles.showRevoked') },
          ]}
        />
        <span className="people-toolbar-spacer" />
        <Button icon={<ReloadOutlined />} onClick={() => (reload(), onChanged())}>
          {t('common.refresh')}
        </Button>
        {writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ vehicle: null })} data-testid="vehicles-create">
            {t('vehicles.create')}
          </Button>
        )}
      </div>
      {error && <ErrorAlert error={error} title={t('vehicles.loadFailed')} onRetry={reload} />}
      <Table<Vehicle>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        data-testid="vehicles-table"
        scroll={{ x: 'max-content' }}
        pagination={{ current: query.page, pageSize: query.pageSize, total: data?.total ?? 0, showSizeChanger: true, showTotal: (total) => t('common.total', { total }) }}
        onChange={(pagination) => setQuery((q) => ({ ...q, page: pagination.current ?? 1, pageSize: pagination.pageSize ?? q.pageSize }))}
      />
      <VehicleFormDrawer
        open={!!editing}
        vehicle={editing?.vehicle ?? null}
        universities={universities}
        defaultUniversityId={defaultUniversityId}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          onChanged();
        }}
      />
    </div>
  );
}
