import { ReloadOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { Button, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LivePlayer, type LivePlayerState } from './live-player.ts';
import './video.css';

/** Live video of one camera in a 16:9 tile, with its state in words while there is no picture. */
export function LiveVideo({ deviceId, label }: { deviceId: string; label?: string }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<LivePlayerState>({ kind: 'connecting' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!video.current) return;
    const player = new LivePlayer(video.current, deviceId, setState);
    return () => player.close();
  }, [deviceId, attempt]);

  const overlay = (() => {
    switch (state.kind) {
      case 'connecting':
      case 'starting':
        return (
          <>
            <Spin size="small" />
            <span>{state.kind === 'starting' ? t(`video.starting.${state.source}`) : t('video.connecting')}</span>
          </>
        );
      case 'playing':
        return null;
      case 'unsupported':
        return <span>{t('video.unsupported', { codec: state.codec })}</span>;
      case 'ended':
      case 'error':
        return (
          <>
            <VideoCameraOutlined />
            <span className="live-video-reason" title={state.kind === 'ended' ? state.reason : state.message}>{state.kind === 'ended' ? t(`video.endedBecause.${state.code}`) : t(`error.${state.code}`, { defaultValue: state.message })}</span>
            <Button size="small" icon={<ReloadOutlined />} onClick={() => setAttempt((a) => a + 1)}>
              {t('video.retry')}
            </Button>
          </>
        );
    }
  })();

  return (
    <div className="live-video" data-testid="live-video" data-device-id={deviceId} data-state={state.kind}>
      <video ref={video} muted autoPlay playsInline />
      {overlay && <div className="live-video-overlay">{overlay}</div>}
      {state.kind === 'playing' && (
        <div className="live-video-badge" title={`${state.codec} · ${t('video.firstFrame', { ms: state.firstFrameMs })}`}>
          {t('video.live')} {state.width}×{state.height}
        </div>
      )}
      {label && <div className="live-video-label">{label}</div>}
    </div>
  );
}
