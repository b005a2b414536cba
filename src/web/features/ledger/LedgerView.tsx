import { App } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { devicesApi } from '../../api/endpoints.ts';
import type { Device, DeviceQuery } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { lowestOf } from '../../app/org-index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { useApi } from '../../components/useApi.ts';
import { DeviceDetailDrawer } from './DeviceDetailDrawer.tsx';
import { DeviceFormDrawer } from './DeviceFormDrawer.tsx';
import { DeviceTable } from './DeviceTable.tsx';
import { LedgerToolbar } from './LedgerToolbar.tsx';
import './ledger.css';

const FIRST_PAGE: DeviceQuery = { page: 1, pageSize: 20, sort: 'name', order: 'asc' };

/** 设备台账: the device ledger of the selected campus, building or floor. */
export function LedgerView() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { scope } = useOrg();
  const [query, setQuery] = useState<DeviceQuery>(FIRST_PAGE);
  // The open device is in the address (?device=…), so a link (an alarm's camera, a colleague's message) opens it.
  const [params, setParams] = useSearchParams();
  const detailId = params.get('device');
  const setDetailId = (id: string | null) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (id) next.set('device', id);
      else next.delete('device');
      return next;
    });
  const [editing, setEditing] = useState<{ device: Device | null } | null>(null);
  const [version, setVersion] = useState(0);

  // Another sidebar selection starts again from the first page.
  useEffect(() => setQuery((q) => ({ ...q, page: 1 })), [scope.universityId, scope.campusId, scope.buildingId, scope.floorId]);

  const full: DeviceQuery = { ...query, ...scope };
  const { data, error, loading, reload } = useApi((signal) => devicesApi.list(full, signal), [JSON.stringify(full), version]);

  const change = (patch: Partial<DeviceQuery>) => setQuery((q) => ({ ...q, page: 1, ...patch }));
  const refresh = () => setVersion((v) => v + 1);

  const remove = async (d: Device) => {
    try {
      await devicesApi.remove(d.id);
      void message.success(t('ledger.deleted'));
      refresh();
    } catch (err) {
      void message.error(t('validation.fieldProblem', { field: errorTitle(err), message: errorMessage(err) }));
    }
  };

  return (
    <div className="ledger-view">
      <LedgerToolbar query={query} fullQuery={full} onChange={change} onReload={refresh} onCreate={() => setEditing({ device: null })} />
      {error && <ErrorAlert error={error} title={t('ledger.loadFailed')} onRetry={reload} />}
      <DeviceTable
        page={data}
        loading={loading}
        query={query}
        onQuery={(patch) => setQuery((q) => ({ ...q, ...patch }))}
        onOpen={(d) => setDetailId(d.id)}
        onEdit={(d) => setEditing({ device: d })}
        onDelete={remove}
      />
      <DeviceDetailDrawer deviceId={detailId} version={version} onClose={() => setDetailId(null)} onEdit={(d) => setEditing({ device: d })} />
      <DeviceFormDrawer
        open={!!editing}
        device={editing?.device ?? null}
        defaultLocation={lowestOf(scope)}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          refresh();
        }}
      />
    </div>
  );
}
