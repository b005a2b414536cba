import { CheckOutlined, CloseOutlined, EditOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Tag, Typography, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROOM_RULE_ID } from '../../../shared/compliance-evidence.ts';
import type { PackRule } from '../../api/compliance.ts';
import { complianceEvidenceApi, fileToBase64, type Evidence, type EvidenceStatus, type RoomFacts } from '../../api/compliance-evidence.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { FormDrawer, useFormSave } from '../../components/FormDrawer.tsx';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { ParamsDrawer } from './ParamsDrawer.tsx';

const EVIDENCE_COLOR: Record<EvidenceStatus, string> = { submitted: 'processing', accepted: 'success', rejected: 'error' };
const FACTS = ['areaM2', 'temperatureC', 'humidityPct', 'illuminanceLx'] as const;

interface UploadValues {
  file?: File;
  note?: string;
  facts?: Partial<RoomFacts>;
}

/** 规则与材料: the pack's rules with the parameters in force (tighten-only), and the evidence of rules checked by document or site visit, with its review. */
export function EvidenceTab(p: { rules: PackRule[]; pack: { id: string; version: string }; universityId?: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const { can, state } = useAuth();
  const { message } = App.useApp();
  const me = state.status === 'authenticated' ? state.session.user.id : null;
  const writer = can('compliance.write');
  const reviewer = can('compliance.review');
  const settings = useApi((signal) => complianceEvidenceApi.settings({ universityId: p.universityId }, signal), [p.universityId]);
  const evidence = useApi((signal) => complianceEvidenceApi.list({ universityId: p.universityId }, signal), [p.universityId]);
  const [paramsOpen, setParamsOpen] = useState(false);
  const [uploading, setUploading] = useState<PackRule | null>(null);
  const [rejecting, setRejecting] = useState<Evidence | null>(null);
  const [reason, setReason] = useState('');
  const [form] = Form.useForm<UploadValues>();
  const upload = useFormSave(form, () => setUploading(null));

  const latest = useMemo(() => {
    const m = new Map<string, Evidence>();
    for (const e of evidence.data ?? []) if (!m.has(e.ruleId)) m.set(e.ruleId, e);
    return m;
  }, [evidence.data]);
  const refresh = () => {
    settings.reload();
    evidence.reload();
    p.onChanged();
  };

  const review = async (e: Evidence, decision: 'accept' | 'reject', why?: string) => {
    try {
      await complianceEvidenceApi.review(e.id, { decision, reason: why });
      void message.success(t('complianceEvidence.reviewed'));
      setRejecting(null);
      refresh();
    } catch (err) {
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
    }
  };

  const submitUpload = async () => {
    const v = await form.validateFields();
    const rule = uploading!;
    const file = v.file!;
    const saved = await upload.save(
      async () =>
        complianceEvidenceApi.upload({
          universityId: p.universityId,
          ruleId: rule.id,
          note: v.note ?? '',
          fileName: file.name,
          content: await fileToBase64(file),
          ...(rule.id === ROOM_RULE_ID ? { facts: v.facts as RoomFacts } : {}),
        }),
      { saved: t('complianceEvidence.uploaded'), failed: t('complianceEvidence.uploadFailed'), fieldOf: (f) => (f === 'file' || f === 'note' ? [f] : f.startsWith('facts.') ? ['facts', f.slice(6)] : f === 'facts' ? ['facts', 'areaM2'] : null) },
    );
    if (saved) {
      setUploading(null);
      refresh();
    }
  };

  const ruleColumns: ColumnsType<PackRule> = [
    {
      key: 'rule',
      title: t('complianceEvidence.col.rule'),
      render: (_, r) => (
        <div>
          <div>{r.title}</div>
          <div className="compliance-rule-id">
            {r.id} · {r.source}
          </div>
        </div>
      ),
    },
    {
      key: 'params',
      title: t('complianceEvidence.col.params'),
      width: 260,
      render: (_, r) =>
        Object.keys(r.params).length === 0 ? (
          t('complianceEvidence.noParams')
        ) : (
          <Space direction="vertical" size={2} data-testid={`compliance-params-${r.id}`}>
            {Object.entries(r.params).map(([name, value]) => (
              <span key={name}>
                {t([`complianceEvidence.paramOf.${r.id}.${name}`, `complianceEvidence.param.${name}`], { defaultValue: name })}：{value}
                {r.baselineParams?.[name] !== undefined && (
                  <Tag color="purple" style={{ marginLeft: 6 }}>
                    {t('complianceEvidence.tightened')} · {t('complianceEvidence.baseline', { value: r.baselineParams[name] })}
                  </Tag>
                )}
              </span>
            ))}
          </Space>
        ),
    },
    { key: 'method', title: t('complianceEvidence.col.method'), width: 100, render: (_, r) => t(`compliance.method.${r.evidenceMethod}`) },
    {
      key: 'evidence',
      title: t('complianceEvidence.col.evidence'),
      width: 240,
      render: (_, r) => {
        if (r.evidenceMethod === 'system_data') return null;
        const e = latest.get(r.id);
        return (
          <Space wrap>
            {e ? (
              <Tag color={EVIDENCE_COLOR[e.status]} data-testid={`evidence-latest-${r.id}`}>
                {t(`complianceEvidence.status.${e.status}`)}
              </Tag>
            ) : (
              <Typography.Text type="secondary">{t('complianceEvidence.none')}</Typography.Text>
            )}
            {writer && (
              <Button
                size="small"
                icon={<UploadOutlined />}
                onClick={() => {
                  form.resetFields();
                  upload.setProblem(null);
                  setUploading(r);
                }}
                data-testid={`evidence-upload-${r.id}`}
              >
                {t('complianceEvidence.upload')}
              </Button>
            )}
          </Space>
        );
      },
    },
  ];

  const evidenceColumns: ColumnsType<Evidence> = [
    { key: 'rule', title: t('complianceEvidence.col.rule'), width: 90, dataIndex: 'ruleId' },
    {
      key: 'file',
      title: t('complianceEvidence.col.file'),
      render: (_, e) => (
        <div>
          <a href={complianceEvidenceApi.fileUrl(e.id)} target="_blank" rel="noreferrer">
            {e.fileName}
          </a>
          <div className="compliance-rule-id">{e.note}</div>
        </div>
      ),
    },
    {
      key: 'facts',
      title: t('complianceEvidence.col.facts'),
      width: 220,
      render: (_, e) => (e.facts ? `${e.facts.areaM2} m² · ${e.facts.temperatureC} °C · ${e.facts.humidityPct}% · ${e.facts.illuminanceLx} lx` : '—'),
    },
    { key: 'uploaded', title: t('complianceEvidence.col.uploaded'), width: 190, render: (_, e) => t('complianceEvidence.by', { name: e.uploadedByName, at: formatDateTime(e.uploadedAt) }) },
    {
      key: 'status',
      title: t('complianceEvidence.col.status'),
      width: 230,
      render: (_, e) => (
        <div>
          <Tag color={EVIDENCE_COLOR[e.status]} data-testid={`evidence-status-${e.id}`}>
            {t(`complianceEvidence.status.${e.status}`)}
          </Tag>
          {e.reviewedByName && <div className="compliance-rule-id">{t('complianceEvidence.by', { name: e.reviewedByName, at: formatDateTime(e.reviewedAt!) })}</div>}
          {e.reviewReason && <div className="compliance-rule-id">{e.reviewReason}</div>}
        </div>
      ),
    },
    {
      key: 'actions',
      title: t('complianceEvidence.col.review'),
      width: 170,
      render: (_, e) =>
        reviewer && e.status === 'submitted' ? (
          e.uploadedBy === me ? (
            <Typography.Text type="secondary">{t('complianceEvidence.ownUpload')}</Typography.Text>
          ) : (
            <Space>
              <Popconfirm title={t('complianceEvidence.acceptConfirm')} onConfirm={() => review(e, 'accept')}>
                <Button size="small" type="primary" icon={<CheckOutlined />} data-testid={`evidence-accept-${e.id}`}>
                  {t('complianceEvidence.accept')}
                </Button>
              </Popconfirm>
              <Button
                size="small"
                danger
                icon={<CloseOutlined />}
                onClick={() => {
                  setReason('');
                  setRejecting(e);
                }}
                data-testid={`evidence-reject-${e.id}`}
              >
                {t('complianceEvidence.reject')}
              </Button>
            </Space>
          )
        ) : null,
    },
  ];

  const evidenceRules = p.rules.filter((r) => r.evidenceMethod !== 'system_data');
  const paramColumns = ruleColumns.filter((c) => c.key !== 'evidence');
  const tightened = Object.keys(settings.data?.overrides ?? {}).length > 0;
  return (
    <div data-testid="compliance-evidence">
      {settings.error && <ErrorAlert error={settings.error} title={t('compliance.loadFailed')} />}
      <Typography.Paragraph type="secondary">
        {t('complianceEvidence.intro', { pack: p.pack.id, version: settings.data?.packVersion ?? p.pack.version })}
        {tightened && (
          <Tag color="purple" style={{ marginLeft: 8 }}>
            {t('complianceEvidence.tightened')}
          </Tag>
        )}
      </Typography.Paragraph>
      <Typography.Title level={5}>{t('complianceEvidence.list')}</Typography.Title>
      <Table rowKey="id" columns={ruleColumns} dataSource={evidenceRules} pagination={false} size="small" data-testid="compliance-evidence-rules" />
      {evidence.error && <ErrorAlert error={evidence.error} title={t('compliance.loadFailed')} />}
      <Table
        rowKey="id"
        columns={evidenceColumns}
        dataSource={evidence.data ?? []}
        loading={evidence.loading}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        size="small"
        locale={{ emptyText: t('complianceEvidence.empty') }}
        style={{ marginTop: 12 }}
        data-testid="compliance-evidence-list"
      />
      <Space style={{ marginTop: 20, marginBottom: 8 }} wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('complianceEvidence.paramsSection')}
        </Typography.Title>
        {writer && settings.data && (
          <Button icon={<EditOutlined />} onClick={() => setParamsOpen(true)} data-testid="compliance-edit-params">
            {t('complianceEvidence.editParams')}
          </Button>
        )}
        {settings.data?.updatedAt && <Typography.Text type="secondary">{t('complianceEvidence.updated', { name: settings.data.updatedByName, at: formatDateTime(settings.data.updatedAt) })}</Typography.Text>}
      </Space>
      <Table rowKey="id" columns={paramColumns} dataSource={p.rules} pagination={false} size="small" data-testid="compliance-pack-rules" />

      {settings.data && <ParamsDrawer open={paramsOpen} settings={settings.data} universityId={p.universityId} onClose={() => setParamsOpen(false)} onSaved={() => { setParamsOpen(false); refresh(); }} />}

      <FormDrawer open={!!uploading} title={t('complianceEvidence.uploadTitle', { rule: uploading ? `${uploading.id} ${uploading.title}` : '' })} onClose={upload.requestClose} onSave={() => void submitUpload()} saving={upload.saving} problem={upload.problem} testId="evidence-upload">
        <Form form={form} layout="vertical">
          <Form.Item name="file" label={t('complianceEvidence.file')} rules={[{ required: true, message: t('complianceEvidence.fileRequired') }]}>
            <FilePicker label={t('complianceEvidence.chooseFile')} />
          </Form.Item>
          <Form.Item name="note" label={t('complianceEvidence.note')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} placeholder={t('complianceEvidence.notePlaceholder')} />
          </Form.Item>
          {uploading?.id === ROOM_RULE_ID && (
            <>
              <Typography.Text strong>{t('complianceEvidence.facts')}</Typography.Text>
              <Space wrap style={{ marginTop: 8 }}>
                {FACTS.map((f) => (
                  <Form.Item key={f} name={['facts', f]} label={t(`complianceEvidence.${f}`)} rules={[{ required: true }]}>
                    <InputNumber style={{ width: 140 }} data-testid={`evidence-fact-${f}`} />
                  </Form.Item>
                ))}
              </Space>
            </>
          )}
        </Form>
      </FormDrawer>

      <Modal open={!!rejecting} title={t('complianceEvidence.rejectTitle')} onCancel={() => setRejecting(null)} onOk={() => (reason.trim() ? review(rejecting!, 'reject', reason.trim()) : void message.warning(t('complianceEvidence.reasonRequired')))} destroyOnHidden>
        {rejecting && <Alert type="info" message={`${rejecting.ruleId} · ${rejecting.fileName}`} style={{ marginBottom: 8 }} />}
        <Input.TextArea rows={3} value={reason} onChange={(ev) => setReason(ev.target.value)} placeholder={t('complianceEvidence.rejectReason')} data-testid="evidence-reject-reason" />
      </Modal>
    </div>
  );
}

/** One file for a form field: kept in the browser until the form is saved. */
function FilePicker(p: { value?: File; onChange?: (f: File) => void; label: string }) {
  return (
    <Upload
      accept=".pdf,image/jpeg,image/png,image/webp"
      maxCount={1}
      fileList={p.value ? [{ uid: '1', name: p.value.name, status: 'done' }] : []}
      beforeUpload={(f) => {
        p.onChange?.(f);
        return false;
      }}
      showUploadList={{ showRemoveIcon: false }}
    >
      <Button icon={<UploadOutlined />} data-testid="evidence-file">
        {p.label}
      </Button>
    </Upload>
  );
}
