import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Dropdown, Form, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ALARM_TYPES } from '../../../shared/alarms.ts';
import { DEVICE_KINDS, KEY_SITE_CATEGORIES } from '../../../shared/domain.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { priorityLabel, translateDynamic } from '../../i18n/index.ts';
import { EVENT_KIND_GROUP_LIST, EVENT_KIND_GROUPS, kindKey } from '../events/event-kinds.ts';
import { HHMM, ScheduleFields } from '../../components/ScheduleFields.tsx';
import { DeviceSearchSelect } from './DeviceSearchSelect.tsx';
import { ACTION_TYPE_LIST, DEFAULT_SCHEDULE, newAction as newActionOf, TRIGGER_TYPES, TRIGGER_VARIANTS } from './rule-form.ts';


export const kindLabel = (kind: string) => translateDynamic(`events.kind.${kind.replace('.', '_')}`, kind);

/** The common parts of a rule as a form; the form's values are the rule definition itself. */
export function RuleFormFields({ universityId }: { universityId?: string }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const { index } = useOrg();
  const triggerType = Form.useWatch(['trigger', 'type'], form) as string | undefined;

  const kindOptions = useMemo(() => {
    const allowed = TRIGGER_VARIANTS.get(triggerType ?? 'event')?.kinds;
    const grouped = new Set<string>(Object.values(EVENT_KIND_GROUPS).flat());
    const groups = EVENT_KIND_GROUP_LIST.map((g) => ({
      label: t(`events.group.${g}`),
      title: t(`events.group.${g}`),
      options: EVENT_KIND_GROUPS[g].filter((k) => !allowed || allowed.includes(k)).map((k) => ({ value: k, label: t(`events.kind.${kindKey(k)}`) })),
    })).filter((g) => g.options.length);
    const rest = (allowed ?? []).filter((k) => !grouped.has(k));
    return rest.length ? [...groups, { label: t('rules.form.otherKinds'), title: t('rules.form.otherKinds'), options: rest.map((k) => ({ value: k, label: kindLabel(k) })) }] : groups;
  }, [t, triggerType]);

  const places = useMemo(() => {
    const entries = [...index.values()].filter((e) => !universityId || universityId === e.id || pathHas(index, e.id, universityId));
    const name = (id: string | null) => (id ? (index.get(id)?.name ?? '') : '');
    return {
      campuses: entries.filter((e) => e.kind === 'campus').map((e) => ({ value: e.id, label: e.name })),
      buildings: entries.filter((e) => e.kind === 'building').map((e) => ({ value: e.id, label: `${name(e.parentId)} / ${e.name}` })),
    };
  }, [index, universityId]);

  return (
    <div className="rule-form">
      <Row gutter={16}>
        <Col span={16}>
          <Form.Item name="name" label={t('rules.form.name')} rules={[{ required: true, message: t('validation.required') }]}>
            <Input maxLength={100} data-testid="rule-name" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="enabled" label={t('rules.form.enabled')} valuePropName="checked">
            <Switch data-testid="rule-enabled" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="description" label={t('rules.form.description')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={1000} />
      </Form.Item>

      <Typography.Title level={5}>{t('rules.form.trigger')}</Typography.Title>
      <Form.Item name={['trigger', 'type']} label={t('rules.form.triggerType')}>
        <Select options={TRIGGER_TYPES.map((type) => ({ value: type, label: translateDynamic(`rules.triggerType.${type}`, type) }))} data-testid="rule-trigger-type" />
      </Form.Item>
      <Form.Item name={['trigger', 'kinds']} label={t('rules.form.kinds')} extra={triggerType === 'absence' ? t('rules.form.absenceKindsHint') : undefined}>
        <Select mode="multiple" options={kindOptions} optionFilterProp="label" placeholder={t('rules.form.kindsPlaceholder')} data-testid="rule-trigger-kinds" />
      </Form.Item>
      {triggerType === 'count' && (
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name={['trigger', 'threshold']} label={t('rules.form.threshold')}>
              <InputNumber min={2} max={10000} precision={0} suffix={t('rules.form.times')} className="rule-number" data-testid="rule-threshold" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={['trigger', 'windowSeconds']} label={t('rules.form.windowSeconds')}>
              <InputNumber min={1} max={86400} precision={0} suffix={t('rules.form.seconds')} className="rule-number" data-testid="rule-window" />
            </Form.Item>
          </Col>
        </Row>
      )}
      {triggerType === 'absence' && (
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name={['trigger', 'from']} label={t('rules.form.absenceFrom')} rules={[{ pattern: HHMM, message: t('rules.form.hhmm') }]}>
              <Input placeholder="21:00" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={['trigger', 'by']} label={t('rules.form.absenceBy')} rules={[{ pattern: HHMM, message: t('rules.form.hhmm') }]}>
              <Input placeholder="23:00" />
            </Form.Item>
          </Col>
        </Row>
      )}

      <Typography.Title level={5}>{t('rules.form.scope')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('rules.form.scopeHint')}</Typography.Paragraph>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name={['trigger', 'deviceKinds']} label={t('rules.form.deviceKinds')}>
            <Select mode="multiple" allowClear options={DEVICE_KINDS.map((k) => ({ value: k, label: t(`enum.deviceKind.${k}`) }))} optionFilterProp="label" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['trigger', 'keySiteCategories']} label={t('rules.form.keySiteCategories')}>
            <Select mode="multiple" allowClear options={KEY_SITE_CATEGORIES.map((k) => ({ value: k, label: t(`enum.keySiteCategory.${k}`) }))} optionFilterProp="label" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['trigger', 'campusIds']} label={t('rules.form.campuses')}>
            <Select mode="multiple" allowClear options={places.campuses} optionFilterProp="label" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['trigger', 'buildingIds']} label={t('rules.form.buildings')}>
            <Select mode="multiple" allowClear options={places.buildings} optionFilterProp="label" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name={['trigger', 'deviceIds']} label={t('rules.form.devices')}>
        <DeviceSearchSelect multiple universityId={universityId} data-testid="rule-devices" />
      </Form.Item>

      <ScheduleFields
        title={t('rules.form.schedule')}
        emptyText={t('rules.form.alwaysArmed')}
        defaultSchedule={DEFAULT_SCHEDULE}
        holidayLabel={(v) => t(`rules.holidays.${v}`)}
        vacationLabel={(v) => t(`rules.vacations.${v}`)}
        testId="rule"
      />

      <Typography.Title level={5}>{t('rules.form.actions')}</Typography.Title>
      <Form.List name="actions">
        {(fields, { add, remove, move }, { errors }) => (
          <div className="rule-actions">
            {fields.map((field, i) => (
              <Card
                key={field.key}
                size="small"
                className="rule-action"
                data-testid="rule-action"
                title={<ActionTitle name={field.name} />}
                extra={
                  <Space size={0}>
                    <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, i - 1)} aria-label={t('rules.form.moveUp')} />
                    <Button type="text" size="small" icon={<ArrowDownOutlined />} disabled={i === fields.length - 1} onClick={() => move(i, i + 1)} aria-label={t('rules.form.moveDown')} />
                    <Button type="text" size="small" icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('common.delete')} data-testid="rule-action-remove" />
                  </Space>
                }
              >
                <ActionFields name={field.name} />
              </Card>
            ))}
            <Form.ErrorList errors={errors} />
            <Dropdown
              trigger={['click']}
              menu={{
                items: ACTION_TYPE_LIST.map((type) => ({ key: type, label: translateDynamic(`alarms.actionType.${type}`, type) })),
                onClick: ({ key }) => add(newActionOf(key)),
              }}
            >
              <Button icon={<PlusOutlined />} data-testid="rule-action-add">
                {t('rules.form.addAction')}
              </Button>
            </Dropdown>
          </div>
        )}
      </Form.List>
    </div>
  );
}

