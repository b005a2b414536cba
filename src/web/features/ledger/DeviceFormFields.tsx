import { Col, Form, Input, InputNumber, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { CAMERA_KINDS, DEVICE_KINDS, DEVICE_STATUSES, type DeviceKind } from '../../../shared/domain.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { CameraFieldset } from './CameraFieldset.tsx';
import { RETENTION_KINDS } from './device-form.ts';
import { LocationSelect } from './LocationSelect.tsx';

/**
 * The ledger fields. No client-side rules: the server validates and its field-level answers
 * are shown on these fields (one set of rules, the same for the form and the Excel import).
 */
export function DeviceFormFields() {
  const { t } = useTranslation();
  const kind = Form.useWatch<DeviceKind | undefined>('kind');
  return (
    <>
      <Row gutter={16}>
        <Col span={24}>
          <Form.Item name="name" label={t('device.name')} required>
            <Input data-testid="device-name" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="kind" label={t('device.kind')} required>
            <Select showSearch={{ optionFilterProp: 'label' }} options={DEVICE_KINDS.map((k) => ({ value: k, label: t(`enum.deviceKind.${k}`) }))} data-testid="device-kind" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="status" label={t('device.status')}>
            <Select options={DEVICE_STATUSES.map((s) => ({ value: s, label: t(`enum.deviceStatus.${s}`) }))} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="location" label={t('device.location')} required>
            <LocationSelect />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="lon" label={t('device.lon')}>
            <InputNumber className="full-width" step={0.0001} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="lat" label={t('device.lat')}>
            <InputNumber className="full-width" step={0.0001} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="vendor" label={t('device.vendor')}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="model" label={t('device.model')}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="serial" label={t('device.serial')}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="ip" label={t('device.ip')}>
            <Input data-testid="device-ip" />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="gbId" label={t('device.gbId')}>
            <Input maxLength={20} data-testid="device-gbid" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="installDate" label={t('device.installDate')}>
            <DateInput />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="warrantyEnd" label={t('device.warrantyEnd')}>
            <DateInput />
          </Form.Item>
        </Col>
        {kind && RETENTION_KINDS.includes(kind) && (
          <Col span={12}>
            <Form.Item name="retentionDays" label={t('device.retentionDays')}>
              <InputNumber className="full-width" precision={0} />
            </Form.Item>
          </Col>
        )}
      </Row>
      {kind && CAMERA_KINDS.includes(kind) && <CameraFieldset />}
      <Form.Item name="notes" label={t('device.notes')}>
        <Input.TextArea rows={3} />
      </Form.Item>
    </>
  );
}
