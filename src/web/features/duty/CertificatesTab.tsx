import { DeleteOutlined, EditOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { App, AutoComplete, Button, DatePicker, Form, Input, Modal, Popconfirm, Segmented, Select, Table, Tag, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CERTIFICATE_TYPES } from '../../../shared/duty.ts';
import { dutyApi, type Certificate } from '../../api/duty.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';

const PAGE_SIZE = 50;
const STATUS_COLORS: Record<Certificate['status'], string> = { valid: 'green', expiring: 'orange', expired: 'red', not_yet_valid: 'default' };

interface FormValues {
  accountId: string;
  type: string;
  number: string;
  issuer: string;
  valid: [Dayjs, Dayjs];
}

/** 上岗证: each operator's certificates, soonest ending first; those ending within 30 days stand out. */
export function CertificatesTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { scope } = useOrg();
  const [status, setStatus] = useState<'all' | 'valid' | 'expiring' | 'expired'>('all');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Certificate | 'new' | null>(null);
  const [form] = Form.useForm<FormValues>();
  const list = useApi((signal) => dutyApi.certificates({ universityId: scope.universityId, status: status === 'all' ? undefined : status, page, pageSize: PAGE_SIZE }, signal), [scope.universityId, status, page]);
  // The accounts that can hold one: those the roster offers.
  const staff = useApi((signal) => dutyApi.roster(dayjs().format('YYYY-MM'), scope.universityId, signal), [scope.universityId]).data?.staff ?? [];
  const writer = can('duty.write');

  const open = (c: Certificate | 'new') => {
    setEditing(c);
    form.setFieldsValue(c === 'new' ? { type: CERTIFICATE_TYPES[0], issuer: '', number: '' } : { accountId: c.accountId, type: c.type, number: c.number, issuer: c.issuer, valid: [dayjs(c.validFrom), dayjs(c.validTo)] });
  };
  const save = async () => {
    const v = await form.validateFields();
    const input = { accountId: v.accountId, type: v.type, number: v.number, issuer: v.issuer, validFrom: v.valid[0].format('YYYY-MM-DD'), validTo: v.valid[1].format('YYYY-MM-DD') };
    try {
      if (editing === 'new') await dutyApi.createCertificate(input);
      else if (editing) await dutyApi.updateCertificate(editing.id, input);
      void message.success(t('duty.certSaved'));
      setEditing(null);
      list.reload();
    } catch (err) {
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
    }
  };

  const columns: ColumnsType<Certificate> = [
    { key: 'holder', title: t('duty.holder'), dataIndex: 'accountName' },
    { key: 'type', title: t('duty.certType'), dataIndex: 'type' },
    { key: 'number', title: t('duty.certNo'), dataIndex: 'number' },
    { key: 'issuer', title: t('duty.issuer'), dataIndex: 'issuer', ellipsis: true },
    { key: 'valid', title: t('duty.validity'), render: (_, c) => `${c.validFrom} – ${c.validTo}` },
    { key: 'status', title: t('duty.status'), render: (_, c) => <Tag color={STATUS_COLORS[c.status]} data-testid={`cert-status-${c.status}`}>{t(`duty.certStates.${c.status}`)}</Tag> },
    {
      key: 'scan',
      title: t('duty.scan'),
      render: (_, c) => (
        <>
          {c.scanSize !== null && (
            <a href={dutyApi.scanUrl(c.id)} target="_blank" rel="noreferrer">
              {t('duty.viewScan')}
            </a>
          )}
          {writer && (
            <Upload
              accept="image/jpeg,image/png,image/webp"
              showUploadList={false}
              customRequest={({ file, onSuccess, onError }) => {
                dutyApi
                  .uploadScan(c.id, file as Blob)
                  .then((cert) => {
                    onSuccess?.(cert);
                    void message.success(t('duty.scanSaved'));
                    list.reload();
                  })
                  .catch((err: unknown) => {
                    onError?.(err as Error);
                    void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
                  });
              }}
            >
              <Button size="small" type="text" icon={<UploadOutlined />} aria-label={t('duty.uploadScan')} />
            </Upload>
          )}
        </>
      ),
    },
    ...(writer
      ? [
          {
            key: 'actions',
            title: '',
            render: (_: unknown, c: Certificate) => (
              <>
                <Button size="small" type="text" icon={<EditOutlined />} onClick={() => open(c)} aria-label={t('duty.edit')} />
                <Popconfirm title={t('duty.removeConfirm')} onConfirm={async () => {
                  try {
                    await dutyApi.removeCertificate(c.id);
                    list.reload();
                  } catch (err) {
                    void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
                  }
                }}>
                  <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('duty.remove')} />
                </Popconfirm>
              </>
            ),
          },
        ]
      : []),
  ];

  return (
    <div className="duty-certs" data-testid="duty-certificates">
      <div className="duty-toolbar">
        <Segmented
          value={status}
          onChange={(v) => { setStatus(v as typeof status); setPage(1); }}
          options={(['all', 'expiring', 'valid', 'expired'] as const).map((s) => ({ value: s, label: t(`duty.certFilter.${s}`) }))}
        />
        {writer && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="cert-new">
            {t('duty.newCert')}
          </Button>
        )}
      </div>
      {list.error && <ErrorAlert error={list.error} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        rowClassName={(c) => (c.status === 'expiring' ? 'duty-cert-expiring' : c.status === 'expired' ? 'duty-cert-expired' : '')}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
      />
      <Modal open={!!editing} title={editing === 'new' ? t('duty.newCert') : t('duty.editCert')} onCancel={() => setEditing(null)} onOk={save} okText={t('duty.save')} destroyOnHidden forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="accountId" label={t('duty.holder')} rules={[{ required: true }]}>
            <Select showSearch optionFilterProp="label" options={staff.filter((s) => s.role !== 'guard').map((s) => ({ value: s.id, label: `${s.displayName}（${s.username}）` }))} />
          </Form.Item>
          <Form.Item name="type" label={t('duty.certType')} rules={[{ required: true, max: 60 }]}>
            <AutoComplete options={CERTIFICATE_TYPES.map((v) => ({ value: v }))} />
          </Form.Item>
          <Form.Item name="number" label={t('duty.certNo')} rules={[{ required: true, max: 60 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="issuer" label={t('duty.issuer')} rules={[{ required: true, max: 60 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="valid" label={t('duty.validity')} rules={[{ required: true }]}>
            <DatePicker.RangePicker />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
