import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Col, Form, Input, Row, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ScheduleT } from '../../shared/alarms.ts';

/** HH:MM, 00:00–23:59 (a start, a deadline). */
export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const HHMM_24 = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/**
 * Weekly periods with the school calendar (holidays, vacations) as form fields under `schedule`,
 * with a switch for "no schedule" (always): a rule's arming, an access group's hours. The words
 * for holidays and vacations are the caller's (布防/撤防 for a rule, 可通行/禁止 for a door).
 * Test ids: `${testId}-schedule-toggle`, `${testId}-period`, `${testId}-holidays`.
 */
export function ScheduleFields(p: {
  title: string;
  emptyText: string;
  defaultSchedule: ScheduleT;
  holidayLabel: (v: ScheduleT['holidays']) => string;
  vacationLabel: (v: ScheduleT['vacations']) => string;
  testId: string;
}) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const schedule = Form.useWatch('schedule', { form, preserve: true }) as unknown;
  return (
    <>
      <Typography.Title level={5}>
        <Space>
          {p.title}
          <Switch
            size="small"
            checked={!!schedule}
            onChange={(on) => form.setFieldValue('schedule', on ? structuredClone(p.defaultSchedule) : undefined)}
            data-testid={`${p.testId}-schedule-toggle`}
          />
        </Space>
      </Typography.Title>
      {!schedule ? (
        <Typography.Paragraph type="secondary">{p.emptyText}</Typography.Paragraph>
      ) : (
        <>
          <Form.List name={['schedule', 'periods']}>
            {(fields, { add, remove }) => (
              <div className="schedule-periods">
                {fields.map((field) => (
                  <Space key={field.key} align="start" wrap className="schedule-period" data-testid={`${p.testId}-period`}>
                    <Form.Item name={[field.name, 'days']} label={t('rules.form.weekdays')}>
                      <Checkbox.Group options={WEEKDAYS.map((d) => ({ value: d, label: t(`rules.weekday.${d}`) }))} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'from']} label={t('rules.form.from')} rules={[{ pattern: HHMM, message: t('rules.form.hhmm') }]}>
                      <Input className="schedule-time" placeholder="07:00" />
                    </Form.Item>
                    <Form.Item name={[field.name, 'to']} label={t('rules.form.to')} rules={[{ pattern: HHMM_24, message: t('rules.form.hhmm') }]} tooltip={t('rules.form.overnight')}>
                      <Input className="schedule-time" placeholder="22:00" />
                    </Form.Item>
                    <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('common.delete')} className="schedule-period-remove" />
                  </Space>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add(structuredClone(p.defaultSchedule.periods[0]))}>
                  {t('rules.form.addPeriod')}
                </Button>
              </div>
            )}
          </Form.List>
          <Row gutter={16} className="schedule-calendar-behaviour">
            <Col span={12}>
              <Form.Item name={['schedule', 'holidays']} label={t('rules.form.holidays')}>
                <Select options={(['armed', 'disarmed', 'as_sunday'] as const).map((v) => ({ value: v, label: p.holidayLabel(v) }))} data-testid={`${p.testId}-holidays`} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['schedule', 'vacations']} label={t('rules.form.vacations')}>
                <Select options={(['armed', 'as_scheduled'] as const).map((v) => ({ value: v, label: p.vacationLabel(v) }))} />
              </Form.Item>
            </Col>
          </Row>
        </>
      )}
    </>
  );
}
