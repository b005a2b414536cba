import { Col, Divider, Form, InputNumber, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { CAMERA_RESOLUTIONS, CAMERA_TYPES, PLACEMENTS } from '../../../shared/domain.ts';

/** Camera and plate-recognition camera fields: resolution, type, mounting and field of view. */
export function CameraFieldset() {
  const { t } = useTranslation();
  return (
    <>
      <Divider titlePlacement="start">{t('device.camera')}</Divider>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name={['camera', 'resolution']} label={t('device.resolution')} required>
            <Select options={CAMERA_RESOLUTIONS.map((r) => ({ value: r, label: t(`enum.cameraResolution.${r}`) }))} data-testid="device-camera-resolution" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['camera', 'type']} label={t('device.type')} required>
            <Select options={CAMERA_TYPES.map((v) => ({ value: v, label: t(`enum.cameraType.${v}`) }))} data-testid="device-camera-type" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['camera', 'placement']} label={t('device.placement')}>
            <Select allowClear options={PLACEMENTS.map((v) => ({ value: v, label: t(`enum.placement.${v}`) }))} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['camera', 'mountHeightM']} label={t('device.mountHeightM')}>
            <InputNumber className="full-width" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={['camera', 'bearingDeg']} label={t('device.bearingDeg')}>
            <InputNumber className="full-width" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={['camera', 'fovDeg']} label={t('device.fovDeg')}>
            <InputNumber className="full-width" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={['camera', 'rangeM']} label={t('device.rangeM')}>
            <InputNumber className="full-width" />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
