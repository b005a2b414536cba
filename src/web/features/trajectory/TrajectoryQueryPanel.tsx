import { CaretRightOutlined, PauseOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Empty, Form, Input, Segmented, Select, Slider, Space, Spin, Tag, Timeline, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TRAJECTORY_LIMITS, TRAJECTORY_SUBJECTS, type TrajectorySubjectType } from '../../../shared/trajectory.ts';
import { ApiError, serverNow } from '../../api/client.ts';
import { mapApi } from '../../api/endpoints.ts';
import { trajectoryApi, type Candidate, type Trajectory } from '../../api/trajectory.ts';
import type { MapData } from '../../api/types.ts';
import { useUniversityOfScope } from '../../app/useUniversityOfScope.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { kindKey } from '../events/event-kinds.ts';
import { stopsOf } from './path.ts';
import { TrajectoryMap } from './TrajectoryMap.tsx';

type Preset = 'h24' | 'today' | 'd7' | 'd30' | 'custom';
const PRESETS: Preset[] = ['h24', 'today', 'd7', 'd30', 'custom'];
const HOUR = 3_600_000;
/** One leg of the playback (stop to stop) takes this long. */
const LEG_MS = 1200;

/** The period of a preset, or of two Beijing dates (whole days), as ISO instants. */
function periodOf(preset: Preset, range: [Dayjs, Dayjs] | null, now: number): { from: string; to: string } | null {
  const iso = (ms: number) => new Date(ms).toISOString();
  switch (preset) {
    case 'h24':
      return { from: iso(now - 24 * HOUR), to: iso(now) };
    case 'today': {
      const date = new Date(now + 8 * HOUR).toISOString().slice(0, 10);
      return { from: iso(Date.parse(`${date}T00:00:00+08:00`)), to: iso(now) };
    }
    case 'd7':
      return { from: iso(now - 7 * 24 * HOUR), to: iso(now) };
    case 'd30':
      return { from: iso(now - 30 * 24 * HOUR), to: iso(now) };
    case 'custom':
      if (!range) return null;
      // The dates picked are Beijing dates, whatever the browser's zone.
      return { from: iso(Date.parse(`${range[0].format('YYYY-MM-DD')}T00:00:00+08:00`)), to: iso(Math.min(now, Date.parse(`${range[1].format('YYYY-MM-DD')}T00:00:00+08:00`) + 24 * HOUR)) };
  }
}

