import type { Map as MapLibreMap } from 'maplibre-gl';
import { DEVICE_KINDS, type DeviceKind } from '../../../shared/domain.ts';
import { DEVICE_STYLE, type Shape } from '../../components/palette.ts';

/** Device markers are drawn on a canvas here (no sprite sheet to download): one image per kind. */
const PIXEL_RATIO = 2;
const SIZE = 22 * PIXEL_RATIO;

/**
 * How a marker shows the device's online state: `online` (and no state known yet) in the kind's
 * colour, `offline` greyed, `unknown` (never seen) hollow: the kind's outline on white.
 */
export const ICON_VARIANTS = ['online', 'offline', 'unknown'] as const;
export type IconVariant = (typeof ICON_VARIANTS)[number];

export const deviceIconId = (kind: DeviceKind, variant: IconVariant = 'online') => (variant === 'online' ? `device-${kind}` : `device-${kind}-${variant}`);

const OFFLINE_FILL = '#b8bec7';
const OFFLINE_STROKE = '#7d8794';

function polygon(ctx: CanvasRenderingContext2D, cx: number, cy: number, radius: number, corners: number, rotationDeg: number, inner?: number) {
  const points = inner ? corners * 2 : corners;
  ctx.beginPath();
  for (let i = 0; i < points; i++) {
    const r = inner && i % 2 === 1 ? inner : radius;
    const a = ((rotationDeg + (360 * i) / points) * Math.PI) / 180;
    const x = cx + r * Math.sin(a);
    const y = cy - r * Math.cos(a);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.closePath();
}

function tracePath(ctx: CanvasRenderingContext2D, shape: Shape, c: number, r: number) {
  switch (shape) {
    case 'circle':
      ctx.beginPath();
      ctx.arc(c, c, r, 0, Math.PI * 2);
      return;
    case 'roundedSquare':
      ctx.beginPath();
      ctx.roundRect(c - r * 0.9, c - r * 0.9, r * 1.8, r * 1.8, r * 0.45);
      return;
    case 'square':
      ctx.beginPath();
      ctx.rect(c - r * 0.85, c - r * 0.85, r * 1.7, r * 1.7);
      return;
    case 'wide':
      ctx.beginPath();
      ctx.roundRect(c - r * 1.1, c - r * 0.6, r * 2.2, r * 1.2, r * 0.2);
      return;
    case 'triangle':
      return polygon(ctx, c, c + r * 0.2, r * 1.25, 3, 0);
    case 'triangleDown':
      return polygon(ctx, c, c - r * 0.2, r * 1.25, 3, 180);
    case 'diamond':
      return polygon(ctx, c, c, r * 1.2, 4, 0);
    case 'hexagon':
      return polygon(ctx, c, c, r * 1.05, 6, 30);
    case 'star':
      return polygon(ctx, c, c + r * 0.1, r * 1.3, 5, 0, r * 0.6);
    case 'octagon':
      return polygon(ctx, c, c, r * 1.05, 8, 22.5);
    case 'pentagon':
      return polygon(ctx, c, c + r * 0.05, r * 1.1, 5, 0);
    case 'cross': {
      const a = r * 0.42;
      const b = r * 1.05;
      ctx.beginPath();
      ctx.moveTo(c - a, c - b);
      ctx.lineTo(c + a, c - b);
      ctx.lineTo(c + a, c - a);
      ctx.lineTo(c + b, c - a);
      ctx.lineTo(c + b, c + a);
      ctx.lineTo(c + a, c + a);
      ctx.lineTo(c + a, c + b);
      ctx.lineTo(c - a, c + b);
      ctx.lineTo(c - a, c + a);
      ctx.lineTo(c - b, c + a);
      ctx.lineTo(c - b, c - a);
      ctx.lineTo(c - a, c - a);
      ctx.closePath();
      return;
    }
  }
}

function drawIcon(kind: DeviceKind, variant: IconVariant = 'online'): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext('2d')!;
  const { color, shape } = DEVICE_STYLE[kind];
  const c = SIZE / 2;
  const r = SIZE * 0.3;
  tracePath(ctx, shape, c, r);
  ctx.shadowColor = variant === 'offline' ? 'rgba(0,0,0,0.2)' : 'rgba(0,0,0,0.35)';
  ctx.shadowBlur = 2 * PIXEL_RATIO;
  ctx.fillStyle = variant === 'online' ? color : variant === 'offline' ? OFFLINE_FILL : '#ffffff';
  ctx.fill();
  ctx.shadowColor = 'transparent';
  ctx.lineJoin = 'round';
  if (variant === 'unknown') {
    // Hollow: the kind's colour as a thick outline, so kind stays readable but nothing looks alarming.
    ctx.lineWidth = 2.4 * PIXEL_RATIO;
    ctx.strokeStyle = color;
    ctx.stroke();
    tracePath(ctx, shape, c, r + 1.6 * PIXEL_RATIO);
    ctx.lineWidth = 0.8 * PIXEL_RATIO;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
    return canvas;
  }
  ctx.lineWidth = 1.6 * PIXEL_RATIO;
  ctx.strokeStyle = variant === 'offline' ? OFFLINE_STROKE : '#ffffff';
  ctx.stroke();
  return canvas;
}

export function registerDeviceIcons(map: MapLibreMap): void {
  for (const kind of DEVICE_KINDS) {
    for (const variant of ICON_VARIANTS) {
      const id = deviceIconId(kind, variant);
      if (map.hasImage(id)) continue;
      const canvas = drawIcon(kind, variant);
      map.addImage(id, canvas.getContext('2d')!.getImageData(0, 0, SIZE, SIZE), { pixelRatio: PIXEL_RATIO });
    }
  }
}

const legendCache = new Map<string, string>();
/** The same marker as a data URL for legends and lists. */
export function deviceIconUrl(kind: DeviceKind, variant: IconVariant = 'online'): string {
  const key = deviceIconId(kind, variant);
  let url = legendCache.get(key);
  if (!url) {
    url = drawIcon(kind, variant).toDataURL('image/png');
    legendCache.set(key, url);
  }
  return url;
}
