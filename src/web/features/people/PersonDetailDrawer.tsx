import { EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Descriptions, Drawer, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CREDENTIAL_KINDS, PERSON_LIMITS, UNMASK_FIELDS, type CredentialKind, type UnmaskField } from '../../../shared/people.ts';
import { ApiError } from '../../api/client.ts';
import { peopleApi, type Person, type PersonCredential, type UnmaskedPerson } from '../../api/people.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';

export interface PersonDetailDrawerProps {
  personId: string | null;
  version: number;
  onClose: () => void;
  onEdit: (p: Person) => void;
  onChanged: () => void;
}

/**
 * One person: fields masked, credentials, and for person.unmask the 查看完整信息 button, which
 * asks for a reason and shows the raw values until the drawer closes (the server audits the look).
 */
export function PersonDetailDrawer({ personId, version, onClose, onEdit, onChanged }: PersonDetailDrawerProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const [tick, setTick] = useState(0);
  const { data: person, error, reload } = useApi((_signal) => (personId ? peopleApi.get(personId) : Promise.resolve(undefined)), [personId, version, tick]);
  const [unmasked, setUnmasked] = useState<UnmaskedPerson | null>(null);
  const [asking, setAsking] = useState(false);
  const [issuing, setIssuing] = useState(false);

  // Raw values never outlive the person they were asked for.
  useEffect(() => setUnmasked(null), [personId]);

  const revoke = async (c: PersonCredential) => {
    try {
      await peopleApi.revokeCredential(c.personId, c.id);
      void message.success(t('people.revoked'));
      setTick((n) => n + 1);
      onChanged();
    } catch (err) {
      void message.error(t('validation.fieldProblem', { field: errorTitle(err), message: errorMessage(err) }));
    }
  };

  const rawOf = (c: PersonCredential) => unmasked?.credentials?.find((r) => r.id === c.id)?.value;
  const empty = t('common.empty');

  return (
    <Drawer
      open={!!personId}
      size={640}
      title={person ? `${person.name} · ${person.number}` : t('people.detail')}
      onClose={onClose}
      destroyOnHidden
      data-testid="person-detail"
      extra={
        person && (
          <Space>
            {can('person.unmask') && (
              <Button icon={<EyeOutlined />} onClick={() => setAsking(true)} data-testid="person-unmask">
                {t('people.unmask')}
              </Button>
            )}
            {can('person.write') && <Button onClick={() => onEdit(person)}>{t('common.edit')}</Button>}
          </Space>
        )
      }
    >
      {error && <ErrorAlert error={error} title={t('people.loadFailed')} onRetry={reload} />}
      {person && (
        <>
          {unmasked && <Alert className="people-unmasked" type="warning" showIcon title={t('people.unmaskedBanner')} data-testid="person-unmasked" />}
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t('people.name')}>{person.name}</Descriptions.Item>
            <Descriptions.Item label={t('people.number')}>{person.number}</Descriptions.Item>
            <Descriptions.Item label={t('people.kind')}>{t(`enum.personKind.${person.kind}`)}</Descriptions.Item>
            <Descriptions.Item label={t('people.department')}>{person.department ?? empty}</Descriptions.Item>
            <Descriptions.Item label={t('people.idNumber')}>
              <span className="people-masked" data-testid="person-id-number">{unmasked && 'idNumber' in unmasked ? (unmasked.idNumber ?? empty) : (person.idNumber ?? empty)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('people.phone')}>
              <span className="people-masked" data-testid="person-phone">{unmasked && 'phone' in unmasked ? (unmasked.phone ?? empty) : (person.phone ?? empty)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('people.status')}>{t(`enum.personStatus.${person.status}`)}</Descriptions.Item>
            <Descriptions.Item label={t('people.validUntil')}>{person.validUntil ?? empty}</Descriptions.Item>
            <Descriptions.Item label={t('people.updatedAt')}>{formatDateTime(person.updatedAt)}</Descriptions.Item>
          </Descriptions>
          <div className="people-credentials-head">
            <Typography.Title level={5}>{t('people.credentials')}</Typography.Title>
            {can('person.write') && person.status !== 'left' && (
              <Button size="small" icon={<PlusOutlined />} onClick={() => setIssuing(true)} data-testid="person-add-credential">
                {t('people.addCredential')}
              </Button>
            )}
          </div>
          <Table<PersonCredential>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={person.credentials}
            data-testid="person-credentials"
            columns={[
              { key: 'kind', title: t('people.credentialKind'), dataIndex: 'kind', render: (k: CredentialKind) => t(`enum.credentialKind.${k}`) },
              { key: 'value', title: t('people.credentialValue'), render: (_, c) => <span className="people-masked">{rawOf(c) ?? c.value}</span> },
              { key: 'status', title: t('people.credentialStatus'), dataIndex: 'status', render: (s: PersonCredential['status']) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`enum.credentialStatus.${s}`)}</Tag> },
              { key: 'createdAt', title: t('people.credentialCreated'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
              ...(can('person.write')
                ? [
                    {
                      key: 'actions',
                      title: t('common.actions'),
                      render: (_: unknown, c: PersonCredential) =>
                        c.status === 'active' && (
                          <Popconfirm title={t('people.revokeConfirm')} onConfirm={() => void revoke(c)}>
                            <Typography.Link type="danger">{t('people.revoke')}</Typography.Link>
                          </Popconfirm>
                        ),
                    },
                  ]
                : []),
            ]}
          />
          <UnmaskModal open={asking} personId={person.id} onClose={() => setAsking(false)} onUnmasked={(u) => setUnmasked(u)} />
          <CredentialModal
            open={issuing}
            personId={person.id}
            onClose={() => setIssuing(false)}
            onIssued={() => {
              setIssuing(false);
              setTick((n) => n + 1);
              onChanged();
            }}
          />
        </>
      )}
    </Drawer>
  );
}

