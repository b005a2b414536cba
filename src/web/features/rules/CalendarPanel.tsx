import { App, Button, Calendar, DatePicker, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CALENDAR_DAY_KINDS, type CalendarDay, type CalendarDayKind } from '../../../shared/calendar.ts';
import { calendarApi } from '../../api/rules.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { useApi } from '../../components/useApi.ts';
import { datesBetween } from './rule-form.ts';

export const DAY_KIND_COLORS: Record<CalendarDayKind, string> = { holiday: 'red', workday: 'blue', vacation: 'green' };

interface Editing {
  /** One day, or a span (a vacation, a holiday week). */
  from: Dayjs;
  to: Dayjs;
  existing: CalendarDay | undefined;
}

/**
 * 校历: public holidays, makeup workdays (调休) and vacations, month by month. A click on a day
 * marks or unmarks it; a span is marked in one go. Arming schedules follow at once.
 */
export function CalendarPanel({ universityId, canWrite, needsUniversity }: { universityId?: string; canWrite: boolean; needsUniversity: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [value, setValue] = useState(() => dayjs());
  const month = value.startOf('month');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<{ kind: CalendarDayKind; name?: string; span: [Dayjs, Dayjs] }>();
  // The visible grid spans six weeks around the month.
  const from = month.startOf('month').subtract(7, 'day').format('YYYY-MM-DD');
  const to = month.endOf('month').add(14, 'day').format('YYYY-MM-DD');
  const { data, error, reload } = useApi((signal) => (needsUniversity ? Promise.resolve([]) : calendarApi.list({ from, to, universityId }, signal)), [from, to, universityId, needsUniversity]);
  const byDate = useMemo(() => new Map((data ?? []).map((d) => [d.date, d])), [data]);

  const open = (date: Dayjs) => {
    if (!canWrite || needsUniversity) return;
    const existing = byDate.get(date.format('YYYY-MM-DD'));
    setEditing({ from: date, to: date, existing });
    form.setFieldsValue({ kind: existing?.kind ?? 'holiday', name: existing?.name ?? undefined, span: [date, date] });
  };

  /** One calendar write: saving state, a success toast, the dialog closed and the month reloaded. */
  const write = async (call: () => Promise<unknown>, savedKey: 'rules.calendar.saved' | 'rules.calendar.cleared') => {
    setSaving(true);
    try {
      await call();
      void message.success(t(savedKey));
      setEditing(null);
      reload();
    } catch (err) {
      void message.error(t('validation.fieldProblem', { field: errorTitle(err), message: errorMessage(err) }));
    } finally {
      setSaving(false);
    }
  };

  const save = async () => {
    const v = await form.validateFields();
    const [a, b] = v.span;
    await write(
      () =>
        a.isSame(b, 'day')
          ? calendarApi.mark(a.format('YYYY-MM-DD'), { kind: v.kind, name: v.name || null, universityId })
          : calendarApi.importDays({ universityId, days: datesBetween(a.format('YYYY-MM-DD'), b.format('YYYY-MM-DD')).map((date) => ({ date, kind: v.kind, name: v.name || null })) }),
      'rules.calendar.saved',
    );
  };

  const unmark = async () => {
    const existing = editing?.existing;
    if (existing) await write(() => calendarApi.unmark(existing.date, universityId), 'rules.calendar.cleared');
  };

  return (
    <div className="rules-calendar" data-testid="rules-calendar">
      <Space className="rules-calendar-legend" wrap>
        {CALENDAR_DAY_KINDS.map((k) => (
          <Tag key={k} color={DAY_KIND_COLORS[k]}>
            {t(`rules.calendar.kind.${k}`)}
          </Tag>
        ))}
        <Typography.Text type="secondary">{canWrite ? t('rules.calendar.hint') : t('rules.calendar.readOnly')}</Typography.Text>
        {canWrite && !needsUniversity && (
          <Button size="small" onClick={() => open(dayjs())} data-testid="calendar-mark-span">
            {t('rules.calendar.markSpan')}
          </Button>
        )}
      </Space>
      {needsUniversity && <Typography.Paragraph type="warning">{t('rules.pickUniversity')}</Typography.Paragraph>}
      {error && <ErrorAlert error={error} onRetry={reload} />}
      <Calendar
        value={value}
        onPanelChange={(d) => setValue(d)}
        onSelect={(d, info) => {
          setValue(d);
          if (info.source === 'date') open(d);
        }}
        cellRender={(d, info) => {
          if (info.type !== 'date') return info.originNode;
          const day = byDate.get(d.format('YYYY-MM-DD'));
          if (!day) return null;
          return (
            <Tag color={DAY_KIND_COLORS[day.kind]} className="calendar-day-tag" data-testid="calendar-day" data-date={day.date} data-kind={day.kind}>
              {day.name || t(`rules.calendar.kind.${day.kind}`)}
            </Tag>
          );
        }}
      />
      <Modal
        open={!!editing}
        title={editing ? t('rules.calendar.editTitle', { date: editing.from.format('YYYY-MM-DD') }) : ''}
        onCancel={() => setEditing(null)}
        destroyOnHidden
        footer={
          <Space>
            {editing?.existing && (
              <Button danger loading={saving} onClick={() => void unmark()} data-testid="calendar-clear">
                {t('rules.calendar.clear')}
              </Button>
            )}
            <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
            <Button type="primary" loading={saving} onClick={() => void save()} data-testid="calendar-save">
              {t('common.save')}
            </Button>
          </Space>
        }
      >
        <Form form={form} layout="vertical" data-testid="calendar-form">
          <Form.Item name="kind" label={t('rules.calendar.kindLabel')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select options={CALENDAR_DAY_KINDS.map((k) => ({ value: k, label: t(`rules.calendar.kind.${k}`) }))} data-testid="calendar-kind" />
          </Form.Item>
          <Form.Item name="name" label={t('rules.calendar.name')}>
            <Input maxLength={50} placeholder={t('rules.calendar.namePlaceholder')} data-testid="calendar-name" />
          </Form.Item>
          <Form.Item name="span" label={t('rules.calendar.span')} extra={t('rules.calendar.spanHint')} rules={[{ required: true, message: t('validation.required') }]}>
            <DatePicker.RangePicker allowClear={false} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
