/** The start of a raw message on one line: whitespace collapsed, control characters shown as `·`. */
export function rawPreview(text: string, max = 60): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f\ufffd]/g, '·').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Bytes as B / KiB / MiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
