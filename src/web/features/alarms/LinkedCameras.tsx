import { AimOutlined, PlayCircleOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { Button, Empty, Popover, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LinkedCamera } from '../../api/alarms.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { LiveVideo } from '../video/LiveVideo.tsx';
import { PtzPad } from '../video/PtzPad.tsx';

/** The nearest cameras play at once when the alarm opens (S-LINK-4S); the others on a click. */
const PLAY_AT_ONCE = 4;

/** Cameras whose field of view covers the alarm, nearest first, each with its live video. */
export function LinkedCameras({ cameras }: { cameras: LinkedCamera[] }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [started, setStarted] = useState<ReadonlySet<string>>(new Set());
  if (!cameras.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('alarms.cameras.none')} />;
  const mayWatch = can('video.view');
  return (
    <div className="camera-grid" data-testid="linked-cameras">
      {cameras.map((c, i) => (
        <div key={c.id} className="camera-tile" data-testid="linked-camera">
          {mayWatch && (i < PLAY_AT_ONCE || started.has(c.id)) ? (
            <LiveVideo deviceId={c.id} />
          ) : (
            <div className="camera-video">
              <VideoCameraOutlined />
              {mayWatch ? (
                <Button size="small" icon={<PlayCircleOutlined />} onClick={() => setStarted(new Set([...started, c.id]))}>
                  {t('video.play')}
                </Button>
              ) : (
                <span>{t('video.notAllowed')}</span>
              )}
            </div>
          )}
          <div className="camera-caption">
            <span className="camera-name" title={c.name}>
              {c.name}
            </span>
            <span>
              {c.ptz && can('video.control') ? (
                <Popover trigger="click" title={`${c.name} · ${t('video.ptz.title')}`} content={<PtzPad deviceId={c.id} />}>
                  <Tag className="ptz-tag" icon={<AimOutlined />} data-testid="linked-camera-ptz">
                    {t('video.ptz.open')}
                  </Tag>
                </Popover>
              ) : (
                c.ptz && <Tag>{t('alarms.cameras.ptz')}</Tag>
              )}
              {t('alarms.distance', { m: Math.round(c.distanceM) })}
            </span>
          </div>
        </div>
      ))}
    </div>
  );
}
