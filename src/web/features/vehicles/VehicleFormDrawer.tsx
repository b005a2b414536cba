import { Alert, DatePicker, Form, Input, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { VEHICLE_LISTS, type VehicleInput, type VehicleList } from '../../../shared/vehicles.ts';
import { vehiclesApi, type Vehicle } from '../../api/vehicles.ts';
import { FormDrawer, useFormSave } from '../../components/FormDrawer.tsx';
import { beijingInputToIso, hoursText, isoToBeijingInput, vehicleProblems } from './vehicle-format.ts';

interface FormValues {
  universityId?: string;
  plate: string;
  list: VehicleList;
  ownerName: string;
  ownerPhone?: string;
  ownerDepartment?: string;
  validFrom?: Dayjs | null;
  validUntil?: Dayjs | null;
  note?: string;
}

const FIELDS = ['universityId', 'plate', 'list', 'ownerName', 'ownerPhone', 'ownerDepartment', 'validFrom', 'validUntil', 'note'];
const PICKER_FORMAT = 'YYYY-MM-DD HH:mm';
/** The picker shows Beijing wall-clock time whatever the browser's zone. */
const toPicker = (iso: string | null) => (iso ? dayjs(isoToBeijingInput(iso)) : null);
const fromPicker = (d: Dayjs | null | undefined) => (d ? beijingInputToIso(d.format(PICKER_FORMAT)) : null);

export interface VehicleFormDrawerProps {
  open: boolean;
  vehicle: Vehicle | null;
  /** City-wide accounts choose the university of a new entry; null for accounts of one university. */
  universities: { id: string; name: string }[] | null;
  defaultUniversityId?: string;
  onClose: () => void;
  onSaved: (v: Vehicle) => void;
}

/**
 * A new or changed vehicle entry. Hours are not edited here: a new contractor gets the server's
 * default (weekdays 18–22, not on holidays) and an edited entry keeps its hours while its list is
 * unchanged. The phone is only ever known masked, so on edit an empty phone keeps the stored one.
 */
export function VehicleFormDrawer({ open, vehicle, universities, defaultUniversityId, onClose, onSaved }: VehicleFormDrawerProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const { saving, problem, setProblem, requestClose, save } = useFormSave(form, onClose);
  const list = Form.useWatch('list', form) as VehicleList | undefined;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      vehicle
        ? {
            plate: vehicle.plate,
            list: vehicle.list,
            ownerName: vehicle.ownerName,
            ownerDepartment: vehicle.ownerDepartment ?? undefined,
            validFrom: toPicker(vehicle.validFrom),
            validUntil: toPicker(vehicle.validUntil),
            note: vehicle.note ?? undefined,
          }
        : { list: 'staff', universityId: defaultUniversityId ?? (universities?.length === 1 ? universities[0]!.id : undefined) },
    );
    setProblem(null);
  }, [open, vehicle, form, universities, defaultUniversityId]);

  const submit = async () => {
    const v = form.getFieldsValue(true) as FormValues;
    const input: VehicleInput = {
      plate: (v.plate ?? '').trim(),
      list: v.list,
      ownerName: v.ownerName ?? '',
      ownerDepartment: v.ownerDepartment?.trim() || null,
      validFrom: fromPicker(v.validFrom),
      validUntil: fromPicker(v.validUntil),
      note: v.note?.trim() || null,
      // Left empty on edit = keep the stored number (the console only knows the masked one).
      ...(v.ownerPhone?.trim() ? { ownerPhone: v.ownerPhone.trim() } : vehicle ? {} : { ownerPhone: null }),
      // Same list: keep the entry's hours; a changed list takes that list's default from the server.
      ...(vehicle && vehicle.list === v.list ? { schedule: vehicle.schedule } : {}),
    };
    const saved = await save(() => (vehicle ? vehiclesApi.update(vehicle.id, input) : vehiclesApi.create({ ...input, ...(universities ? { universityId: v.universityId } : {}) })), {
      saved: t('vehicles.saved'),
      failed: t('vehicles.saveFailed'),
      fieldOf: (f) => (FIELDS.includes(f) ? [f] : null),
      reword: (details) => vehicleProblems(details, t),
    });
    if (saved) onSaved(saved);
  };

  const hoursNote = vehicle && vehicle.list === list ? t('vehicles.hoursKept', { hours: hoursText(vehicle.schedule, t) }) : t('vehicles.hoursDefault');

  return (
    <FormDrawer open={open} title={vehicle ? t('vehicles.editTitle') : t('vehicles.createTitle')} onClose={requestClose} onSave={() => void submit()} saving={saving} problem={problem} testId="vehicle">
      <Form<FormValues> form={form} layout="vertical" onValuesChange={(changed) => form.setFields(Object.keys(changed).map((name) => ({ name: name as keyof FormValues, errors: [] })))} onFinish={() => void submit()}>
        {universities && !vehicle && (
          <Form.Item name="universityId" label={t('vehicles.university')} required>
            <Select showSearch optionFilterProp="label" placeholder={t('vehicles.universityRequired')} options={universities.map((u) => ({ value: u.id, label: u.name }))} data-testid="vehicle-university" />
          </Form.Item>
        )}
        <Form.Item name="plate" label={t('vehicles.plate')} required extra={t('vehicles.plateHint')}>
          <Input maxLength={16} autoComplete="off" data-testid="vehicle-plate" />
        </Form.Item>
        <Form.Item name="list" label={t('vehicles.listLabel')} required>
          <Select options={VEHICLE_LISTS.map((l) => ({ value: l, label: t(`vehicles.list.${l}`) }))} data-testid="vehicle-list" />
        </Form.Item>
        <Form.Item name="ownerName" label={t('vehicles.owner')} required>
          <Input maxLength={40} data-testid="vehicle-owner" />
        </Form.Item>
        <Form.Item name="ownerPhone" label={t('vehicles.ownerPhone')} extra={vehicle?.ownerPhone ? t('vehicles.keepMasked', { value: vehicle.ownerPhone }) : t('vehicles.phoneHint')}>
          <Input maxLength={11} autoComplete="off" data-testid="vehicle-phone" />
        </Form.Item>
        <Form.Item name="ownerDepartment" label={t('vehicles.department')}>
          <Input maxLength={60} />
        </Form.Item>
        {list === 'guest' && <Alert className="form-alert" type="info" showIcon title={t('vehicles.guestHint')} />}
        <div className="vehicle-form-validity">
          <Form.Item name="validFrom" label={t('vehicles.validFrom')}>
            <DatePicker showTime={{ format: 'HH:mm' }} format={PICKER_FORMAT} data-testid="vehicle-valid-from" />
          </Form.Item>
          <Form.Item name="validUntil" label={t('vehicles.validUntil')} required={list === 'guest'}>
            <DatePicker showTime={{ format: 'HH:mm' }} format={PICKER_FORMAT} data-testid="vehicle-valid-until" />
          </Form.Item>
        </div>
        {list !== 'banned' && (
          <Form.Item label={t('vehicles.hoursLabel')}>
            <Typography.Text type="secondary" data-testid="vehicle-hours-note">
              {hoursNote}
            </Typography.Text>
          </Form.Item>
        )}
        <Form.Item name="note" label={t('vehicles.note')}>
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={200} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}
