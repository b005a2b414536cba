/**
 * The Chinese labels of the closed lists, read from the shared zh-CN strings that the web console
 * shows too, so that a spreadsheet says exactly what the UI says (设备类型 摄像机, 台账状态 在用 …).
 * One source: a label changed in src/shared/i18n/zh-CN/enum.json changes the screen, the export,
 * the template and what the import accepts.
 */
import { CAMERA_RESOLUTIONS, CAMERA_TYPES, DEVICE_KINDS, DEVICE_STATUSES, PLACEMENTS } from '../../../shared/domain.ts';
import { SHARED_STRINGS } from '../../../shared/i18n/index.ts';

const ZH_ENUM: Readonly<Record<string, Readonly<Record<string, string>>>> = SHARED_STRINGS['zh-CN'].enum;

/** A closed list: its codes (English keys) and their Chinese labels, in the domain's order. */
export interface EnumList<T extends string = string> {
  name: string;
  codes: readonly T[];
  label(code: T): string;
  /** Code for a label or a code as written in a cell (exact label, code in any case, or label without spaces/width differences); undefined if none. */
  parse(text: string): T | undefined;
  labels(): string[];
}

/** Folds what people type differently but mean the same: full-width forms, case, spaces. */
export const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

function enumList<T extends string>(name: string, codes: readonly T[]): EnumList<T> {
  const group = ZH_ENUM[name];
  const byCode = new Map<T, string>();
  for (const code of codes) {
    const label = group?.[code];
    if (typeof label !== 'string' || !label) throw new Error(`src/shared/i18n/zh-CN/enum.json lacks ${name}.${code}`);
    byCode.set(code, label);
  }
  const exact = new Map<string, T>();
  const folded = new Map<string, T>();
  for (const [code, label] of byCode) {
    exact.set(label, code);
    folded.set(fold(label), code);
    folded.set(fold(code), code);
  }
  return {
    name,
    codes,
    label: (code) => byCode.get(code)!,
    parse: (text) => exact.get(text) ?? folded.get(fold(text)),
    labels: () => [...byCode.values()],
  };
}

export const KIND_LABELS = enumList('deviceKind', DEVICE_KINDS);
export const STATUS_LABELS = enumList('deviceStatus', DEVICE_STATUSES);
export const RESOLUTION_LABELS = enumList('cameraResolution', CAMERA_RESOLUTIONS);
export const CAMERA_TYPE_LABELS = enumList('cameraType', CAMERA_TYPES);
export const PLACEMENT_LABELS = enumList('placement', PLACEMENTS);
