import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { DEVICE_STYLE } from '../../components/palette.ts';
import type { RateSeries } from './online-rate.ts';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** One line per device kind (and a bold one for all), percent online over time. */
export function OnlineRateChart({ series }: { series: RateSeries[] }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = ref.current!;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const name = (s: RateSeries) => (s.key === 'all' ? t('health.allKinds') : t(`enum.deviceKind.${s.key}`));
    chart.current?.setOption(
      {
        animation: false,
        grid: { left: 48, right: 24, top: 56, bottom: 36 },
        legend: { type: 'scroll', top: 8 },
        tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (v == null ? '—' : `${v}%`) },
        xAxis: { type: 'time' },
        yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
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
      },
      { notMerge: true },
    );
  }, [series, t]);

  return <div className="online-rate-chart" ref={ref} data-testid="online-rate-chart" />;
}
