/**
 * echarts options of the statistics page, built from the API answer and already translated
 * labels (so this file holds no text of its own).
 */
import type { AlarmStats, ShiftKey, StatStep } from '../../api/alarm-stats.ts';
import { STAT_STEPS } from '../../api/alarm-stats.ts';
import type { ChartOption } from '../../components/EChart.tsx';

const FONT = "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif";
const BLUE = '#1668dc';
const SHIFT_COLOR: Record<ShiftKey, [string, string]> = {
  day: ['#1668dc', '#91caff'],
  evening: ['#d46b08', '#ffd591'],
  night: ['#531dab', '#d3adf7'],
};
const base = { animation: false, textStyle: { fontFamily: FONT }, tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } } };

/** Horizontal bars, biggest on top: types and areas have long names. */
export function rankedBarOption(rows: { label: string; count: number }[], color = BLUE): ChartOption {
  const shown = rows.slice(0, 15).reverse();
  return {
    ...base,
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: shown.map((r) => r.label), axisLabel: { width: 200, overflow: 'truncate' } },
    series: [{ type: 'bar', data: shown.map((r) => r.count), itemStyle: { color }, label: { show: true, position: 'right' }, barMaxWidth: 22 }],
  };
}

/** Alarms per local hour, the shifts shaded behind the bars. */
export function hourOption(byHour: number[], shifts: { key: ShiftKey; label: string; fromHour: number; toHour: number }[], hourLabel: (h: number) => string): ChartOption {
  return {
    ...base,
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: byHour.map((_, h) => hourLabel(h)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        data: byHour,
        itemStyle: { color: BLUE },
        barMaxWidth: 18,
        markArea: {
          silent: true,
          label: { position: 'insideTop', color: '#8c8c8c', fontFamily: FONT },
          data: shifts.map((s) => [
            { name: s.label, xAxis: hourLabel(s.fromHour), itemStyle: { color: `${SHIFT_COLOR[s.key][1]}33` } },
            { xAxis: hourLabel(s.toHour - 1) },
          ]),
        },
      },
    ],
  };
}

/** Alarms per local day, as a line. */
export function dayOption(byDay: AlarmStats['byDay']): ChartOption {
  return {
    ...base,
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: byDay.map((d) => d.date.slice(5)), boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'line', data: byDay.map((d) => d.count), itemStyle: { color: BLUE }, areaStyle: { color: `${BLUE}22` }, showSymbol: byDay.length <= 62 }],
  };
}

/** The unit that keeps a duration axis readable: seconds under 2 minutes, minutes under 2 hours, else hours. */
export function durationUnit(maxSeconds: number): { unit: 's' | 'min' | 'h'; divisor: number } {
  if (maxSeconds < 120) return { unit: 's', divisor: 1 };
  if (maxSeconds < 7200) return { unit: 'min', divisor: 60 };
  return { unit: 'h', divisor: 3600 };
}

/**
 * p50 and p90 per step (x axis) and shift (a solid p50 bar and a light p90 bar per shift), in
 * the unit that suits the longest bar. Tooltips show the exact durations and how many alarms
 * reached the step.
 */
export function durationOption(
  durations: AlarmStats['durations'],
  labels: {
    step: (s: StatStep) => string;
    shift: (k: ShiftKey) => string;
    series: (shift: string, p: 'p50' | 'p90') => string;
    duration: (seconds: number | null) => string;
    count: (n: number) => string;
    unit: (u: 's' | 'min' | 'h') => string;
  },
): ChartOption {
  const max = Math.max(0, ...durations.shifts.flatMap((s) => STAT_STEPS.map((step) => s.steps[step].p90 ?? 0)));
  const { unit, divisor } = durationUnit(max);
  const scaled = (seconds: number | null) => (seconds === null ? null : Math.round((seconds / divisor) * 10) / 10);
  const series = durations.shifts.flatMap((s) =>
    (['p50', 'p90'] as const).map((p) => ({
      type: 'bar',
      name: labels.series(labels.shift(s.shift), p),
      data: STAT_STEPS.map((step) => ({ value: scaled(s.steps[step][p]), seconds: s.steps[step][p], n: s.steps[step].count })),
      itemStyle: { color: SHIFT_COLOR[s.shift][p === 'p50' ? 0 : 1] },
      barMaxWidth: 16,
    })),
  );
  return {
    ...base,
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (items: { marker: string; seriesName: string; data: { seconds: number | null; n: number } }[]) =>
        items.map((i) => `${i.marker}${i.seriesName}: ${labels.duration(i.data.seconds)} (${labels.count(i.data.n)})`).join('<br/>'),
    },
    xAxis: { type: 'category', data: STAT_STEPS.map(labels.step) },
    yAxis: { type: 'value', name: labels.unit(unit), nameTextStyle: { align: 'left' } },
    series,
  };
}
