import { DesktopOutlined } from '@ant-design/icons';
import { App, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CAMERA_KINDS } from '../../../shared/domain.ts';
import type { Device } from '../../api/types.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { LiveVideo } from './LiveVideo.tsx';
import { PtzPad } from './PtzPad.tsx';
import { RecordingsPanel } from './RecordingsPanel.tsx';
import { sendToWall } from './wall-storage.ts';

/** A camera's live video at the top of its drawer (ledger and map), for those who may watch. */
export function CameraLivePanel({ device }: { device: Pick<Device, 'id' | 'kind' | 'gbId' | 'camera'> }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  if (!CAMERA_KINDS.includes(device.kind) || !can('video.view')) return null;
  const toWall = () => {
    sendToWall(device.id);
    void message.success(
      <Space>
        {t('video.wall.sent')}
        <Link to="/video">{t('video.wall.open')}</Link>
      </Space>,
    );
  };
  return (
    <section className="camera-live-panel" aria-label={t('video.title')}>
      <LiveVideo deviceId={device.id} />
      <Space className="camera-live-actions">
        <Button size="small" icon={<DesktopOutlined />} onClick={toWall} title={t('video.wall.sendHint')} data-testid="send-to-wall">
          {t('video.wall.send')}
        </Button>
      </Space>
      {device.camera?.type === 'ptz' && device.gbId && can('video.control') && <PtzPad deviceId={device.id} />}
      <div className="section-gap" />
      <RecordingsPanel deviceId={device.id} viaGb28181={!!device.gbId} />
      <div className="section-gap" />
    </section>
  );
}
