import { VideoCameraOutlined } from '@ant-design/icons';
import { Empty, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LinkedCamera } from '../../api/alarms.ts';

/** Cameras whose field of view covers the alarm, nearest first; a tile per camera until video lands. */
export function LinkedCameras({ cameras }: { cameras: LinkedCamera[] }) {
  const { t } = useTranslation();
  if (!cameras.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('alarms.cameras.none')} />;
  return (
    <div className="camera-grid" data-testid="linked-cameras">
      {cameras.map((c) => (
        <div key={c.id} className="camera-tile" data-testid="linked-camera">
          <div className="camera-video">
            <VideoCameraOutlined />
            <span>{t('alarms.cameras.placeholder')}</span>
          </div>
          <div className="camera-caption">
            <span className="camera-name" title={c.name}>
              {c.name}
            </span>
            <span>
              {c.ptz && <Tag>{t('alarms.cameras.ptz')}</Tag>}
              {t('alarms.distance', { m: Math.round(c.distanceM) })}
            </span>
          </div>
        </div>
      ))}
    </div>
  );
}
