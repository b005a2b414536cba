import { DownloadOutlined, FileExcelOutlined, FileTextOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Dropdown } from 'antd';
import type { MenuProps } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ledgerIoApi, type LedgerFileFormat } from '../../api/ledger-io.ts';
import type { DeviceQuery } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { errorMessage } from '../../components/errors.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { ImportModal } from './excel/ImportModal.tsx';
import { universitiesOf } from '../../app/org-index.ts';

export interface ExcelActionsProps {
  /** The ledger's filter including the sidebar scope: an export writes what the table lists (all pages). */
  query: DeviceQuery;
  /** Called after an import changed the ledger, so the table reloads. */
  onImported: () => void;
}

/**
 * Excel/CSV in the ledger toolbar: export what the table lists (Excel or CSV), the import
 * template, and the import dialog (for accounts that may change the ledger).
 */
export function ExcelActions({ query, onImported }: ExcelActionsProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can, state } = useAuth();
  const { tree } = useOrg();
  const [busy, setBusy] = useState(false);
  const [importing, setImporting] = useState(false);
  const cityWide = state.status === 'authenticated' && state.session.user.universityId === null;
  const universities = useMemo(() => (cityWide ? universitiesOf(tree) : null), [cityWide, tree]);
  const writable = can('device.write');

  const run = async (what: LedgerFileFormat | 'template') => {
    setBusy(true);
    try {
      const name = what === 'template' ? await ledgerIoApi.downloadTemplate(cityWide ? query.universityId : undefined) : await ledgerIoApi.exportDevices(query, what);
      void message.success(t('excel.exported', { name }));
    } catch (err) {
      void message.error(t('validation.fieldProblem', { field: t(what === 'template' ? 'excel.templateFailed' : 'excel.exportFailed'), message: errorMessage(err) }));
    } finally {
      setBusy(false);
    }
  };

  const items: MenuProps['items'] = [
    { key: 'xlsx', icon: <FileExcelOutlined />, label: <span data-testid="excel-export-xlsx">{t('excel.exportXlsx')}</span> },
    { key: 'csv', icon: <FileTextOutlined />, label: <span data-testid="excel-export-csv">{t('excel.exportCsv')}</span> },
    ...(writable ? [{ type: 'divider' as const }, { key: 'template', icon: <DownloadOutlined />, label: <span data-testid="excel-template">{t('excel.template')}</span> }] : []),
  ];

  return (
    <>
      <Dropdown menu={{ items, onClick: ({ key }) => void run(key as LedgerFileFormat | 'template') }} trigger={['click']} disabled={busy}>
        <Button icon={<DownloadOutlined />} loading={busy} data-testid="excel-export">
          {t('excel.export')}
        </Button>
      </Dropdown>
      {writable && (
        <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="excel-import">
          {t('excel.import')}
        </Button>
      )}
      {writable && (
        <ImportModal
          open={importing}
          onClose={() => setImporting(false)}
          onImported={onImported}
          universities={universities}
          defaultUniversityId={cityWide ? query.universityId : undefined}
        />
      )}
    </>
  );
}
