import { ReloadOutlined } from '@ant-design/icons';
import { Button, Select, Table, Tooltip } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { auditApi } from '../../api/endpoints.ts';
import type { AuditEntry, AuditQuery } from '../../api/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { translateDynamic } from '../../i18n/index.ts';
import { zhCN } from '../../i18n/resources.ts';
import { AuditChange } from './AuditChange.tsx';

/** The filter lists offer every action and object type the console has words for. */
const ACTIONS = Object.keys(zhCN.enum.auditAction);
const ENTITY_TYPES = Object.keys(zhCN.enum.auditEntity);

/** 审计日志: who changed what, when, from where (read-only, newest first). */
export function AuditView() {
  const { t } = useTranslation();
  const [query, setQuery] = useState<AuditQuery>({ page: 1, pageSize: 20 });
  const { data, error, loading, reload } = useApi((signal) => auditApi.list(query, signal), [JSON.stringify(query)]);
  const actionLabel = (a: string) => translateDynamic(`enum.auditAction.${a}`, a);
  const entityLabel = (e: string) => translateDynamic(`enum.auditEntity.${e}`, e);

  const columns: TableColumnsType<AuditEntry> = [
    { key: 'at', title: t('audit.at'), width: 170, render: (_, e) => formatDateTime(e.at) },
    {
      key: 'actor',
      title: t('audit.actor'),
      render: (_, e) => (e.actorName ? `${e.actorName}${e.actorRole ? ` (${translateDynamic(`enum.role.${e.actorRole}`, e.actorRole)})` : ''}` : t('audit.system')),
    },
    { key: 'action', title: t('audit.action'), render: (_, e) => actionLabel(e.action) },
    { key: 'entityType', title: t('audit.entityType'), render: (_, e) => entityLabel(e.entityType) },
    { key: 'entityId', title: t('audit.entityId'), render: (_, e) => <code className="audit-id">{e.entityId ?? t('common.empty')}</code> },
    { key: 'ip', title: t('audit.ip'), render: (_, e) => e.ip ?? t('common.empty') },
  ];

  return (
    <div className="audit-view">
      <div className="view-toolbar">
        <Select
          allowClear
          className="audit-filter"
          placeholder={t('audit.entityType')}
          value={query.entityType}
          onChange={(entityType?: string) => setQuery((q) => ({ ...q, page: 1, entityType }))}
          options={ENTITY_TYPES.map((e) => ({ value: e, label: entityLabel(e) }))}
          data-testid="audit-filter-entity"
        />
        <Select
          allowClear
          className="audit-filter"
          placeholder={t('audit.action')}
          value={query.action}
          onChange={(action?: string) => setQuery((q) => ({ ...q, page: 1, action }))}
          options={ACTIONS.map((a) => ({ value: a, label: actionLabel(a) }))}
          data-testid="audit-filter-action"
        />
        <Tooltip title={t('common.refresh')}>
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
        </Tooltip>
      </div>
      {error && <ErrorAlert error={error} title={t('audit.loadFailed')} onRetry={reload} />}
      <Table<AuditEntry>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        data-testid="audit-table"
        expandable={{ expandedRowRender: (e) => <AuditChange entry={e} />, rowExpandable: (e) => e.before != null || e.after != null }}
        onChange={(p) => setQuery((q) => ({ ...q, page: p.current ?? 1, pageSize: p.pageSize ?? q.pageSize }))}
        pagination={{ current: query.page, pageSize: query.pageSize, total: data?.total ?? 0, showSizeChanger: true, showTotal: (total) => t('common.total', { total }) }}
      />
    </div>
  );
}
