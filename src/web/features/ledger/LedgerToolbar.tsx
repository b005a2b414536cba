import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Input, Select, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { DEVICE_KINDS, DEVICE_STATUSES, type DeviceKind, type DeviceStatus } from '../../../shared/domain.ts';
import type { DeviceQuery } from '../../api/types.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { ExcelActions } from './ExcelActions.tsx';

interface LedgerToolbarProps {
  query: DeviceQuery;
  /** The query with the sidebar's scope: what the table lists, across all pages. */
  fullQuery: DeviceQuery;
  onChange: (patch: Partial<DeviceQuery>) => void;
  onReload: () => void;
  onCreate: () => void;
}

export function LedgerToolbar({ query, fullQuery, onChange, onReload, onCreate }: LedgerToolbarProps) {
  const { t } = useTranslation();
  const { can } = useAuth();
  return (
    <div className="view-toolbar">
      <Input.Search
        allowClear
        className="ledger-search"
        placeholder={t('ledger.searchPlaceholder')}
        defaultValue={query.q}
        onSearch={(q) => onChange({ q: q.trim() || undefined })}
        data-testid="ledger-search"
      />
      <Select<DeviceKind[]>
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        className="ledger-filter"
        placeholder={t('device.kind')}
        value={query.kind ?? []}
        onChange={(kind) => onChange({ kind })}
        options={DEVICE_KINDS.map((k) => ({ value: k, label: t(`enum.deviceKind.${k}`) }))}
        data-testid="ledger-filter-kind"
      />
      <Select<DeviceStatus[]>
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        className="ledger-filter"
        placeholder={t('device.status')}
        value={query.status ?? []}
        onChange={(status) => onChange({ status })}
        options={DEVICE_STATUSES.map((s) => ({ value: s, label: t(`enum.deviceStatus.${s}`) }))}
      />
      <Tooltip title={t('common.refresh')}>
        <Button icon={<ReloadOutlined />} onClick={onReload} aria-label={t('common.refresh')} />
      </Tooltip>
      <span className="view-toolbar-spacer" />
      <ExcelActions query={fullQuery} onImported={onReload} />
      {can('device.write') && (
        <Button type="primary" icon={<PlusOutlined />} onClick={onCreate} data-testid="ledger-create">
          {t('ledger.create')}
        </Button>
      )}
    </div>
  );
}
