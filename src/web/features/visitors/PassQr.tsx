import { Alert, Spin, Typography } from 'antd';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { visitorsApi } from '../../api/visitors.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';

/**
 * The visitor's pass: a QR code of the pass token (drawn here, offline, by node-qrcode as SVG),
 * the window in Beijing time and the gates. The host shows it or sends a screenshot to the visitor;
 * the code under it is for a guard to type when a scanner fails.
 */
export function PassQr({ visitId }: { visitId: string }) {
  const { t } = useTranslation();
  const pass = useApi((signal) => visitorsApi.pass(visitId, signal), [visitId]);
  const [svg, setSvg] = useState<string | null>(null);
  const token = pass.data?.token;
  useEffect(() => {
    if (!token) return;
    let live = true;
    // Error correction M: still reads from a cracked or dim phone screen, and stays small.
    void QRCode.toString(token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then((s) => live && setSvg(s));
    return () => void (live = false);
  }, [token]);
  if (pass.error) return <ErrorAlert error={pass.error} onRetry={pass.reload} />;
  if (!pass.data || !svg) return <Spin />;
  const p = pass.data;
  return (
    <div className="visit-pass" data-testid="visit-pass">
      <Typography.Title level={5} className="visit-pass-title">
        {t('visitors.passTitle')} · {p.visitorName}
      </Typography.Title>
      <img className="visit-pass-qr" data-testid="visit-pass-qr" data-token={p.token} alt={t('visitors.passTitle')} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} />
      <div className="visit-pass-window">
        {formatDateTime(p.windowFrom)} – {formatDateTime(p.windowTo)}
      </div>
      <div className="visit-pass-gates">{p.gateNames.join('、')}</div>
      <Alert type="info" showIcon title={t('visitors.passHint')} className="visit-pass-hint" />
      <Typography.Text type="secondary" copyable className="visit-pass-token">
        {p.token}
      </Typography.Text>
    </div>
  );
}