/** 轨迹查询: subject (person, card, plate or visitor, with candidates), period and the mandatory reason; the timeline and the path with playback. */
export function TrajectoryQueryPanel() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [type, setType] = useState<TrajectorySubjectType>('person');
  const [subject, setSubject] = useState<Candidate | null>(null);
  const [card, setCard] = useState('');
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [searching, setSearching] = useState(false);
  const [preset, setPreset] = useState<Preset>('h24');
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Trajectory | null>(null);
  const [layers, setLayers] = useState<MapData | null>(null);
  const [progress, setProgress] = useState(0);
  const [playing, setPlaying] = useState(false);
  const searchSeq = useRef(0);
  const universityId = useUniversityOfScope();

  const stops = useMemo(() => (result ? stopsOf(result.sightings) : []), [result]);
  const stop = Math.max(0, Math.min(stops.length - 1, Math.floor(progress)));
  const current = stops.length ? stops[stop]!.index : -1;

  // The campus and building outlines, once.
  useEffect(() => {
    const controller = new AbortController();
    mapApi
      .layers({}, controller.signal)
      .then(setLayers)
      .catch(() => {}); // the path shows without outlines
    return () => controller.abort();
  }, []);

  // Playback: the marker moves stop to stop, one leg per LEG_MS.
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      // A frame's timestamp is when the frame began, which can be before the effect ran: never go backwards.
      const dt = Math.max(0, now - last);
      last = now;
      let done = false;
      setProgress((p) => {
        const next = p + dt / LEG_MS;
        if (next >= stops.length - 1) {
          done = true;
          return stops.length - 1;
        }
        return next;
      });
      if (done) setPlaying(false);
      else frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, stops.length]);

  const search = (text: string) => {
    const q = text.trim();
    const seq = ++searchSeq.current;
    if (!q || type === 'card') return setCandidates([]);
    setSearching(true);
    trajectoryApi
      .candidates(type, q, universityId)
      .then((list) => seq === searchSeq.current && setCandidates(list))
      .catch(() => seq === searchSeq.current && setCandidates([]))
      .finally(() => seq === searchSeq.current && setSearching(false));
  };

  const submit = async () => {
    const value = type === 'card' ? card.trim() : subject?.value;
    if (!value) return void message.warning(t('trajectory.subjectRequired'));
    if (reason.trim().length < TRAJECTORY_LIMITS.reasonMin) return setReasonError(t('trajectory.reasonRequired', { min: TRAJECTORY_LIMITS.reasonMin }));
    const period = periodOf(preset, range, serverNow());
    if (!period) return void message.warning(t('trajectory.period'));
    setReasonError(null);
    setBusy(true);
    setError(null);
    setPlaying(false);
    try {
      const r = await trajectoryApi.query({ type, value, reason: reason.trim(), ...period, ...(universityId && type !== 'person' ? { universityId } : {}) });
      setResult(r);
      setProgress(0);
    } catch (err) {
      if (err instanceof ApiError && err.details.some((d) => d.field === 'reason')) setReasonError(t('trajectory.reasonRequired', { min: TRAJECTORY_LIMITS.reasonMin }));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const seek = (sightingIndex: number) => {
    const i = stops.findIndex((s) => s.index === sightingIndex);
    if (i >= 0) {
      setPlaying(false);
      setProgress(i);
    }
  };

  return (
    <div className="trajectory-panel" data-testid="trajectory-panel">
      <Form layout="vertical" className="trajectory-form" onFinish={() => void submit()}>
        <Form.Item label={t('trajectory.subject')} required>
          <Space.Compact className="trajectory-subject">
            <Segmented
              value={type}
              onChange={(v) => {
                setType(v as TrajectorySubjectType);
                setSubject(null);
                setCandidates([]);
              }}
              options={TRAJECTORY_SUBJECTS.map((k) => ({ value: k, label: <span data-testid={`trajectory-type-${k}`}>{t(`trajectory.subjectType.${k}`)}</span> }))}
            />
            {type === 'card' ? (
              <Input value={card} onChange={(e) => setCard(e.target.value)} placeholder={t('trajectory.searchPlaceholder.card')} maxLength={32} data-testid="trajectory-card" />
            ) : (
              <Select
                showSearch={{ filterOption: false, onSearch: search }}
                className="trajectory-candidates"
                value={subject?.value ?? null}
                placeholder={t(`trajectory.searchPlaceholder.${type}`)}
                notFoundContent={searching ? <Spin size="small" /> : t('trajectory.noCandidates')}
                onChange={(v: string) => setSubject(candidates.find((c) => c.value === v) ?? null)}
                options={candidates.map((c) => ({ value: c.value, label: c.detail ? `${c.label}（${c.detail}）` : c.label }))}
                data-testid="trajectory-subject"
              />
            )}
          </Space.Compact>
        </Form.Item>
        <Form.Item label={t('trajectory.period')}>
          <Space wrap>
            <Select value={preset} onChange={setPreset} options={PRESETS.map((p) => ({ value: p, label: t(`trajectory.periods.${p}`) }))} className="trajectory-preset" data-testid="trajectory-period" />
            {preset === 'custom' && <DatePicker.RangePicker value={range} onChange={(v) => setRange(v && v[0] && v[1] ? [v[0], v[1]] : null)} maxDate={undefined} />}
          </Space>
        </Form.Item>
        <Form.Item label={t('trajectory.reason')} required validateStatus={reasonError ? 'error' : undefined} help={reasonError ?? undefined}>
          <Input.TextArea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={TRAJECTORY_LIMITS.reasonMax} showCount placeholder={t('trajectory.reasonPlaceholder')} data-testid="trajectory-reason" />
        </Form.Item>
        <Alert type="info" showIcon title={t('trajectory.auditNotice')} className="trajectory-notice" />
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={busy} data-testid="trajectory-submit">
          {t('trajectory.query')}
        </Button>
      </Form>

      <div className="trajectory-result">
        {error !== null && <ErrorAlert error={error} title={t('trajectory.queryFailed')} />}
        {result && (
          <>
            <Typography.Text strong data-testid="trajectory-summary">
              {t('trajectory.summary', { label: result.label, from: formatDateTime(result.from), to: formatDateTime(result.to), count: result.sightings.length })}
            </Typography.Text>
            {result.truncated && <Alert type="warning" showIcon title={t('trajectory.truncated', { count: result.sightings.length })} />}
            {result.holders.length > 0 && (
              <div className="trajectory-meta">
                {t('trajectory.holders')}：
                {result.holders.map((h) => (
                  <Tag key={`${h.personId}${h.from}`}>
                    {h.name} {formatDateTime(h.from)} – {h.to ? formatDateTime(h.to) : t('trajectory.until')}
                  </Tag>
                ))}
              </div>
            )}
            {result.credentials.length > 0 && (
              <div className="trajectory-meta">
                {t('trajectory.credentialsFollowed')}：
                {result.credentials.map((c) => (
                  <Tag key={`${c.kind}${c.value}${c.from}`}>
                    {t(`enum.credentialKind.${c.kind}` as 'enum.credentialKind.card')} {c.value} · {formatDateTime(c.from)} – {c.to ? formatDateTime(c.to) : t('trajectory.until')}
                  </Tag>
                ))}
              </div>
            )}
            {result.sightings.length === 0 ? (
              <Empty description={t('trajectory.empty')} />
            ) : (
              <div className="trajectory-body">
                <div className="trajectory-timeline" data-testid="trajectory-timeline">
                  <Typography.Title level={5}>{t('trajectory.timeline')}</Typography.Title>
                  <Timeline
                    items={result.sightings.map((s, i) => ({
                      color: i === current ? 'blue' : s.kind === 'access.denied' ? 'red' : 'gray',
                      content: (
                        <div className={`trajectory-item${i === current ? ' trajectory-item-current' : ''}`} onClick={() => seek(i)} data-testid="trajectory-item">
                          <div className="trajectory-time">{formatDateTime(s.at)}</div>
                          <div>
                            {s.deviceName}
                            {s.direction && <Tag className="trajectory-dir">{t(`trajectory.direction.${s.direction}`)}</Tag>}
                          </div>
                          <div className="trajectory-place">
                            {[s.campusName, s.buildingName].filter(Boolean).join(' · ')} · {t(`events.kind.${kindKey(s.kind as 'access.granted')}`)} · {t(`trajectory.via.${s.via}`)}
                          </div>
                        </div>
                      ),
                    }))}
                  />
                </div>
                <div className="trajectory-path">
                  <div className="trajectory-path-head">
                    <Typography.Title level={5}>{t('trajectory.path')}</Typography.Title>
                    <Space>
                      <Button
                        icon={playing ? <PauseOutlined /> : <CaretRightOutlined />}
                        disabled={stops.length < 2}
                        onClick={() => {
                          if (!playing && progress >= stops.length - 1) setProgress(0);
                          setPlaying(!playing);
                        }}
                        data-testid="trajectory-play"
                      >
                        {playing ? t('trajectory.pause') : t('trajectory.play')}
                      </Button>
                      <Button
                        icon={<ReloadOutlined />}
                        disabled={stops.length < 2}
                        onClick={() => {
                          setProgress(0);
                          setPlaying(true);
                        }}
                      >
                        {t('trajectory.restart')}
                      </Button>
                      <Typography.Text type="secondary" data-testid="trajectory-step">
                        {stops.length ? t('trajectory.stepOf', { n: stop + 1, total: stops.length }) : ''}
                      </Typography.Text>
                    </Space>
                  </div>
                  <Slider
                    min={0}
                    max={Math.max(0, stops.length - 1)}
                    step={0.01}
                    value={progress}
                    onChange={(v) => {
                      setPlaying(false);
                      setProgress(v);
                    }}
                    tooltip={{ formatter: null }}
                  />
                  <TrajectoryMap sightings={result.sightings} layers={layers} progress={progress} onStopClick={seek} />
                  {stops.length < result.sightings.length && <Typography.Text type="secondary">{t('trajectory.noPosition', { count: result.sightings.length - stops.length })}</Typography.Text>}
                </div>
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}
