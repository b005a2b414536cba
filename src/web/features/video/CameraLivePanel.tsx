import { useTranslation } from 'react-i18next';
import { CAMERA_KINDS } from '../../../shared/domain.ts';
import type { Device } from '../../api/types.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { LiveVideo } from './LiveVideo.tsx';
import { PtzPad } from './PtzPad.tsx';
import { RecordingsPanel } from './RecordingsPanel.tsx';

/** A camera's live video at the top of its drawer (ledger and map), for those who may watch. */
export function CameraLivePanel({ device }: { device: Pick<Device, 'id' | 'kind' | 'gbId' | 'camera'> }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  if (!CAMERA_KINDS.includes(device.kind) || !can('video.view')) return null;
  return (
    <section className="camera-live-panel" aria-label={t('video.title')}>
      <LiveVideo deviceId={device.id} />
      {device.camera?.type === 'ptz' && device.gbId && can('video.control') && <PtzPad deviceId={device.id} />}
      <div className="section-gap" />
      <RecordingsPanel deviceId={device.id} viaGb28181={!!device.gbId} />
      <div className="section-gap" />
    </section>
  );
}
