import { WarningOutlined } from '@ant-design/icons';
import { Card, Statistic, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { VEHICLE_LISTS } from '../../../shared/vehicles.ts';
import type { VehiclesOnCampus } from '../../api/vehicles.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../components/format.ts';
import { LIST_COLOR } from './vehicle-colors.ts';

export interface OnCampusSummaryProps {
  data: VehiclesOnCampus | undefined;
  error: Error | undefined;
  onRetry: () => void;
}

/** 在校车辆 now by list, today's entries, exits and refusals (totals and a per-hour bar), and who overstays. */
export function OnCampusSummary({ data, error, onRetry }: OnCampusSummaryProps) {
  const { t } = useTranslation();
  if (error) return <ErrorAlert error={error} title={t('vehicles.onCampus.loadFailed')} onRetry={onRetry} />;
  const today = data?.today ?? [];
  const totals = today.reduce((s, h) => ({ in: s.in + h.in, out: s.out + h.out, denied: s.denied + h.denied }), { in: 0, out: 0, denied: 0 });
  const busiest = Math.max(1, ...today.map((h) => h.in + h.out + h.denied));
  return (
    <div className="vehicles-summary" data-testid="vehicles-summary">
      <Card size="small" className="vehicles-summary-card">
        <Statistic title={t('vehicles.onCampus.inside')} value={data?.inside ?? 0} suffix={t('vehicles.onCampus.unit')} loading={!data} data-testid="vehicles-inside" />
        <div className="vehicles-by-list">
          {VEHICLE_LISTS.filter((l) => data?.byList[l]).map((l) => (
            <Tag key={l} color={LIST_COLOR[l]}>
              {t(`vehicles.list.${l}`)} {data!.byList[l]}
            </Tag>
          ))}
        </div>
      </Card>
      <Card size="small" className="vehicles-summary-card">
        <div className="vehicles-today-totals">
          <Statistic title={t('vehicles.onCampus.in')} value={totals.in} loading={!data} />
          <Statistic title={t('vehicles.onCampus.out')} value={totals.out} loading={!data} />
          <Statistic title={t('vehicles.onCampus.denied')} value={totals.denied} loading={!data} styles={{ content: totals.denied ? { color: '#cf1322' } : undefined }} />
        </div>
      </Card>
      <Card size="small" className="vehicles-summary-card vehicles-summary-hours" title={t('vehicles.onCampus.perHour')}>
        <div className="vehicles-hour-bars" aria-label={t('vehicles.onCampus.perHour')}>
          {today.map((h) => (
            <Tooltip key={h.hour} title={t('vehicles.onCampus.hourTip', { hour: h.hour, in: h.in, out: h.out, denied: h.denied })}>
              <div className="vehicles-hour">
                <div className="vehicles-hour-stack">
                  <div className="vehicles-hour-denied" style={{ height: `${(h.denied / busiest) * 100}%` }} />
                  <div className="vehicles-hour-out" style={{ height: `${(h.out / busiest) * 100}%` }} />
                  <div className="vehicles-hour-in" style={{ height: `${(h.in / busiest) * 100}%` }} />
                </div>
                <span className="vehicles-hour-label">{h.hour % 3 === 0 ? h.hour : ''}</span>
              </div>
            </Tooltip>
          ))}
        </div>
        <div className="vehicles-hour-legend">
          <span className="vehicles-swatch vehicles-hour-in" /> {t('vehicles.onCampus.in')}
          <span className="vehicles-swatch vehicles-hour-out" /> {t('vehicles.onCampus.out')}
          <span className="vehicles-swatch vehicles-hour-denied" /> {t('vehicles.onCampus.denied')}
        </div>
      </Card>
      <Card size="small" className="vehicles-summary-card vehicles-summary-overstay" title={t('vehicles.onCampus.overstaying')}>
        {data?.overstaying.length ? (
          <ul className="vehicles-overstay-list" data-testid="vehicles-overstaying">
            {data.overstaying.map((o) => (
              <li key={o.vehicleId}>
                <Tag color="warning" icon={<WarningOutlined />}>
                  {t('vehicles.onCampus.overstayTag')}
                </Tag>
                {t('vehicles.onCampus.overstayItem', { plate: o.plate, owner: o.ownerName, list: t(`vehicles.list.${o.list}`), until: formatDateTime(o.validUntil) })}
              </li>
            ))}
          </ul>
        ) : (
          <Typography.Text type="secondary">{t('vehicles.onCampus.none')}</Typography.Text>
        )}
      </Card>
    </div>
  );
}
