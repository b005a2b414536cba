import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { accessApi, type AccessDoor, type AccessGroup } from '../../api/access.ts';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { hoursText } from '../vehicles/vehicle-format.ts';
import { membersText } from './access-format.ts';
import { AccessGroupDrawer } from './AccessGroupDrawer.tsx';

export interface AccessGroupsTabProps {
  groups: AccessGroup[] | null;
  loading: boolean;
  doors: AccessDoor[];
  universityId: string | undefined;
  universities: { id: string; name: string }[] | null;
  onChanged: () => void;
}

/** 权限组: who may open which doors when, how many people each covers; create, edit, delete. */
export function AccessGroupsTab({ groups, loading, doors, universityId, universities, onChanged }: AccessGroupsTabProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const writable = can('access.write');
  const [editing, setEditing] = useState<{ group: AccessGroup | null } | null>(null);
  const doorName = new Map(doors.map((d) => [d.doorId, d.buildingName ? `${d.buildingName} ${d.name}` : d.name]));

  const remove = async (g: AccessGroup) => {
    try {
      await accessApi.deleteGroup(g.id);
      void message.success(t('access.group.deleted'));
      onChanged();
    } catch (err) {
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
    }
  };

  const columns: TableColumnsType<AccessGroup> = [
    { key: 'name', title: t('access.group.name'), dataIndex: 'name', render: (name: string, g) => (g.enabled ? name : <Space>{name}<Tag>{t('access.group.disabled')}</Tag></Space>) },
    { key: 'members', title: t('access.group.members'), render: (_, g) => membersText(g, t) },
    { key: 'count', title: t('access.group.memberCount'), dataIndex: 'memberCount', align: 'right', width: 100 },
    {
      key: 'doors',
      title: t('access.group.doors'),
      className: 'access-nowrap',
      render: (_, g) => (
        <Typography.Text title={g.doorIds.map((d) => doorName.get(d) ?? d).join('\n')}>{t('access.group.doorCount', { count: g.doorIds.length })}</Typography.Text>
      ),
    },
    { key: 'hours', title: t('access.group.hours'), render: (_, g) => (g.schedule ? hoursText(g.schedule, t) : t('access.group.anyTime')) },
    {
      key: 'validity',
      title: t('access.group.validity'),
      className: 'access-nowrap',
      render: (_, g) => (g.validFrom || g.validUntil ? t('access.group.validRange', { from: g.validFrom ?? '…', until: g.validUntil ?? '…' }) : t('access.group.noLimit')),
    },
    ...(writable
      ? [
          {
            key: 'actions',
            title: '',
            width: 150,
            render: (_: unknown, g: AccessGroup) => (
              <Space size="small">
                <Button size="small" onClick={() => setEditing({ group: g })} data-testid="access-group-edit">
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('access.group.deleteConfirm', { name: g.name })} onConfirm={() => void remove(g)}>
                  <Button size="small" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      {writable && (
        <div className="people-toolbar">
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ group: null })} data-testid="access-group-create">
            {t('access.group.create')}
          </Button>
        </div>
      )}
      <Table<AccessGroup> rowKey="id" size="middle" columns={columns} dataSource={groups ?? []} loading={loading} pagination={false} data-testid="access-groups" />
      <AccessGroupDrawer
        open={!!editing}
        group={editing?.group ?? null}
        doors={doors}
        universityId={universityId}
        universities={universities}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          onChanged();
        }}
      />
    </>
  );
}
