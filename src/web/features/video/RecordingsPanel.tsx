import { Card, Empty, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BEIJING_OFFSET_MS, beijingDate } from '../../../shared/beijing-time.ts';
import type { RecordingSegment } from '../../../shared/recordings.ts';
import { alarmsApi } from '../../api/alarms.ts';
import { recordingsApi } from '../../api/media.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { RecorderRecordings } from './RecorderRecordings.tsx';
import './video.css';

const DAY_MS = 86_400_000;
const SPEEDS = [0.5, 1, 2, 4] as const;
/** A click on an alarm marker plays from this long before the alarm. */
const ALARM_LEAD_MS = 10_000;

/** Start of a Beijing day (`YYYY-MM-DD`) in epoch ms. */
const dayStartMs = (date: string) => Date.parse(`${date}T00:00:00Z`) - BEIJING_OFFSET_MS;

/**
 * 录像回放: a camera's recordings of one Beijing day as a 24-hour bar (recorded, gaps against its
 * plan), a click on the bar plays from there, segment after segment, at the chosen speed.
 */
export function RecordingsPanel({ deviceId, viaGb28181 }: { deviceId: string; /** Its recorder can be asked (GB/T 28181). */ viaGb28181: boolean }) {
  const { t } = useTranslation();
  const [date, setDate] = useState(() => beijingDate(Date.now()));
  const [speed, setSpeed] = useState<number>(1);
  const [playing, setPlaying] = useState<{ segment: RecordingSegment; offsetS: number } | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const start = dayStartMs(date);
  const day = useApi(() => recordingsApi.day(deviceId, date), [deviceId, date]);
  // Tagged with what was asked, so a moment on a new day is never resolved against the previous day's list.
  const segments = useApi(
    async () => ({ key: `${deviceId}/${date}`, page: await recordingsApi.segments(deviceId, new Date(start).toISOString(), new Date(start + DAY_MS).toISOString()) }),
    [deviceId, date],
  );
  // Alarm markers need alarm.read; a maintainer watching video simply sees none.
  const { can } = useAuth();
  const mayReadAlarms = can('alarm.read');
  const alarms = useApi(
    async (signal) => (mayReadAlarms ? (await alarmsApi.ofCamera(deviceId, new Date(start).toISOString(), new Date(start + DAY_MS).toISOString(), signal)).items : []),
    [deviceId, date, mayReadAlarms],
  );
  const current = segments.data?.key === `${deviceId}/${date}` ? segments.data : undefined;
  const list = useMemo(() => current?.page.items ?? [], [current]);

  useEffect(() => {
    const v = video.current;
    if (!v || !playing) return;
    v.playbackRate = speed;
  }, [speed, playing]);

  // A click (or the end of a segment) names a moment; it is resolved against the segment list once
  // that list is loaded, so a click made while it is still loading is not lost. Today's list grows
  // while the camera records: a moment past its end reloads it once before giving up.
  const [wanted, setWanted] = useState<{ atMs: number; after: 'click' | 'next'; reloadedFrom?: unknown } | null>(null);
  const isToday = date === beijingDate(Date.now());
  const playAt = (atMs: number) => setWanted({ atMs, after: 'click' });
  const next = () => playing && setWanted({ atMs: Date.parse(playing.segment.endAt) - 1, after: 'next' });
  const reloadSegments = segments.reload;
  useEffect(() => {
    if (!wanted || !current) return;
    // Waiting for the reload asked for below (a failed reload shows its error and ends the wait).
    if (wanted.reloadedFrom === current && !segments.error) return;
    const following = wanted.after === 'next' ? list.find((s) => Date.parse(s.startAt) > wanted.atMs) : list.find((s) => Date.parse(s.endAt) > wanted.atMs);
    if (!following && isToday && wanted.reloadedFrom === undefined) {
      setWanted({ ...wanted, reloadedFrom: current });
      reloadSegments();
      return;
    }
    setWanted(null);
    if (following) setPlaying({ segment: following, offsetS: wanted.after === 'click' ? Math.max(0, (wanted.atMs - Date.parse(following.startAt)) / 1000) : 0 });
    else if (wanted.after === 'click' && list.length) setPlaying({ segment: list[list.length - 1]!, offsetS: 0 }); // after the last recording: play the last one
    else setPlaying(null); // the end of the last recording
  }, [wanted, list, current, segments.error, isToday, reloadSegments]);
  // Today's bar follows the recording as it goes on.
  useEffect(() => {
    if (!isToday) return;
    const timer = setInterval(() => (day.reload(), segments.reload(), alarms.reload()), 60_000);
    return () => clearInterval(timer);
  }, [isToday, day.reload, reloadSegments, alarms.reload]);
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
        {alarms.data?.map((a) => (
          <Tooltip key={a.id} title={`${formatDateTime(a.createdAt)} ${a.title}`}>
            <div
              className="alarm-marker"
              data-testid="recordings-alarm"
              style={{ left: pct(a.createdAt) }}
              onClick={(e) => {
                // From a little before the alarm, like the alarm's own playback.
                e.stopPropagation();
                playAt(Date.parse(a.createdAt) - ALARM_LEAD_MS);
              }}
            />
          </Tooltip>
        ))}
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
      {viaGb28181 && <RecorderRecordings deviceId={deviceId} dayStartMs={start} />}
    </Card>
  );
}