/** Asks why (≥ 4 characters) and which fields; the server answers the raw values and audits the look. */
function UnmaskModal({ open, personId, onClose, onUnmasked }: { open: boolean; personId: string; onClose: () => void; onUnmasked: (u: UnmaskedPerson) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string; fields: UnmaskField[] }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({ reason: '', fields: [...UNMASK_FIELDS] });
    setFailure(null);
  }, [open, form]);

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setFailure(null);
    try {
      onUnmasked(await peopleApi.unmask(personId, { reason: values.reason.trim(), fields: values.fields }));
      onClose();
    } catch (err) {
      if (err instanceof ApiError && err.details.some((d) => d.field === 'reason')) form.setFields([{ name: 'reason', errors: [t('people.unmaskReasonRequired')] }]);
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title={t('people.unmaskTitle')} onCancel={onClose} onOk={() => void submit()} okText={t('people.unmaskConfirm')} confirmLoading={busy} destroyOnHidden data-testid="unmask-modal">
      <Alert type="info" showIcon title={t('people.unmaskNotice')} className="people-unmasked" />
      {failure !== null && <ErrorAlert error={failure} title={t('people.loadFailed')} />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('people.unmaskReason')}
          rules={[{ validator: (_, v: string | undefined) => ((v ?? '').trim().length >= PERSON_LIMITS.reasonMin ? Promise.resolve() : Promise.reject(new Error(t('people.unmaskReasonRequired')))) }]}
        >
          <Input.TextArea rows={2} maxLength={PERSON_LIMITS.reasonMax} showCount placeholder={t('people.unmaskReasonPlaceholder')} data-testid="unmask-reason" />
        </Form.Item>
        <Form.Item name="fields" label={t('people.unmaskFields')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <Checkbox.Group options={UNMASK_FIELDS.map((f) => ({ value: f, label: t(`people.field.${f}`) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CredentialModal({ open, personId, onClose, onIssued }: { open: boolean; personId: string; onClose: () => void; onIssued: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ kind: CredentialKind; value: string }>();
  const [busy, setBusy] = useState(false);
  const kind = Form.useWatch('kind', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({ kind: 'card', value: '' });
  }, [open, form]);

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      await peopleApi.addCredential(personId, { kind: values.kind, value: values.value.trim() });
      onIssued();
    } catch (err) {
      form.setFields([{ name: 'value', errors: [err instanceof ApiError && err.details[0] ? err.details[0].reason : errorMessage(err)] }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title={t('people.addCredential')} onCancel={onClose} onOk={() => void submit()} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item name="kind" label={t('people.credentialKind')} rules={[{ required: true }]}>
          <Select options={CREDENTIAL_KINDS.map((k) => ({ value: k, label: t(`enum.credentialKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="value" label={t('people.credentialValue')} rules={[{ required: true, whitespace: true }]} extra={kind === 'face' ? t('people.faceHint') : undefined}>
          <Input maxLength={PERSON_LIMITS.credentialValue} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
