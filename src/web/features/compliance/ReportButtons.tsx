import { FileExcelOutlined, FilePdfOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportFormat } from '../../../shared/compliance-report.ts';
import { complianceReportApi } from '../../api/compliance-report.ts';
import { errorMessage } from '../../components/errors.ts';

/** 导出 PDF 报告 / 导出 Excel: the inspection report of what the page shows (the same university and campus). */
export function ReportButtons({ universityId, campusId }: { universityId?: string; campusId?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<ReportFormat | null>(null);
  const run = async (format: ReportFormat) => {
    setBusy(format);
    try {
      const name = await complianceReportApi.download(format, { universityId, campusId });
      void message.success(t('complianceReport.exported', { name }));
    } catch (err) {
      void message.error(t('complianceReport.failed', { message: errorMessage(err) }));
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <Button icon={<FilePdfOutlined />} loading={busy === 'pdf'} disabled={busy !== null} onClick={() => void run('pdf')} title={t('complianceReport.pdfHint')} data-testid="compliance-report-pdf">
        {t('complianceReport.pdf')}
      </Button>
      <Button icon={<FileExcelOutlined />} loading={busy === 'xlsx'} disabled={busy !== null} onClick={() => void run('xlsx')} title={t('complianceReport.xlsxHint')} data-testid="compliance-report-xlsx">
        {t('complianceReport.xlsx')}
      </Button>
    </>
  );
}
