/**
 * Latency statistics and table formatting shared by the benchmarks.
 *
 * Percentiles use the nearest-rank method on the sorted samples (no interpolation): p95 of
 * 200 samples is the 190th smallest value, i.e. a latency that 95 % of requests did not exceed.
 */

export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending-sorted samples; `p` in [0, 100]. NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 100) return sorted[sorted.length - 1]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const count = sorted.length;
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    count,
    min: count ? sorted[0]! : Number.NaN,
    mean: count ? sum / count : Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: count ? sorted[count - 1]! : Number.NaN,
  };
}

/** Milliseconds with a precision that suits the magnitude: 0.42, 3.1, 27, 1234. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1) return ms.toFixed(2);
  if (ms < 10) return ms.toFixed(1);
  return ms.toFixed(0);
}

export function fmtRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1);
}

export type Align = 'left' | 'right';
type Cell = string | number;

/** Display width: CJK and other wide characters take two terminal columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    w += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) ? 2 : 1;
  }
  return w;
}

function pad(s: string, w: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** Fixed-width plain-text table for the console. */
export function textTable(headers: string[], rows: Cell[][], align: Align[] = []): string {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => pad(c, widths[i]!, align[i] ?? 'left')).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** GitHub-flavoured Markdown table. */
export function markdownTable(headers: string[], rows: Cell[][], align: Align[] = []): string {
  const esc = (c: Cell) => String(c).replace(/\|/g, '\\|');
  const sep = headers.map((_, i) => ((align[i] ?? 'left') === 'right' ? '---:' : '---'));
  return [headers, sep, ...rows.map((r) => r.map(esc))].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** Summary rows in the order label, count, p50, p95, p99, max (ms). */
export const LATENCY_HEADERS = ['query', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
export const LATENCY_ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right', 'right'];
export function latencyRow(label: string, s: Summary): Cell[] {
  return [label, s.count, fmtMs(s.p50), fmtMs(s.p95), fmtMs(s.p99), fmtMs(s.max)];
}
