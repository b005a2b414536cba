import { PlusOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PERSON_KINDS, PERSON_STATUSES, type PersonKind, type PersonStatus } from '../../../shared/people.ts';
import { peopleApi, type Person, type PersonQuery } from '../../api/people.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { PeopleImportModal } from './PeopleImportModal.tsx';
import { PersonDetailDrawer } from './PersonDetailDrawer.tsx';
import { PersonFormDrawer } from './PersonFormDrawer.tsx';
import './people.css';
import { universitiesOf } from '../../app/org-index.ts';

const FIRST_PAGE: PersonQuery = { page: 1, pageSize: 20, sort: 'name', order: 'asc' };
const STATUS_COLOR: Record<PersonStatus, string> = { active: 'green', suspended: 'orange', left: 'default' };

/** 人员: the university's people register — search, filters, masked values, detail, edit and import. */
export function PeopleView() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can, state } = useAuth();
  const { scope, tree } = useOrg();
  const writable = can('person.write');
  const cityWide = state.status === 'authenticated' && state.session.user.universityId === null;
  const universities = useMemo(() => (cityWide ? universitiesOf(tree) : null), [cityWide, tree]);
  const [query, setQuery] = useState<PersonQuery>(FIRST_PAGE);
  const [search, setSearch] = useState('');
  const [params, setParams] = useSearchParams();
  const detailId = params.get('person');
  const setDetailId = (id: string | null) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (id) next.set('person', id);
      else next.delete('person');
      return next;
    });
  const [editing, setEditing] = useState<{ person: Person | null } | null>(null);
  const [importing, setImporting] = useState(false);
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion((v) => v + 1);

  useEffect(() => setQuery((q) => ({ ...q, page: 1 })), [scope.universityId]);
  const full: PersonQuery = { ...query, universityId: scope.universityId ?? undefined };
  const { data, error, loading, reload } = useApi((signal) => peopleApi.list(full, signal), [JSON.stringify(full), version]);
  const departments = useApi(() => peopleApi.departments(scope.universityId ?? undefined), [scope.universityId, version]);
  const change = (patch: Partial<PersonQuery>) => setQuery((q) => ({ ...q, page: 1, ...patch }));

  const markLeft = async (p: Person) => {
    try {
      await peopleApi.markLeft(p.id);
      void message.success(t('people.markedLeft'));
      refresh();
    } catch (err) {
      void message.error(t('validation.fieldProblem', { field: errorTitle(err), message: errorMessage(err) }));
    }
  };

  const columns: TableColumnsType<Person> = [
    { key: 'name', title: t('people.name'), dataIndex: 'name', sorter: true, render: (name: string, p) => <Typography.Link onClick={() => setDetailId(p.id)} data-testid="person-open">{name}</Typography.Link> },
    { key: 'number', title: t('people.number'), dataIndex: 'number', sorter: true },
    { key: 'kind', title: t('people.kind'), dataIndex: 'kind', sorter: true, render: (k: PersonKind) => t(`enum.personKind.${k}`) },
    { key: 'department', title: t('people.department'), dataIndex: 'department', sorter: true, render: (d: string | null) => d ?? t('common.empty') },
    { key: 'idNumber', title: t('people.idNumber'), dataIndex: 'idNumber', render: (v: string | null) => <span className="people-masked">{v ?? t('common.empty')}</span> },
    { key: 'phone', title: t('people.phone'), dataIndex: 'phone', render: (v: string | null) => <span className="people-masked">{v ?? t('common.empty')}</span> },
    {
      key: 'card',
      title: t('enum.credentialKind.card'),
      render: (_, p) => <span className="people-masked">{p.credentials.find((c) => c.kind === 'card' && c.status === 'active')?.value ?? t('common.empty')}</span>,
    },
    { key: 'status', title: t('people.status'), dataIndex: 'status', sorter: true, render: (s: PersonStatus) => <Tag color={STATUS_COLOR[s]}>{t(`enum.personStatus.${s}`)}</Tag> },
    { key: 'updatedAt', title: t('people.updatedAt'), dataIndex: 'updatedAt', sorter: true, render: (v: string) => formatDateTime(v) },
    ...(writable
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, p: Person) => (
              <Space size="small">
                <Typography.Link onClick={() => setEditing({ person: p })}>{t('common.edit')}</Typography.Link>
                {p.status !== 'left' && (
                  <Popconfirm title={t('people.markLeftConfirm', { name: p.name })} onConfirm={() => void markLeft(p)}>
                    <Typography.Link type="danger">{t('people.markLeft')}</Typography.Link>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <div className="people-view" data-testid="people-view">
      <div className="people-toolbar">
        <Input.Search
          allowClear
          className="people-search"
          placeholder={t('people.searchPlaceholder')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onSearch={(v) => change({ q: v.trim() || undefined })}
          data-testid="people-search"
        />
        <Select<PersonKind[]>
          mode="multiple"
          allowClear
          className="people-filter"
          placeholder={t('people.kind')}
          value={query.kind ?? []}
          onChange={(v) => change({ kind: v.length ? v : undefined })}
          options={PERSON_KINDS.map((k) => ({ value: k, label: t(`enum.personKind.${k}`) }))}
        />
        <Select<PersonStatus[]>
          mode="multiple"
          allowClear
          className="people-filter"
          placeholder={t('people.status')}
          value={query.status ?? []}
          onChange={(v) => change({ status: v.length ? v : undefined })}
          options={PERSON_STATUSES.map((s) => ({ value: s, label: t(`enum.personStatus.${s}`) }))}
        />
        <Select<string>
          allowClear
          showSearch
          className="people-filter people-filter-wide"
          placeholder={t('people.departmentPlaceholder')}
          value={query.department}
          onChange={(v) => change({ department: v || undefined })}
          options={(departments.data ?? []).map((d) => ({ value: d, label: d }))}
        />
        <span className="people-toolbar-spacer" />
        <Button icon={<ReloadOutlined />} onClick={refresh}>
          {t('common.refresh')}
        </Button>
        {writable && (
          <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="people-import">
            {t('people.import')}
          </Button>
        )}
        {writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ person: null })} data-testid="people-create">
            {t('people.create')}
          </Button>
        )}
      </div>
      <Typography.Paragraph type="secondary" className="people-hint">
        {t('people.maskedHint')}
      </Typography.Paragraph>
      {error && <ErrorAlert error={error} title={t('people.loadFailed')} onRetry={reload} />}
      <Table<Person>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        data-testid="people-table"
        pagination={{ current: query.page, pageSize: query.pageSize, total: data?.total ?? 0, showSizeChanger: true, showTotal: (total) => t('common.total', { total }) }}
        onChange={(pagination, _filters, sorter) => {
          const s = Array.isArray(sorter) ? sorter[0] : sorter;
          const key = (s?.order ? s.columnKey : undefined) as PersonQuery['sort'] | undefined;
          setQuery((q) => ({ ...q, page: pagination.current ?? 1, pageSize: pagination.pageSize ?? q.pageSize, sort: key ?? 'name', order: s?.order === 'descend' ? 'desc' : 'asc' }));
        }}
      />
      <PersonDetailDrawer personId={detailId} version={version} onClose={() => setDetailId(null)} onEdit={(p) => setEditing({ person: p })} onChanged={refresh} />
      <PersonFormDrawer
        open={!!editing}
        person={editing?.person ?? null}
        universityId={universities ? (scope.universityId ?? undefined) : undefined}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          refresh();
        }}
      />
      <PeopleImportModal open={importing} onClose={() => setImporting(false)} onImported={refresh} universities={universities} defaultUniversityId={scope.universityId ?? undefined} />
    </div>
  );
}
