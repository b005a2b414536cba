import { DownOutlined, LeftOutlined, RightOutlined, UpOutlined, ZoomInOutlined, ZoomOutOutlined } from '@ant-design/icons';
import { App, Button, InputNumber, Space, Tooltip } from 'antd';
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PtzInput } from '../../../shared/gb28181.ts';
import { gbApi } from '../../api/gb28181.ts';
import { errorMessage } from '../../components/errors.ts';
import './video.css';

type Move = Pick<PtzInput, 'pan' | 'tilt' | 'zoom'>;

/**
 * 云台控制 of a PTZ camera: hold an arrow or a zoom button to move (released, it stops), or call a
 * preset. Commands go over GB/T 28181 to the camera through its recorder.
 */
export function PtzPad({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [preset, setPreset] = useState<number | null>(1);
  const moving = useRef(false);
  const send = (input: PtzInput) => gbApi.ptz(deviceId, input).catch((err: unknown) => void message.error(errorMessage(err)));
  const start = (move: Move) => {
    moving.current = true;
    void send({ action: 'move', ...move });
  };
  const stop = () => {
    if (!moving.current) return;
    moving.current = false;
    void send({ action: 'stop' });
  };
  const hold = (label: string, icon: ReactNode, move: Move, testId: string) => (
    <Tooltip title={label}>
      <Button size="small" icon={icon} aria-label={label} data-testid={testId} onPointerDown={() => start(move)} onPointerUp={stop} onPointerLeave={stop} />
    </Tooltip>
  );
  return (
    <div className="ptz-pad" data-testid="ptz-pad">
      <div className="ptz-arrows">
        <span />
        {hold(t('video.ptz.up'), <UpOutlined />, { tilt: 1 }, 'ptz-up')}
        <span />
        {hold(t('video.ptz.left'), <LeftOutlined />, { pan: -1 }, 'ptz-left')}
        <span />
        {hold(t('video.ptz.right'), <RightOutlined />, { pan: 1 }, 'ptz-right')}
        <span />
        {hold(t('video.ptz.down'), <DownOutlined />, { tilt: -1 }, 'ptz-down')}
        <span />
      </div>
      <Space direction="vertical" size={4}>
        <Space size={4}>
          {hold(t('video.ptz.zoomIn'), <ZoomInOutlined />, { zoom: 1 }, 'ptz-zoom-in')}
          {hold(t('video.ptz.zoomOut'), <ZoomOutOutlined />, { zoom: -1 }, 'ptz-zoom-out')}
        </Space>
        <Space.Compact size="small">
          <InputNumber size="small" min={1} max={255} value={preset} onChange={setPreset} style={{ width: 64 }} aria-label={t('video.ptz.preset')} data-testid="ptz-preset" />
          <Button size="small" disabled={preset === null} onClick={() => preset !== null && void send({ action: 'goto_preset', preset }).then((ok) => ok && message.success(t('video.ptz.presetCalled', { n: preset })))} data-testid="ptz-goto">
            {t('video.ptz.goto')}
          </Button>
        </Space.Compact>
      </Space>
    </div>
  );
}
