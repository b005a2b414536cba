import { ReloadOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { Button, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LivePlayer, type LivePlayerState } from './live-player.ts';
import './video.css';

/** Refusals that another try will not change (no right, no such camera, not a camera). */
const FINAL_ERRORS = new Set(['XIAOAN_AUTH_FORBIDDEN', 'XIAOAN_AUTH_REQUIRED', 'XIAOAN_NOT_FOUND']);

/** Seconds before reconnecting after the n-th failure in a row: 3, 6, 12, 24, then 30. */
export const reconnectDelayS = (failures: number) => Math.min(30, 3 * 2 ** Math.max(0, failures - 1));

/**
 * Live video of one camera in a 16:9 tile, with its state in words while there is no picture. A
 * stream that ends or fails is reconnected by itself with growing pauses (断线重连), as a wall
 * left running overnight must recover without anyone clicking.
 */
export function LiveVideo({ deviceId, label, playback }: { deviceId: string; label?: string; playback?: { from: string; to: string } }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<LivePlayerState>({ kind: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const [failures, setFailures] = useState(0);
  // This browser cannot decode the camera's codec (H.265 without a hardware decoder): ask the server for H.264.
  const [transcode, setTranscode] = useState(false);

  useEffect(() => {
    if (!video.current) return;
    const player = new LivePlayer(video.current, deviceId, (next) => {
      setState(next);
      if (next.kind === 'unsupported' && !transcode) setTranscode(true);
      if (next.kind === 'playing') setFailures(0);
      else if (next.kind === 'ended' || (next.kind === 'error' && !FINAL_ERRORS.has(next.code))) setFailures((f) => f + 1);
    }, transcode, playback);
    return () => player.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the span by value
  }, [deviceId, attempt, transcode, playback?.from, playback?.to]);

  // A playback that reached the end of its recording is done, not broken.
  const finished = state.kind === 'ended' && state.code === 'playback_ended';
  const retrying = !finished && (state.kind === 'ended' || (state.kind === 'error' && !FINAL_ERRORS.has(state.code))) && failures > 0;
  useEffect(() => {
    if (!retrying) return;
    const timer = setTimeout(() => setAttempt((a) => a + 1), reconnectDelayS(failures) * 1000);
    return () => clearTimeout(timer);
  }, [retrying, failures]);

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
            {retrying && <span className="live-video-retry">{t('video.reconnectIn', { s: reconnectDelayS(failures) })}</span>}
            <Button size="small" icon={<ReloadOutlined />} onClick={() => setAttempt((a) => a + 1)}>
              {t('video.retry')}
            </Button>
          </>
        );
    }
  })();

  return (
    <div className="live-video" data-testid="live-video" data-device-id={deviceId} data-state={state.kind} data-first-frame-ms={state.kind === 'playing' ? state.firstFrameMs : undefined} data-timings={state.kind === 'playing' ? JSON.stringify(state.timings) : undefined}>
      <video ref={video} muted autoPlay playsInline />
      {overlay && <div className="live-video-overlay">{overlay}</div>}
      {state.kind === 'playing' && (
        <div className="live-video-badge" title={`${state.codec} · ${t('video.firstFrame', { ms: state.firstFrameMs })}${state.transcoded ? ` · ${t('video.transcodedHint')}` : ''}`}>
          {playback ? t('video.recorder.badge') : t('video.live')} {state.width}×{state.height}
          {state.transcoded && <span className="live-video-transcoded"> · {t('video.transcoded')}</span>}
        </div>
      )}
      {label && <div className="live-video-label">{label}</div>}
    </div>
  );
}
