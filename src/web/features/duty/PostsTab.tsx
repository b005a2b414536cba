import { EditOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, InputNumber, Modal, Select, Switch, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PATTERN_SHIFTS, POST_KINDS, SHIFT_PATTERNS, type DutyPostInput, type Shift } from '../../../shared/duty.ts';
import { dutyApi, type DutyPost } from '../../api/duty.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** 岗位: the posts, their shift pattern and whether they are command-centre posts (24 h, certified operators). */
export function PostsTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { scope } = useOrg();
  const posts = useApi((signal) => dutyApi.posts(scope.universityId, signal), [scope.universityId]);
  const [editing, setEditing] = useState<DutyPost | 'new' | null>(null);
  const [form] = Form.useForm<DutyPostInput>();
  const pattern = Form.useWatch('pattern', form);
  const writer = can('duty.write');

  const open = (p: DutyPost | 'new') => {
    setEditing(p);
    form.setFieldsValue(p === 'new' ? { name: '', kind: 'command_seat', commandCentre: true, pattern: '2x12', shifts: [], sort: 0 } : { name: p.name, kind: p.kind, commandCentre: p.commandCentre, pattern: p.pattern, shifts: p.pattern === 'custom' ? p.shifts : [], sort: p.sort });
  };
  const save = async () => {
    const v = await form.validateFields();
    const input: DutyPostInput = { name: v.name, kind: v.kind, commandCentre: v.commandCentre, pattern: v.pattern, sort: v.sort ?? 0, ...(v.pattern === 'custom' ? { shifts: v.shifts } : {}), ...(scope.universityId ? { universityId: scope.universityId } : {}) };
    try {
      if (editing === 'new') await dutyApi.createPost(input);
      else if (editing) await dutyApi.updatePost(editing.id, input);
      void message.success(t('duty.postSaved'));
      setEditing(null);
      posts.reload();
    } catch (err) {
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
    }
  };
  const shiftText = (shifts: Shift[]) => shifts.map((s) => `${s.name} ${s.start}–${s.end}`).join('，');

  const columns: ColumnsType<DutyPost> = [
    { key: 'name', title: t('duty.postName'), dataIndex: 'name' },
    { key: 'kind', title: t('duty.postKind'), render: (_, p) => t(`duty.postKinds.${p.kind}`) },
    { key: 'cc', title: t('duty.commandCentre'), render: (_, p) => (p.commandCentre ? <Tag color="red">{t('duty.commandCentre')}</Tag> : '') },
    { key: 'pattern', title: t('duty.pattern'), render: (_, p) => t(`duty.patterns.${p.pattern}`) },
    { key: 'shifts', title: t('duty.shifts'), render: (_, p) => shiftText(p.shifts) },
    ...(writer ? [{ key: 'edit', title: '', render: (_: unknown, p: DutyPost) => <Button size="small" type="text" icon={<EditOutlined />} onClick={() => open(p)} aria-label={t('duty.edit')} /> }] : []),
  ];

  return (
    <div data-testid="duty-posts">
      <div className="duty-toolbar">
        {writer && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="post-new">
            {t('duty.newPost')}
          </Button>
        )}
      </div>
      {posts.error && <ErrorAlert error={posts.error} />}
      <Table rowKey="id" size="small" loading={posts.loading} columns={columns} dataSource={posts.data ?? []} pagination={false} />
      <Modal open={!!editing} title={editing === 'new' ? t('duty.newPost') : t('duty.editPost')} onCancel={() => setEditing(null)} onOk={save} okText={t('duty.save')} destroyOnHidden forceRender width={640}>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('duty.postName')} rules={[{ required: true, max: 40 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="kind" label={t('duty.postKind')} rules={[{ required: true }]}>
            <Select options={POST_KINDS.map((k) => ({ value: k, label: t(`duty.postKinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="commandCentre" label={t('duty.commandCentreRule')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="pattern" label={t('duty.pattern')} rules={[{ required: true }]} extra={pattern && pattern !== 'custom' ? shiftText(PATTERN_SHIFTS[pattern]) : t('duty.customHint')}>
            <Select options={SHIFT_PATTERNS.map((k) => ({ value: k, label: t(`duty.patterns.${k}`) }))} />
          </Form.Item>
          {pattern === 'custom' && (
            <Form.List name="shifts">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <div key={f.key} className="duty-shift-row">
                      <Form.Item name={[f.name, 'name']} rules={[{ required: true, max: 20 }]}>
                        <Input placeholder={t('duty.shiftName')} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'code']} rules={[{ required: true, pattern: /^[a-z0-9_]{1,16}$/ }]}>
                        <Input placeholder={t('duty.shiftCode')} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'start']} rules={[{ required: true, pattern: HHMM }]}>
                        <Input placeholder="08:00" />
                      </Form.Item>
                      <Form.Item name={[f.name, 'end']} rules={[{ required: true, pattern: HHMM }]}>
                        <Input placeholder="20:00" />
                      </Form.Item>
                      <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t('duty.remove')} />
                    </div>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', code: `s${fields.length + 1}`, start: '', end: '' })}>
                    {t('duty.addShift')}
                  </Button>
                </>
              )}
            </Form.List>
          )}
          <Form.Item name="sort" label={t('duty.sort')}>
            <InputNumber min={0} max={9999} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
