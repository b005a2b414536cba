import { Checkbox, Col, Form, Input, Row, Select, Switch } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccessMembers } from '../../../shared/access-control.ts';
import type { ScheduleT } from '../../../shared/alarms.ts';
import { PERSON_KINDS } from '../../../shared/people.ts';
import { accessApi, type AccessDoor, type AccessGroup, type AccessGroupInput } from '../../api/access.ts';
import { peopleApi } from '../../api/people.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { FormDrawer, useFormSave } from '../../components/FormDrawer.tsx';
import { ScheduleFields } from '../../components/ScheduleFields.tsx';
import { accessProblem } from './access-format.ts';

interface FormValues {
  universityId?: string;
  name: string;
  doorIds: string[];
  members: AccessMembers;
  schedule?: ScheduleT;
  validFrom?: string | null;
  validUntil?: string | null;
  enabled: boolean;
}

/** Dormitory-like hours as the starting point of a new group's schedule. */
const DEFAULT_HOURS: ScheduleT = { periods: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '06:00', to: '23:00' }], holidays: 'as_sunday', vacations: 'as_scheduled' };
const TOP_FIELDS = ['universityId', 'name', 'doorIds', 'members', 'schedule', 'validFrom', 'validUntil'];

export interface AccessGroupDrawerProps {
  open: boolean;
  group: AccessGroup | null;
  doors: AccessDoor[];
  universityId: string | undefined;
  universities: { id: string; name: string }[] | null;
  onClose: () => void;
  onSaved: (g: AccessGroup) => void;
}

/** A new or changed access group: doors by building, members by kind, department or name, hours with the school calendar. */
export function AccessGroupDrawer({ open, group, doors, universityId, universities, onClose, onSaved }: AccessGroupDrawerProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const { saving, problem, setProblem, requestClose, save } = useFormSave(form, onClose);
  const [departments, setDepartments] = useState<string[]>([]);
  const [people, setPeople] = useState<{ value: string; label: string }[]>([]);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      group
        ? { name: group.name, doorIds: group.doorIds, members: group.members, schedule: group.schedule ?? undefined, validFrom: group.validFrom, validUntil: group.validUntil, enabled: group.enabled }
        : { universityId, doorIds: [], members: { personIds: [], kinds: [], departments: [] }, schedule: structuredClone(DEFAULT_HOURS), enabled: true },
    );
    setPeople(group ? group.namedPeople.map((p) => ({ value: p.id, label: p.name })) : []);
    setProblem(null);
    peopleApi.departments(universityId).then(setDepartments, () => setDepartments([]));
  }, [open, group, form, universityId]);

  const doorOptions = useMemo(() => {
    const byBuilding = new Map<string, { value: string; label: string }[]>();
    for (const d of doors) {
      const b = d.buildingName ?? t('access.door.building');
      byBuilding.set(b, [...(byBuilding.get(b) ?? []), { value: d.doorId, label: d.buildingName ? `${d.buildingName} · ${d.name}` : d.name }]);
    }
    return [...byBuilding].sort(([a], [b]) => a.localeCompare(b, 'zh-CN')).map(([label, options]) => ({ label, title: label, options }));
  }, [doors, t]);

  const searchPeople = async (q: string) => {
    if (!q.trim()) return;
    const page = await peopleApi.list({ q: q.trim(), page: 1, pageSize: 20, sort: 'name', order: 'asc', universityId, status: ['active'] });
    setPeople((known) => {
      const merged = new Map(known.map((o) => [o.value, o]));
      for (const p of page.items) merged.set(p.id, { value: p.id, label: `${p.name}（${p.number}${p.department ? `，${p.department}` : ''}）` });
      return [...merged.values()];
    });
  };

  const submit = async () => {
    const v = form.getFieldsValue(true) as FormValues;
    const input: AccessGroupInput = {
      name: (v.name ?? '').trim(),
      doorIds: v.doorIds ?? [],
      members: { personIds: v.members?.personIds ?? [], kinds: v.members?.kinds ?? [], departments: v.members?.departments ?? [] },
      schedule: v.schedule ?? null,
      validFrom: v.validFrom ?? null,
      validUntil: v.validUntil ?? null,
      enabled: v.enabled !== false,
    };
    const saved = await save(() => (group ? accessApi.updateGroup(group.id, input) : accessApi.createGroup({ ...input, ...(universities ? { universityId: v.universityId } : {}) })), {
      saved: t('access.group.saved'),
      failed: t('access.group.saveFailed'),
      fieldOf: (f) => {
        const path = f.split('.');
        if (path[0] === 'members') return path[1] && path[1] !== 'personIds' ? ['members', path[1]] : ['members', 'personIds'];
        return TOP_FIELDS.includes(path[0]!) ? [path[0]!] : null;
      },
      reword: (details) => details.map((p) => accessProblem(p, t)),
    });
    if (saved) onSaved(saved);
  };

  return (
    <FormDrawer open={open} title={group ? t('access.group.edit') : t('access.group.create')} onClose={requestClose} onSave={() => void submit()} saving={saving} problem={problem} testId="access-group">
      <Form<FormValues> form={form} layout="vertical" onValuesChange={() => setProblem(null)} onFinish={() => void submit()}>
        {universities && !group && (
          <Form.Item name="universityId" label={t('access.group.university')} required>
            <Select showSearch optionFilterProp="label" placeholder={t('access.group.universityRequired')} options={universities.map((u) => ({ value: u.id, label: u.name }))} />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('access.group.name')} required>
          <Input maxLength={50} data-testid="access-group-name" />
        </Form.Item>
        <Form.Item name="doorIds" label={t('access.group.doors')} required>
          <Select mode="multiple" allowClear showSearch optionFilterProp="label" options={doorOptions} maxTagCount="responsive" data-testid="access-group-doors" />
        </Form.Item>
        <Form.Item label={t('access.group.members')} required extra={t('access.group.membersHint')} className="access-members">
          <Form.Item name={['members', 'kinds']} label={t('access.group.kinds')}>
            <Checkbox.Group options={PERSON_KINDS.map((k) => ({ value: k, label: t(`enum.personKind.${k}`) }))} data-testid="access-group-kinds" />
          </Form.Item>
          <Form.Item name={['members', 'departments']} label={t('access.group.departments')}>
            <Select mode="multiple" allowClear showSearch options={departments.map((d) => ({ value: d, label: d }))} data-testid="access-group-departments" />
          </Form.Item>
          <Form.Item name={['members', 'personIds']} label={t('access.group.people')}>
            <Select mode="multiple" allowClear showSearch filterOption={false} onSearch={(q) => void searchPeople(q)} placeholder={t('access.group.peopleSearch')} options={people} data-testid="access-group-people" />
          </Form.Item>
        </Form.Item>
        <ScheduleFields
          title={t('access.group.hours')}
          emptyText={t('access.group.anyTime')}
          defaultSchedule={DEFAULT_HOURS}
          holidayLabel={(v) => t(`access.holidays.${v}`)}
          vacationLabel={(v) => t(`access.vacations.${v}`)}
          testId="access-group"
        />
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="validFrom" label={t('access.group.validFrom')}>
              <DateInput />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="validUntil" label={t('access.group.validUntil')}>
              <DateInput />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="enabled" label={t('access.group.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}
