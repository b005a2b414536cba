/**
 * echarts options of the duty statistics tab, from the API answer and translated labels (this
 * file holds no text of its own).
 */
import type { ResponseTimes } from '../../api/duty-stats.ts';
import type { ChartOption } from '../../components/EChart.tsx';

const FONT = "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif";
const base = { animation: false, textStyle: { fontFamily: FONT }, tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } } };

/** Green at 100 %, amber from 90 %, red below. */
export const pctColor = (pct: number) => (pct >= 99.95 ? '#389e0d' : pct >= 90 ? '#d48806' : '#cf1322');

function pctBars(rows: { label: string; pct: number }[]): ChartOption {
  const shown = rows.slice(0, 20).reverse();
  return {
    ...base,
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: shown.map((r) => r.label), axisLabel: { width: 160, overflow: 'truncate' } },
    series: [{ type: 'bar', data: shown.map((r) => ({ value: r.pct, itemStyle: { color: pctColor(r.pct) } })), label: { show: true, position: 'right', formatter: '{c}%' }, barMaxWidth: 20 }],
  };
}

/** Covered share of each command-centre post. */
export const coverageOption = (rows: { label: string; pct: number }[]) => pctBars(rows);
/** On-time share of each route or guard. */
export const patrolOption = (rows: { label: string; pct: number }[]) => pctBars(rows);

/** Minutes to acknowledge (median and P90), to arrive and to close (median) per shift. */
export function responseOption(rows: { label: string; times: ResponseTimes }[], names: { ack50: string; ack90: string; arrive50: string; close50: string; unit: string }): ChartOption {
  const min = (s: number | null) => (s === null ? null : Math.round((s / 60) * 10) / 10);
  const series = [
    { name: names.ack50, color: '#1668dc', pick: (r: ResponseTimes) => r.acknowledge.p50 },
    { name: names.ack90, color: '#91caff', pick: (r: ResponseTimes) => r.acknowledge.p90 },
    { name: names.arrive50, color: '#d46b08', pick: (r: ResponseTimes) => r.arrive.p50 },
    { name: names.close50, color: '#531dab', pick: (r: ResponseTimes) => r.close.p50 },
  ];
  return {
    ...base,
    legend: { top: 0, textStyle: { fontFamily: FONT } },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.label) },
    yAxis: { type: 'value', name: names.unit, nameTextStyle: { fontFamily: FONT } },
    series: series.map((s) => ({ type: 'bar', name: s.name, data: rows.map((r) => min(s.pick(r.times))), itemStyle: { color: s.color }, barMaxWidth: 22 })),
  };
}
