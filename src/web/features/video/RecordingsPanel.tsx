import { Card, Empty, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BEIJING_OFFSET_MS, beijingDate } from '../../../shared/beijing-time.ts';
import type { RecordingSegment } from '../../../shared/recordings.ts';
import { recordingsApi } from '../../api/media.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import './video.css';

const DAY_MS = 86_400_000;
const SPEEDS = [0.5, 1, 2, 4] as const;

/** Start of a Beijing day (`YYYY-MM-DD`) in epoch ms. */
const dayStartMs = (date: string) => Date.parse(`${date}T00:00:00Z`) - BEIJING_OFFSET_MS;

/**
 * 录像回放: a camera's recordings of one Beijing day as a 24-hour bar (recorded, gaps against its
 * plan), a click on the bar plays from there, segment after segment, at the chosen speed.
 */
export function RecordingsPanel({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const [date, setDate] = useState(() => beijingDate(Date.now()));
  const [speed, setSpeed] = useState<number>(1);
  const [playing, setPlaying] = useState<{ segment: RecordingSegment; offsetS: number } | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const start = dayStartMs(date);
  const day = useApi(() => recordingsApi.day(deviceId, date), [deviceId, date]);
  const segments = useApi(() => recordingsApi.segments(deviceId, new Date(start).toISOString(), new Date(start + DAY_MS).toISOString()), [deviceId, date]);
  const list = useMemo(() => segments.data?.items ?? [], [segments.data]);

  useEffect(() => {
    const v = video.current;
    if (!v || !playing) return;
    v.playbackRate = speed;
  }, [speed, playing]);

  const playAt = (ms: number) => {
    const segment = list.find((s) => Date.parse(s.endAt) > ms) ?? null;
    if (!segment) return;
    setPlaying({ segment, offsetS: Math.max(0, (ms - Date.parse(segment.startAt)) / 1000) });
  };
  const next = () => {
    if (!playing) return;
    const i = list.findIndex((s) => s.id === playing.segment.id);
    const following = list[i + 1];
    setPlaying(following ? { segment: following, offsetS: 0 } : null);
  };
  const pct = (iso: string) => `${(((Date.parse(iso) - start) / DAY_MS) * 100).toFixed(3)}%`;
  const width = (from: string, to: string) => `${(((Date.parse(to) - Date.parse(from)) / DAY_MS) * 100).toFixed(3)}%`;
  const d = day.data;

  return (
    <Card size="small" title={t('video.playback.title')} data-testid="recordings-panel" extra={<div style={{ width: 150 }}><DateInput value={date} onChange={(v) => v && setDate(v)} disabledFuture /></div>}>
      {(day.error || segments.error) && <ErrorAlert error={day.error ?? segments.error} title={t('video.playback.loadFailed')} onRetry={() => (day.reload(), segments.reload())} />}
      {d && (
        <Space size={4} wrap className="recordings-summary">
          <Tag>{t(`video.playback.mode.${d.mode}`)}</Tag>
          {d.complete !== null && <Tag color={d.complete >= 0.9999 ? 'green' : d.complete >= 0.99 ? 'gold' : 'red'}>{t('video.playback.complete', { pct: (d.complete * 100).toFixed(2) })}</Tag>}
          <Tag>{t('video.playback.gaps', { count: d.gaps.length })}</Tag>
          <Typography.Text type="secondary">{t('video.playback.retention', { days: d.retentionDays, oldest: d.oldestRecordingAt ? formatDateTime(d.oldestRecordingAt) : '—' })}</Typography.Text>
        </Space>
      )}
      <div
        className="recordings-bar"
        data-testid="recordings-bar"
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          playAt(start + ((e.clientX - r.left) / r.width) * DAY_MS);
        }}
      >
        {d?.expected.map((s, i) => <div key={`e${i}`} className="span expected" style={{ left: pct(s.from), width: width(s.from, s.to) }} />)}
        {d?.recorded.map((s, i) => (
          <Tooltip key={`r${i}`} title={`${formatDateTime(s.from)} – ${formatDateTime(s.to).slice(11)}`}>
            <div className="span recorded" style={{ left: pct(s.from), width: width(s.from, s.to) }} />
          </Tooltip>
        ))}
        {d?.gaps.map((s, i) => <div key={`g${i}`} className="span gap" style={{ left: pct(s.from), width: width(s.from, s.to) }} title={t('video.playback.gap')} />)}
        {playing && <div className="cursor" style={{ left: pct(playing.segment.startAt) }} />}
      </div>
      <div className="recordings-hours">
        {[0, 6, 12, 18, 24].map((h) => (
          <span key={h}>{String(h).padStart(2, '0')}:00</span>
        ))}
      </div>
      {!list.length && !segments.loading && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('video.playback.none')} />}
      {playing && (
        <div className="recordings-player">
          <video
            ref={video}
            key={playing.segment.id}
            src={playing.segment.url}
            controls
            autoPlay
            muted
            data-testid="recordings-video"
            onLoadedMetadata={(e) => {
              e.currentTarget.currentTime = playing.offsetS;
              e.currentTarget.playbackRate = speed;
            }}
            onEnded={next}
          />
          <Space className="recordings-controls">
            <Typography.Text>{formatDateTime(playing.segment.startAt)}</Typography.Text>
            <Segmented<number> size="small" value={speed} onChange={setSpeed} options={SPEEDS.map((s) => ({ value: s, label: `${s}×` }))} />
          </Space>
        </div>
      )}
    </Card>
  );
}
