import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, App, Button, Modal, Progress, Result, Select, Statistic, Table, Typography, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportProblem } from '../../api/ledger-io.ts';
import { FileImportRefused, peopleApi, type PeopleImportReport as ImportReport } from '../../api/people.ts';
import { translateDynamic } from '../../i18n/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage } from '../../components/errors.ts';
import '../ledger/excel/excel.css';

/** The people import's wording of a problem; the ledger's for the rules both share; else the server's reason. */
function problemText(p: ImportProblem): string {
  const params: Record<string, unknown> = { value: p.value ?? '', ...p.params };
  return translateDynamic(`people.rule.${p.rule}`, translateDynamic(`excel.rule.${p.rule}`, p.reason, params), params);
}

type Phase =
  | { step: 'choose' }
  | { step: 'upload'; mode: 'preview' | 'commit'; percent: number }
  | { step: 'preview'; report: ImportReport; refused: boolean }
  | { step: 'done'; report: ImportReport }
  | { step: 'error'; error: unknown };

export interface PeopleImportModalProps {
  open: boolean;
  onClose: () => void;
  /** Called once people were written, so the table reloads. */
  onImported: () => void;
  /** City-wide accounts choose the university; others import into their own (the server decides). */
  universities: { id: string; name: string }[] | null;
  defaultUniversityId?: string;
}

/**
 * 导入人员, as the ledger's import dialog: choose a file → upload with progress → the server's
 * check of every row (行号, 列, 原因; what a commit would add, update and issue) → import all or
 * only the valid rows → the result.
 */
