import { CaretRightOutlined, PauseOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { Button, Segmented, Slider, Space, Spin, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { beijingDateTime } from '../../../shared/beijing-time.ts';
import type { RecordingSegment } from '../../../shared/recordings.ts';
import type { LinkedCamera } from '../../api/alarms.ts';
import { recordingsApi } from '../../api/media.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import './video.css';

const SPEEDS = [0.5, 1, 2, 4] as const;
/** Cameras played together (the nearest ones; the same number that play live at once). */
const MAX_CAMERAS = 4;
/** The shared clock advances in steps this long; a picture further off than DRIFT_S is sought back. */
const TICK_MS = 250;
const DRIFT_S = 0.6;
/** Playback starts this long before the alarm. */
const LEAD_MS = 10_000;
/** While the window reaches into the last minutes, the lists are read again (segments are indexed as they close). */
const RECENT_RELOAD_MS = 30_000;

const time = (ms: number) => beijingDateTime(ms).slice(11);

/**
 * 联动录像同步回放: an alarm's cameras played side by side on one clock around the alarm's time.
 * Play, pause, seek and speed act on every picture at once; a camera without recording at that
 * moment says so while the others go on.
 */
export function SyncPlayback({ cameras, alarmAt, beforeS = 30, afterS = 120 }: { cameras: LinkedCamera[]; alarmAt: string; beforeS?: number; afterS?: number }) {
  const { t } = useTranslation();
  const shown = cameras.slice(0, MAX_CAMERAS);
  const alarmMs = Date.parse(alarmAt);
  const fromMs = alarmMs - beforeS * 1000;
  const [nowMs, setNowMs] = useState(() => Date.now());
  const toMs = Math.min(nowMs, alarmMs + afterS * 1000);
  const recent = alarmMs + afterS * 1000 > nowMs;
  const ids = shown.map((c) => c.id).join();
  const lists = useApi(
    () => Promise.all(shown.map((c) => recordingsApi.segments(c.id, new Date(fromMs).toISOString(), new Date(toMs).toISOString()).then((r) => r.items))),
    [ids, fromMs, toMs],
  );
  useEffect(() => {
    if (!recent) return;
    const timer = setInterval(() => setNowMs(Date.now()), RECENT_RELOAD_MS);
    return () => clearInterval(timer);
  }, [recent]);

  const [atMs, setAtMs] = useState(() => Math.max(fromMs, alarmMs - LEAD_MS));
  const [playing, setPlaying] = useState(true);
  const [speed, setSpeed] = useState<number>(1);
  // The shared clock: while playing it advances by the time passed × speed, up to the window's end.
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const step = (now - last) * speed;
      last = now;
      setAtMs((at) => {
        if (at + step < toMs) return at + step;
        setPlaying(false);
        return toMs;
      });
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [playing, speed, toMs]);

  if (!shown.length) return null;
  return (
    <div className="sync-playback" data-testid="sync-playback">
      {lists.error && <ErrorAlert error={lists.error} title={t('video.playback.loadFailed')} onRetry={lists.reload} />}
      {!lists.data && !lists.error && <Spin />}
      {lists.data && (
        <div className="camera-grid">
          {shown.map((c, i) => (
            <div key={c.id} className="camera-tile">
              <SyncTile segments={lists.data?.[i] ?? []} atMs={atMs} playing={playing} speed={speed} />
              <div className="camera-caption">
                <span className="camera-name" title={c.name}>
                  {c.name}
                </span>
              </div>
            </div>
          ))}
        </div>
      )}
      <Slider
        className="sync-slider"
        min={fromMs}
        max={Math.max(toMs, fromMs + 1000)}
        step={1000}
        value={atMs}
        marks={{ [alarmMs]: { label: t('video.sync.alarm'), style: { color: '#cf1322' } } }}
        tooltip={{ formatter: (v) => (v === undefined ? '' : time(v)) }}
        onChange={(v) => setAtMs(v)}
        data-testid="sync-slider"
      />
      <Space wrap className="recordings-controls">
        <Button size="small" icon={playing ? <PauseOutlined /> : <CaretRightOutlined />} onClick={() => setPlaying(!playing)} data-testid="sync-play">
          {playing ? t('video.sync.pause') : t('video.sync.play')}
        </Button>
        <Button size="small" onClick={() => (setAtMs(Math.max(fromMs, alarmMs - LEAD_MS)), setPlaying(true))}>
          {t('video.sync.toAlarm')}
        </Button>
        <Segmented<number> size="small" value={speed} onChange={setSpeed} options={SPEEDS.map((s) => ({ value: s, label: `${s}×` }))} />
        <Typography.Text data-testid="sync-time">{time(atMs)}</Typography.Text>
        {cameras.length > shown.length && <Typography.Text type="secondary">{t('video.sync.more', { count: cameras.length - shown.length })}</Typography.Text>}
      </Space>
      {recent && <Typography.Paragraph type="secondary" className="sync-hint">{t('video.sync.recentHint')}</Typography.Paragraph>}
    </div>
  );
}

/** One camera of the synchronized playback: the segment holding the shared clock's moment, kept within DRIFT_S of it. */
function SyncTile({ segments, atMs, playing, speed }: { segments: RecordingSegment[]; atMs: number; playing: boolean; speed: number }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const latest = useRef({ atMs, playing, speed });
  latest.current = { atMs, playing, speed };
  const segment = segments.find((s) => Date.parse(s.startAt) <= atMs && atMs < Date.parse(s.endAt));

  const follow = () => {
    const v = video.current;
    if (!v || !segment || v.readyState < 1) return;
    const { atMs: at, playing: go, speed: rate } = latest.current;
    const want = (at - Date.parse(segment.startAt)) / 1000;
    if (Math.abs(v.currentTime - want) > DRIFT_S * Math.max(1, rate)) v.currentTime = want;
    if (v.playbackRate !== rate) v.playbackRate = rate;
    if (go && v.paused) void v.play().catch(() => undefined);
    if (!go && !v.paused) v.pause();
  };
  useEffect(follow);

  if (!segment)
    return (
      <div className="camera-video" data-testid="sync-tile" data-state="none">
        <VideoCameraOutlined />
        <span>{t('video.sync.noRecording')}</span>
      </div>
    );
  return (
    <div className="camera-video" data-testid="sync-tile" data-state="playing">
      <video key={segment.id} ref={video} src={segment.url} muted playsInline data-start-ms={Date.parse(segment.startAt)} onLoadedMetadata={follow} />
    </div>
  );
}
