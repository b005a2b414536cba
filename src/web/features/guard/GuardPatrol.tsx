import { CameraOutlined, EnvironmentOutlined, ScanOutlined, WifiOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Progress, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { CHECKPOINT_QUERY_PARAM } from '../../../shared/patrol.ts';
import { patrolApi, type CheckinResult, type Tour, type TourPoint } from '../../api/patrol.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ApiError } from '../../api/client.ts';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';

export const POINT_COLORS: Record<TourPoint['status'], string> = { pending: 'default', on_time: 'green', late: 'orange', missed: 'red' };
const hhmm = (iso: string) => formatDateTime(iso).slice(11, 16);

interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
const detectorClass = () => (globalThis as { BarcodeDetector?: new (o: { formats: string[] }) => BarcodeDetectorLike }).BarcodeDetector;

/** The phone's camera reads the checkpoint's QR code where the browser can (BarcodeDetector); else the guard types the code. */
function QrScanner({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const Detector = detectorClass();
    let stream: MediaStream | null = null;
    let stopped = false;
    const run = async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        const detector = new Detector!({ formats: ['qr_code'] });
        while (!stopped) {
          const [found] = await detector.detect(video.current);
          if (found?.rawValue) return onCode(found.rawValue);
          await new Promise((r) => setTimeout(r, 300));
        }
      } catch (err) {
        setProblem((err as Error).message);
      }
    };
    void run();
    return () => {
      stopped = true;
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [onCode]);
  return (
    <div className="guard-scanner">
      <video ref={video} muted playsInline className="guard-scanner-video" />
      {problem && <Alert type="warning" showIcon title={t('patrol.phone.cameraProblem', { problem })} />}
      <Button block onClick={onClose}>
        {t('patrol.phone.closeCamera')}
      </Button>
    </div>
  );
}

/** Web NFC (Chrome on Android): the parts used here. */
interface NdefRecordLike {
  recordType: string;
  encoding?: string;
  data?: DataView;
}
interface NdefReaderLike {
  scan(options?: { signal?: AbortSignal }): Promise<void>;
  addEventListener(type: 'reading', listener: (e: { message: { records: NdefRecordLike[] } }) => void, options?: { signal?: AbortSignal }): void;
  addEventListener(type: 'readingerror', listener: () => void, options?: { signal?: AbortSignal }): void;
}
const ndefReaderClass = () => (globalThis as { NDEFReader?: new () => NdefReaderLike }).NDEFReader;

/** The checkpoint code on an NFC tag: the same URL (or bare token) its QR code carries, as a URL or text record. */
export function codeOfNdef(records: readonly NdefRecordLike[]): string | null {
  for (const r of records) {
    if ((r.recordType === 'url' || r.recordType === 'text' || r.recordType === 'absolute-url') && r.data) {
      const text = new TextDecoder(r.encoding ?? 'utf-8').decode(r.data).trim();
      if (text) return text;
    }
  }
  return null;
}