export function PeopleImportModal({ open, onClose, onImported, universities, defaultUniversityId }: PeopleImportModalProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [phase, setPhase] = useState<Phase>({ step: 'choose' });
  const [file, setFile] = useState<File | null>(null);
  const [universityId, setUniversityId] = useState<string | undefined>(defaultUniversityId);
  const abortRef = useRef<(() => void) | null>(null);

  // Every opening starts afresh (and a reloaded org tree does not reset an import under way).
  useEffect(() => {
    if (!open) return;
    setPhase({ step: 'choose' });
    setFile(null);
    setUniversityId(defaultUniversityId ?? (universities?.length === 1 ? universities[0]!.id : undefined));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const needsUniversity = universities !== null && !universityId;

  const run = async (f: File, mode: 'preview' | 'commit', onlyValid = false) => {
    setPhase({ step: 'upload', mode, percent: 0 });
    const { promise, abort } = peopleApi.upload(f, { mode, onlyValid, universityId: universities ? universityId : undefined }, (fraction) =>
      setPhase((p) => (p.step === 'upload' ? { ...p, percent: Math.min(100, Math.round(fraction * 100)) } : p)),
    );
    abortRef.current = abort;
    try {
      const report = await promise;
      if (mode === 'preview') setPhase({ step: 'preview', report, refused: false });
      else {
        setPhase({ step: 'done', report });
        onImported();
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      if (err instanceof FileImportRefused) setPhase({ step: 'preview', report: (err as FileImportRefused<ImportReport>).report, refused: true });
      else setPhase({ step: 'error', error: err });
    } finally {
      abortRef.current = null;
    }
  };

  const close = () => {
    abortRef.current?.();
    onClose();
  };

  const template = async () => {
    try {
      await peopleApi.downloadTemplate();
    } catch (err) {
      void message.error(t('validation.fieldProblem', { field: t('excel.templateFailed'), message: errorMessage(err) }));
    }
  };

  const columns: TableColumnsType<ImportProblem & { key: number }> = [
    { key: 'row', title: t('excel.row'), dataIndex: 'row', width: 72 },
    { key: 'column', title: t('excel.column'), dataIndex: 'column', width: 140 },
    { key: 'reason', title: t('excel.reason'), render: (_, p) => problemText(p) },
  ];

  const chooseAgain = () => {
    setFile(null);
    setPhase({ step: 'choose' });
  };

  let body: ReactNode;
  let footer: ReactNode[];
  switch (phase.step) {
    case 'choose':
      body = (
        <>
          {universities && (
            <div className="excel-import-university">
              <Typography.Text>{t('excel.university')}</Typography.Text>
              <Select
                value={universityId}
                placeholder={t('excel.universityPlaceholder')}
                onChange={setUniversityId}
                options={universities.map((u) => ({ value: u.id, label: u.name }))}
                data-testid="excel-university"
              />
            </div>
          )}
          {needsUniversity && <Alert className="excel-import-alert" type="info" showIcon title={t('excel.universityRequired')} />}
          <Upload.Dragger
            accept=".xlsx,.csv"
            multiple={false}
            showUploadList={false}
            disabled={needsUniversity}
            beforeUpload={(f) => {
              setFile(f);
              void run(f, 'preview');
              return false;
            }}
            data-testid="excel-dropzone"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('excel.chooseHint')}</p>
            <p className="ant-upload-hint">{t('people.chooseSub')}</p>
          </Upload.Dragger>
        </>
      );
      footer = [
        <Button key="template" icon={<DownloadOutlined />} onClick={template} disabled={needsUniversity}>
          {t('excel.template')}
        </Button>,
        <Button key="cancel" onClick={close}>
          {t('common.cancel')}
        </Button>,
      ];
      break;
    case 'upload': {
      const uploaded = phase.percent >= 100;
      body = (
        <div className="excel-import-progress" data-testid="excel-progress">
          <Typography.Text>{uploaded ? (phase.mode === 'preview' ? t('excel.checking') : t('people.writing')) : t('excel.uploading', { name: file?.name ?? '' })}</Typography.Text>
          <Progress percent={phase.percent} status={uploaded ? 'active' : 'normal'} />
        </div>
      );
      footer = [
        <Button key="cancel" onClick={close}>
          {t('common.cancel')}
        </Button>,
      ];
      break;
    }
    case 'preview': {
      const r = phase.report;
      const status = phase.refused ? 'error' : r.invalid === 0 && r.rows > 0 ? 'success' : r.valid > 0 ? 'warning' : 'error';
      const text = phase.refused
        ? t('people.refused')
        : r.invalid === 0 && r.rows > 0
          ? t('excel.allValid', { count: r.rows, university: r.universityName })
          : r.valid > 0
            ? t('excel.hasInvalid', { invalid: r.invalid, valid: r.valid })
            : t('excel.noneValid');
      body = (
        <>
          <Typography.Paragraph type="secondary">{`${r.fileName} · ${r.universityName}`}</Typography.Paragraph>
          <div className="excel-import-summary" data-testid="excel-summary">
            <Statistic title={t('excel.rows')} value={r.rows} />
            <Statistic title={t('excel.valid')} value={r.valid} styles={{ content: { color: r.valid > 0 ? '#389e0d' : undefined } }} />
            <Statistic title={t('excel.invalid')} value={r.invalid} styles={{ content: { color: r.invalid > 0 ? '#cf1322' : undefined } }} />
          </div>
          <Alert className="excel-import-alert" type={status} showIcon title={text} data-testid="excel-verdict" />
          {!phase.refused && r.valid > 0 && <Typography.Paragraph type="secondary">{t('people.previewCounts', { created: r.created, updated: r.updated, cards: r.cardsIssued })}</Typography.Paragraph>}
          {r.warnings.length > 0 && (
            <Alert className="excel-import-alert" type="info" showIcon title={t('excel.ignoredColumns', { columns: r.warnings.map((w) => w.column).join(', ') })} />
          )}
          {r.problems.length > 0 && (
            <>
              <Typography.Title level={5}>{t('excel.problems')}</Typography.Title>
              <Table
                className="excel-import-problems"
                size="small"
                columns={columns}
                dataSource={r.problems.map((p, key) => ({ ...p, key }))}
                scroll={{ y: 260 }}
                pagination={{ pageSize: 50, size: 'small', showSizeChanger: false, hideOnSinglePage: true }}
                data-testid="excel-problems"
              />
            </>
          )}
        </>
      );
      footer = [
        <Button key="again" onClick={chooseAgain}>
          {t('excel.chooseAgain')}
        </Button>,
        <Button key="cancel" onClick={close}>
          {t('common.cancel')}
        </Button>,
        <Button key="valid" disabled={!(r.valid > 0 && r.invalid > 0)} onClick={() => file && run(file, 'commit', true)} data-testid="excel-import-valid">
          {t('excel.importValid')}
        </Button>,
        <Button key="all" type="primary" disabled={r.invalid > 0 || r.valid === 0} onClick={() => file && run(file, 'commit')} data-testid="excel-import-all">
          {t('excel.importAll')}
        </Button>,
      ];
      break;
    }
    case 'done': {
      const r = phase.report;
      const notes = [r.invalid > 0 ? t('excel.doneSkipped', { count: r.invalid }) : null, t('excel.doneTime', { seconds: (r.timings.totalMs / 1000).toFixed(1) })];
      body = <Result status="success" title={t('people.done', { created: r.created, updated: r.updated, cards: r.cardsIssued })} subTitle={notes.filter(Boolean).join(' · ')} data-testid="excel-result" />;
      footer = [
        <Button key="close" type="primary" onClick={close} data-testid="excel-close">
          {t('common.close')}
        </Button>,
      ];
      break;
    }
    case 'error':
      body = <ErrorAlert error={phase.error} title={t('excel.failed')} />;
      footer = [
        <Button key="again" onClick={chooseAgain}>
          {t('excel.chooseAgain')}
        </Button>,
        <Button key="close" onClick={close}>
          {t('common.close')}
        </Button>,
      ];
      break;
  }

  return (
    <Modal open={open} title={t('people.importTitle')} width={780} onCancel={close} footer={footer} maskClosable={false} destroyOnHidden>
      <div data-testid="excel-import-modal">{body}</div>
    </Modal>
  );
}
