import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart, type ChartOption } from '../../components/EChart.tsx';
import { DEVICE_STYLE } from '../../components/palette.ts';
import { rateAxisMin, type RateSeries } from './online-rate.ts';

/** One line per device kind (and a bold one for all), percent online over time. */
export function OnlineRateChart({ series }: { series: RateSeries[] }) {
  const { t } = useTranslation();
  const option = useMemo((): ChartOption => {
    const name = (s: RateSeries) => (s.key === 'all' ? t('health.allKinds') : t(`enum.deviceKind.${s.key}`));
    return {
      animation: false,
      grid: { left: 48, right: 24, top: 56, bottom: 36 },
      legend: { type: 'scroll', top: 8 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (v == null ? '—' : `${v}%`) },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', min: rateAxisMin(series), max: 100, axisLabel: { formatter: '{value}%' } },
      series: series.map((s) => ({
        name: name(s),
        type: 'line',
        showSymbol: false,
        connectNulls: false,
        data: s.points,
        lineStyle: { width: s.key === 'all' ? 3 : 1.5 },
        itemStyle: { color: s.key === 'all' ? '#262626' : DEVICE_STYLE[s.key].color },
        z: s.key === 'all' ? 3 : 2,
      })),
    };
  }, [series, t]);

  return <EChart className="online-rate-chart" option={option} testId="online-rate-chart" />;
}