/** 贴卡打卡: waits for the checkpoint's NFC tag where the phone supports Web NFC; the tag carries the checkpoint URL. */
function NfcReader({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [problem, setProblem] = useState<string | null>(null);
  // The page re-renders while the phone waits for the tag: keep the one scan running.
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;
  useEffect(() => {
    const controller = new AbortController();
    const Reader = ndefReaderClass()!;
    const reader = new Reader();
    reader.addEventListener(
      'reading',
      (e) => {
        const code = codeOfNdef(e.message.records);
        if (!code) return setProblem(t('patrol.phone.nfcEmpty'));
        controller.abort();
        onCodeRef.current(code);
      },
      { signal: controller.signal },
    );
    reader.addEventListener('readingerror', () => setProblem(t('patrol.phone.nfcProblem', { problem: 'read error' })), { signal: controller.signal });
    reader.scan({ signal: controller.signal }).catch((err: Error) => {
      if (err.name !== 'AbortError') setProblem(t('patrol.phone.nfcProblem', { problem: err.message }));
    });
    return () => controller.abort();
  }, [t]);
  return (
    <div className="guard-scanner" data-testid="patrol-nfc-waiting">
      <Alert type={problem ? 'warning' : 'info'} showIcon title={problem ?? t('patrol.phone.nfcHint')} />
      <Button block onClick={onClose} style={{ marginTop: 8 }}>
        {t('common.cancel')}
      </Button>
    </div>
  );
}

/** 巡更 on the guard's phone: the current tours and their checkpoints, 扫码打卡, NFC 打卡 and 定位打卡. */
export function GuardPatrol({ position }: { position: GeolocationPosition | null }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [version, setVersion] = useState(0);
  const tours = useApi((signal) => patrolApi.myTours(signal), [version]);
  const [code, setCode] = useState('');
  const [scanning, setScanning] = useState(false);
  const [tapping, setTapping] = useState(false);
  const [result, setResult] = useState<CheckinResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const fromUrl = params.get(CHECKPOINT_QUERY_PARAM);

  const checkin = async (body: Parameters<typeof patrolApi.checkin>[0]) => {
    setFailure(null);
    setResult(null);
    try {
      setResult(await patrolApi.checkin(body));
      setCode('');
      setVersion((n) => n + 1);
    } catch (err) {
      // The server's reasons a guard meets, in the page's language: a code of no checkpoint, outside the fence, no tour now.
      const rule = err instanceof ApiError ? err.details[0]?.rule : undefined;
      if (rule === 'exists' || rule === 'tour') setFailure(t(`patrol.phone.refusals.${rule}`));
      else if (rule === 'geofence') setFailure(`${t('patrol.phone.refusals.geofence')}（${errorMessage(err)}）`);
      else setFailure(`${errorTitle(err)}: ${errorMessage(err)}`);
    }
  };

  // A phone camera opened /guard?cp=<token> from the checkpoint's QR code: check in once, then drop it from the address.
  useEffect(() => {
    if (!fromUrl) return;
    setParams((p) => {
      p.delete(CHECKPOINT_QUERY_PARAM);
      return p;
    }, { replace: true });
    void checkin({ token: fromUrl });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fromUrl]);

  const gps = (p: TourPoint) => position && void checkin({ checkpointId: p.checkpointId, lon: position.coords.longitude, lat: position.coords.latitude, accuracyM: Math.min(10_000, position.coords.accuracy) });
  const list = tours.data ?? [];
  const canScan = !!detectorClass() && !!navigator.mediaDevices?.getUserMedia;
  const canTap = !!ndefReaderClass();

  return (
    <section className="guard-patrol" data-testid="guard-patrol">
      <Typography.Title level={5}>{t('patrol.phone.title')}</Typography.Title>
      <Card size="small">
        <Space.Compact style={{ width: '100%' }}>
          <Input size="large" placeholder={t('patrol.phone.codePlaceholder')} value={code} onChange={(e) => setCode(e.target.value)} onPressEnter={() => code.trim() && void checkin({ token: code.trim() })} data-testid="patrol-code" />
          <Button size="large" type="primary" icon={<ScanOutlined />} disabled={!code.trim()} onClick={() => void checkin({ token: code.trim() })} data-testid="patrol-code-submit">
            {t('patrol.phone.scanCheckin')}
          </Button>
        </Space.Compact>
        {canScan && !scanning && (
          <Button block icon={<CameraOutlined />} style={{ marginTop: 8 }} onClick={() => setScanning(true)} data-testid="patrol-camera">
            {t('patrol.phone.openCamera')}
          </Button>
        )}
        {canTap && !tapping && (
          <Button block icon={<WifiOutlined />} style={{ marginTop: 8 }} onClick={() => setTapping(true)} data-testid="patrol-nfc">
            {t('patrol.phone.nfcCheckin')}
          </Button>
        )}
        {tapping && (
          <NfcReader
            onCode={(c) => {
              setTapping(false);
              void checkin({ token: c, via: 'nfc' });
            }}
            onClose={() => setTapping(false)}
          />
        )}
        {scanning && (
          <QrScanner
            onCode={(c) => {
              setScanning(false);
              void checkin({ token: c });
            }}
            onClose={() => setScanning(false)}
          />
        )}
        {result && (
          <Alert className="guard-patrol-result" type={result.status === 'on_time' && !result.outOfOrder ? 'success' : 'warning'} showIcon data-testid="patrol-result" title={`${result.checkpointName} · ${t(`patrol.status.${result.status}`)}${result.outOfOrder ? ` · ${t('patrol.outOfOrder')}` : ''}`} />
        )}
        {failure && <Alert className="guard-patrol-result" type="error" showIcon title={failure} data-testid="patrol-failure" />}
      </Card>
      {tours.error && <ErrorAlert error={tours.error} onRetry={tours.reload} />}
      {!tours.loading && !list.length && <Typography.Text type="secondary">{t('patrol.phone.noTour')}</Typography.Text>}
      {list.map((tour: Tour) => (
        <Card
          key={tour.id}
          size="small"
          className="guard-patrol-tour"
          data-testid="patrol-tour"
          title={
            <span>
              {tour.routeName} <Tag>{t(`patrol.tourStates.${tour.state}`)}</Tag>
            </span>
          }
          extra={`${hhmm(tour.startsAt)}–${hhmm(tour.endsAt)}`}
        >
          <Progress percent={tour.planned ? Math.round((tour.done / tour.planned) * 100) : 0} size="small" format={() => `${tour.done}/${tour.planned}`} />
          {tour.points.map((p) => (
            <div key={p.checkpointId} className="guard-patrol-point" data-testid="patrol-point" data-status={p.status}>
              <div>
                <span className="guard-patrol-seq">{tour.ordered ? `${p.seq}.` : '·'}</span> {p.name}
                <div className="guard-patrol-due">
                  {t('patrol.dueBy', { time: hhmm(p.dueAt) })}
                  {p.checkedAt && ` · ${t('patrol.checkedAt', { time: hhmm(p.checkedAt) })}`}
                </div>
              </div>
              <Space size={4}>
                <Tag color={POINT_COLORS[p.status]}>{t(`patrol.status.${p.status}`)}</Tag>
                {p.status === 'pending' && tour.state === 'running' && (
                  <Button size="small" icon={<EnvironmentOutlined />} disabled={!position} onClick={() => gps(p)} title={position ? undefined : t('patrol.phone.noPosition')} data-testid="patrol-gps">
                    {t('patrol.phone.gpsCheckin')}
                  </Button>
                )}
              </Space>
            </div>
          ))}
        </Card>
      ))}
    </section>
  );
}