function pathHas(index: ReturnType<typeof useOrg>['index'], id: string, ancestor: string): boolean {
  for (let e = index.get(id); e; e = e.parentId ? index.get(e.parentId) : undefined) if (e.id === ancestor) return true;
  return false;
}

function ActionTitle({ name }: { name: number }) {
  const form = Form.useFormInstance();
  const type = Form.useWatch(['actions', name, 'type'], { form, preserve: true }) as string | undefined;
  return <span>{type ? translateDynamic(`alarms.actionType.${type}`, type) : ''}</span>;
}

/** The fields of one action, by its type. */
function ActionFields({ name }: { name: number }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const type = Form.useWatch(['actions', name, 'type'], { form, preserve: true }) as string | undefined;
  const sec = t('rules.form.seconds');
  switch (type) {
    case 'create_alarm':
      return (
        <Row gutter={12}>
          <Col span={10}>
            <Form.Item name={[name, 'alarmType']} label={t('rules.form.alarmType')}>
              <Select options={ALARM_TYPES.map((a) => ({ value: a, label: translateDynamic(`alarms.type.${a}`, a) }))} optionFilterProp="label" showSearch data-testid="rule-alarm-type" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={[name, 'priority']} label={t('rules.form.priority')}>
              <Select options={[1, 2, 3, 4].map((p) => ({ value: p, label: priorityLabel(p) }))} data-testid="rule-priority" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name={[name, 'latch']} label={t('rules.form.latch')} valuePropName="checked" tooltip={t('rules.form.latchHint')}>
              <Switch />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name={[name, 'title']} label={t('rules.form.title')}>
              <Input maxLength={100} placeholder={t('rules.form.titlePlaceholder')} />
            </Form.Item>
          </Col>
        </Row>
      );
    case 'link_cameras':
      return (
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name={[name, 'max']} label={t('rules.form.maxCameras')}>
              <InputNumber min={1} max={16} precision={0} className="rule-number" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={[name, 'presetFromRule']} label={t('rules.form.preset')}>
              <InputNumber min={1} max={255} precision={0} className="rule-number" />
            </Form.Item>
          </Col>
        </Row>
      );
    case 'door_command':
      return (
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name={[name, 'command']} label={t('rules.form.doorCommand')}>
              <Select options={(['lock', 'unlock', 'hold_open'] as const).map((c) => ({ value: c, label: t(`rules.doorCommand.${c}`) }))} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name={[name, 'target']} label={t('rules.form.doorTarget')}>
              <Select options={(['event_device', 'doors_in_building', 'doors_in_campus'] as const).map((c) => ({ value: c, label: t(`rules.doorTarget.${c}`) }))} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={[name, 'timeoutSeconds']} label={t('rules.form.ackTimeout')}>
              <InputNumber min={1} max={60} precision={0} suffix={sec} className="rule-number" />
            </Form.Item>
          </Col>
        </Row>
      );
    case 'notify_guards':
      return (
        <Form.Item name={[name, 'count']} label={t('rules.form.guardCount')}>
          <InputNumber min={1} max={10} precision={0} className="rule-number" />
        </Form.Item>
      );
    case 'webhook':
      return (
        <Row gutter={12}>
          <Col span={18}>
            <Form.Item name={[name, 'url']} label={t('rules.form.webhookUrl')}>
              <Input maxLength={500} data-testid="rule-webhook-url" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={[name, 'timeoutSeconds']} label={t('rules.form.timeout')}>
              <InputNumber min={1} max={30} precision={0} suffix={sec} className="rule-number" />
            </Form.Item>
          </Col>
        </Row>
      );
    default:
      return <Typography.Text type="secondary">{t('rules.form.jsonOnly')}</Typography.Text>;
  }
}
