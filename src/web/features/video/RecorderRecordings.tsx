import { CloseOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Space, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { gbApi } from '../../api/gb28181.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { LiveVideo } from './LiveVideo.tsx';
import './video.css';

const DAY_MS = 86_400_000;

/**
 * 设备录像: what the camera's own recorder (NVR/DVR) holds on a day, asked on demand (RecordInfo
 * costs the device a search, so not on every drawer opened), as a bar of files; a click plays back
 * from that moment to the end of the file over GB/T 28181.
 */
export function RecorderRecordings({ deviceId, dayStartMs }: { deviceId: string; dayStartMs: number }) {
  const { t } = useTranslation();
  const [asked, setAsked] = useState<number | null>(null);
  const [playing, setPlaying] = useState<{ from: string; to: string } | null>(null);
  const records = useApi(
    async (signal) => (asked === null ? null : gbApi.records(deviceId, new Date(dayStartMs).toISOString(), new Date(Math.min(Date.now(), dayStartMs + DAY_MS)).toISOString(), signal)),
    [deviceId, dayStartMs, asked],
  );
  const pct = (ms: number) => `${(((ms - dayStartMs) / DAY_MS) * 100).toFixed(3)}%`;
  const spans = (records.data?.records ?? []).map((r) => ({ from: Math.max(dayStartMs, Date.parse(r.start)), to: Math.min(dayStartMs + DAY_MS, Date.parse(r.end)), type: r.type }));

  return (
    <div className="recorder-recordings" data-testid="recorder-recordings">
      <Space className="recorder-recordings-head" wrap>
        <Typography.Text strong>{t('video.recorder.title')}</Typography.Text>
        <Tooltip title={t('video.recorder.askHint')}>
          <Button size="small" icon={<SearchOutlined />} loading={asked !== null && records.loading} onClick={() => setAsked(Date.now())} data-testid="recorder-ask">
            {t('video.recorder.ask')}
          </Button>
        </Tooltip>
      </Space>
      {records.error && <ErrorAlert error={records.error} onRetry={records.reload} />}
      {records.data && !records.data.complete && <Typography.Text type="warning">{t('video.recorder.incomplete')}</Typography.Text>}
      {records.data && !spans.length && <Typography.Text type="secondary">{t('video.recorder.none')}</Typography.Text>}
      {spans.length > 0 && (
        <div
          className="recordings-bar"
          data-testid="recorder-bar"
          onClick={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            const at = dayStartMs + ((e.clientX - r.left) / r.width) * DAY_MS;
            // From the moment clicked to the end of that file (or of the next file after a gap).
            const file = spans.find((s) => s.to > at);
            if (file) setPlaying({ from: new Date(Math.max(at, file.from)).toISOString(), to: new Date(file.to).toISOString() });
          }}
        >
          {spans.map((s, i) => (
            <Tooltip key={i} title={`${formatDateTime(new Date(s.from).toISOString())} – ${formatDateTime(new Date(s.to).toISOString()).slice(11)}${s.type ? ` · ${t(`video.recorder.type.${s.type as 'time'}`, { defaultValue: s.type })}` : ''}`}>
              <div className="span recorder" style={{ left: pct(s.from), width: `${(((s.to - s.from) / DAY_MS) * 100).toFixed(3)}%` }} />
            </Tooltip>
          ))}
        </div>
      )}
      {playing && (
        <div className="recordings-player" data-testid="recorder-player">
          <LiveVideo key={playing.from} deviceId={deviceId} playback={playing} />
          <Space className="recordings-controls">
            <Typography.Text>{t('video.recorder.playing', { from: formatDateTime(playing.from) })}</Typography.Text>
            <Button size="small" icon={<CloseOutlined />} onClick={() => setPlaying(null)}>
              {t('video.recorder.close')}
            </Button>
          </Space>
        </div>
      )}
    </div>
  );
}
