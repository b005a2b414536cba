import { App, Button, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ListStatus } from '../../../shared/access-control.ts';
import { accessApi, type AccessDoor } from '../../api/access.ts';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { AccessDoorDrawer } from './AccessDoorDrawer.tsx';

const STATUS_COLOR: Record<ListStatus, string> = { pending: 'processing', acknowledged: 'green', refused: 'red', no_ack: 'orange', not_sent: 'red' };

/** 门禁点: each door and turnstile, how it decides, what it reads, and whether its controller holds the current list. */
export function AccessDoorsTab({ doors, loading, onChanged }: { doors: AccessDoor[] | null; loading: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const writable = can('access.write');
  const [editing, setEditing] = useState<AccessDoor | null>(null);
  const [pushing, setPushing] = useState<string | null>(null);

  const push = async (d: AccessDoor) => {
    setPushing(d.doorId);
    try {
      const after = await accessApi.pushList(d.doorId);
      const status = after.list?.status;
      const text = t('access.door.pushed', { status: status ? t(`access.door.listStatus.${status}`) : '' });
      if (status === 'acknowledged') void message.success(text);
      else void message.warning(after.list?.message ? `${text}（${after.list.message}）` : text);
      onChanged();
    } catch (err) {
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
    } finally {
      setPushing(null);
    }
  };

  const listCell = (d: AccessDoor) => {
    if (!d.list) return <Typography.Text type="secondary">{t('access.door.onlineNoList')}</Typography.Text>;
    if (!d.list.status) return <Typography.Text type="secondary">{t('access.door.neverSent')}</Typography.Text>;
    const current = d.list.ackedVersion === d.list.version;
    return (
      <Space direction="vertical" size={0}>
        <Space size="small">
          <Tag color={STATUS_COLOR[d.list.status]} data-testid="access-list-status">
            {t(`access.door.listStatus.${d.list.status}`)}
          </Tag>
          <Typography.Text>{t('access.door.listVersion', { version: d.list.version, entries: d.list.entries })}</Typography.Text>
        </Space>
        <Typography.Text type={current ? 'secondary' : 'warning'} className="access-list-ack">
          {d.list.ackedVersion !== null ? t('access.door.acked', { version: d.list.ackedVersion, at: formatDateTime(d.list.ackedAt) }) : t('access.door.notAcked')}
        </Typography.Text>
      </Space>
    );
  };

  const columns: TableColumnsType<AccessDoor> = [
    { key: 'name', title: t('access.door.name'), dataIndex: 'name' },
    { key: 'building', title: t('access.door.building'), dataIndex: 'buildingName', render: (b: string | null) => b ?? '—' },
    { key: 'mode', title: t('access.door.mode'), dataIndex: 'mode', render: (m: AccessDoor['mode']) => <Tag color={m === 'offline' ? 'purple' : 'blue'}>{t(`access.door.modes.${m}`)}</Tag> },
    { key: 'credentials', title: t('access.door.credentials'), render: (_, d) => d.credentials.map((c) => t(`access.door.credentialTypes.${c}`)).join('、') },
    { key: 'apb', title: t('access.door.antiPassback'), render: (_, d) => (d.antiPassback ? t('access.door.yes') : t('access.door.no')) },
    { key: 'first', title: t('access.door.firstCardUnlock'), render: (_, d) => (d.firstCardUnlock ? t('access.door.yes') : t('access.door.no')) },
    { key: 'groups', title: t('access.door.groups'), dataIndex: 'groupCount', align: 'right', width: 80 },
    { key: 'list', title: t('access.door.list'), render: (_, d) => listCell(d) },
    ...(writable
      ? [
          {
            key: 'actions',
            title: '',
            width: 170,
            render: (_: unknown, d: AccessDoor) => (
              <Space size="small">
                <Button size="small" onClick={() => setEditing(d)} data-testid="access-door-settings">
                  {t('access.door.settings')}
                </Button>
                {d.mode === 'offline' && (
                  <Button size="small" loading={pushing === d.doorId} onClick={() => void push(d)} data-testid="access-door-push">
                    {t('access.door.push')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <Table<AccessDoor> rowKey="doorId" size="middle" columns={columns} dataSource={doors ?? []} loading={loading} pagination={{ pageSize: 20, showSizeChanger: false }} data-testid="access-doors" />
      <AccessDoorDrawer
        door={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          onChanged();
        }}
      />
    </>
  );
}
