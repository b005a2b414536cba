/**
 * The spreadsheet format of the device ledger: one column per ledger field, Chinese headers,
 * Chinese labels for the closed lists, places by name. The same table drives the export, the
 * template (with its 说明 sheet) and the import, so the three cannot disagree.
 */
import type { Device, DeviceInput } from '../../../shared/devices.ts';
import type { ImportProblem } from '../../../shared/ledger-io.ts';
import { CAMERA_TYPE_LABELS, fold, KIND_LABELS, PLACEMENT_LABELS, RESOLUTION_LABELS, STATUS_LABELS, type EnumList } from './labels.ts';
import { cellText, parseDate, parseNumber, type Cell } from '../../util/spreadsheet.ts';

export { cellText, parseDate, parseNumber, type Cell };

export type PlaceLevel = 'campus' | 'building' | 'floor' | 'area';

interface ColumnBase {
  key: string;
  header: string;
  /** Other headers accepted on import (the console's form labels, older names). */
  aliases?: string[];
  /** The ledger field (DeviceInput path) the column fills. */
  field: string;
  required?: boolean;
  /** Column width in the xlsx, in characters. */
  width: number;
  /** What the 说明 sheet says about the column. */
  help: string;
}

export type Column = ColumnBase &
  (
    | { type: 'text'; maxLength: number; /** Long digit strings Excel may have turned into numbers. */ digits?: boolean }
    | { type: 'enum'; list: EnumList }
    | { type: 'number'; min: number; max: number; integer?: boolean }
    | { type: 'date' }
    | { type: 'place'; level: PlaceLevel }
  );

// Limits are those of the POST /api/devices body schema (devices.routes.ts).
export const COLUMNS: readonly Column[] = [
  { key: 'name', header: '名称', field: 'name', type: 'text', maxLength: 100, required: true, width: 28, help: '设备名称，1–100 个字符' },
  { key: 'kind', header: '设备类型', field: 'kind', type: 'enum', list: KIND_LABELS, required: true, width: 14, help: '从下拉列表选择' },
  { key: 'status', header: '台账状态', field: 'status', type: 'enum', list: STATUS_LABELS, width: 10, help: '留空为「在用」' },
  { key: 'campus', header: '校区', field: 'campusId', type: 'place', level: 'campus', required: true, width: 14, help: '校区名称，须为本校已有校区（见「位置」工作表）' },
  { key: 'building', header: '楼宇', field: 'buildingId', type: 'place', level: 'building', width: 16, help: '所在校区内的楼宇名称；室外设备留空' },
  { key: 'floor', header: '楼层', field: 'floorId', type: 'place', level: 'floor', width: 8, help: '所在楼宇内的楼层名称（也可填楼层号，如 3、-1）；须同时填写楼宇' },
  { key: 'area', header: '区域', field: 'areaId', type: 'place', level: 'area', width: 14, help: '所在楼层内的区域名称；须同时填写楼层' },
  { key: 'lon', header: '经度', field: 'lon', type: 'number', min: -180, max: 180, width: 13, help: 'WGS84 经度（度），与纬度同时填写或同时留空' },
  { key: 'lat', header: '纬度', field: 'lat', type: 'number', min: -90, max: 90, width: 13, help: 'WGS84 纬度（度）' },
  { key: 'vendor', header: '厂商', field: 'vendor', type: 'text', maxLength: 100, width: 12, help: '最多 100 个字符' },
  { key: 'model', header: '型号', field: 'model', type: 'text', maxLength: 100, width: 18, help: '最多 100 个字符' },
  { key: 'serial', header: '序列号', field: 'serial', type: 'text', maxLength: 100, digits: true, width: 20, help: '本校内不得与已有设备或本文件中的其他行重复；请以文本格式填写' },
  { key: 'ip', header: 'IP地址', aliases: ['IP'], field: 'ip', type: 'text', maxLength: 45, width: 16, help: 'IPv4 或 IPv6 地址' },
  {
    key: 'gbId',
    header: '国标编码',
    aliases: ['国标编码（GB/T 28181）', 'GB/T 28181 编码', '国标ID'],
    field: 'gbId',
    type: 'text',
    maxLength: 20,
    digits: true,
    width: 24,
    help: 'GB/T 28181 的 20 位编码，类型码须与设备类型相符（摄像机 131/132 等）；本校内不得重复；请以文本格式填写，否则 Excel 会丢失末尾数字',
  },
  { key: 'installDate', header: '安装日期', field: 'installDate', type: 'date', width: 12, help: '格式 YYYY-MM-DD（也接受 2024/6/1、2024年6月1日 和 Excel 日期）' },
  { key: 'warrantyEnd', header: '质保到期', aliases: ['质保截止'], field: 'warrantyEnd', type: 'date', width: 12, help: '格式同安装日期；不得早于安装日期' },
  { key: 'retentionDays', header: '录像保存天数', field: 'retentionDays', type: 'number', min: 0, max: 3650, integer: true, width: 12, help: '0–3650 的整数；仅摄像机、车牌识别摄像机和录像机填写' },
  { key: 'resolution', header: '分辨率', field: 'camera.resolution', type: 'enum', list: RESOLUTION_LABELS, width: 12, help: '摄像机和车牌识别摄像机必填；其他设备留空' },
  { key: 'cameraType', header: '云台类型', aliases: ['机型'], field: 'camera.type', type: 'enum', list: CAMERA_TYPE_LABELS, width: 11, help: '摄像机和车牌识别摄像机必填；其他设备留空' },
  { key: 'mountHeightM', header: '安装高度(米)', aliases: ['安装高度'], field: 'camera.mountHeightM', type: 'number', min: 0, max: 100, width: 12, help: '0–100；仅摄像机' },
  { key: 'bearingDeg', header: '朝向(度)', aliases: ['朝向（度，正北为 0）', '朝向'], field: 'camera.bearingDeg', type: 'number', min: 0, max: 360, width: 10, help: '镜头指向，正北为 0，顺时针 0–360；仅摄像机' },
  { key: 'fovDeg', header: '水平视场角(度)', aliases: ['水平视场角'], field: 'camera.fovDeg', type: 'number', min: 1, max: 360, width: 14, help: '1–360；仅摄像机' },
  { key: 'rangeM', header: '监控距离(米)', aliases: ['有效距离（米）', '有效距离', '监控距离'], field: 'camera.rangeM', type: 'number', min: 0.5, max: 1000, width: 12, help: '有效监控距离 0.5–1000 米；仅摄像机' },
  { key: 'placement', header: '室内外', aliases: ['安装环境'], field: 'camera.placement', type: 'enum', list: PLACEMENT_LABELS, width: 8, help: '仅摄像机' },
  { key: 'notes', header: '备注', field: 'notes', type: 'text', maxLength: 2000, width: 30, help: '最多 2000 个字符' },
];

export const HEADERS = COLUMNS.map((c) => c.header);
const COLUMN_INDEX = new Map(COLUMNS.map((c, i) => [c.key, i]));
export const columnOrder = (header: string) => COLUMNS.findIndex((c) => c.header === header);

/** Column of a ledger field, for reporting the problems `checkDeviceFields` and `prepare` find. */
const BY_FIELD = new Map(COLUMNS.map((c) => [c.field, c]));
export function columnOfField(field: string): Column | undefined {
  return BY_FIELD.get(field);
}

/** Header as people write it: `名称*`, `安装高度（米）`, ` IP 地址 ` all fold to the same key. */
const headerKey = (s: string) => fold(s).replace(/[*＊]+$/, '').replace(/\(必填\)$/, '');
const BY_HEADER = new Map<string, Column>();
for (const c of COLUMNS) for (const h of [c.header, ...(c.aliases ?? [])]) BY_HEADER.set(headerKey(h), c);

export interface HeaderMatch {
  /** Index of each known column in the file's row, by column key. */
  index: Map<string, number>;
  problems: ImportProblem[];
  warnings: ImportProblem[];
}

export function matchHeaders(cells: Cell[], headerRow: number): HeaderMatch {
  const index = new Map<string, number>();
  const problems: ImportProblem[] = [];
  const warnings: ImportProblem[] = [];
  cells.forEach((cell, i) => {
    const text = cellText(cell);
    if (!text) return;
    const col = BY_HEADER.get(headerKey(text));
    if (!col) {
      warnings.push({ row: headerRow, column: text, field: null, rule: 'unknownColumn', reason: 'is not a ledger column; ignored' });
      return;
    }
    if (index.has(col.key)) {
      problems.push({ row: headerRow, column: text, field: col.field, rule: 'duplicateColumn', reason: `appears twice (also column ${index.get(col.key)! + 1})` });
      return;
    }
    index.set(col.key, i);
  });
  for (const c of COLUMNS) {
    if (c.required && !index.has(c.key)) problems.push({ row: headerRow, column: c.header, field: c.field, rule: 'missingColumn', reason: 'required column is missing' });
  }
  return { index, problems, warnings };
}

// ---------------------------------------------------------------- rows

/** A device row as parsed: the fields that parsed, place names, and the problems found. */
export interface ParsedRow {
  row: number;
  input: Partial<DeviceInput> & { camera?: Record<string, unknown> };
  places: Record<PlaceLevel, string | null>;
  problems: ImportProblem[];
  /** Headers of the columns with a value (to place a "camera fields do not apply" problem). */
  filled: string[];
}

function setField(input: ParsedRow['input'], field: string, value: unknown) {
  if (field.startsWith('camera.')) (input.camera ??= {})[field.slice(7)] = value;
  else (input as Record<string, unknown>)[field] = value;
}

/** Parses the cells of one row (Excel row number `row`) into a draft device. */
export function parseRow(row: number, cells: Cell[], index: Map<string, number>): ParsedRow {
  const out: ParsedRow = { row, input: {}, places: { campus: null, building: null, floor: null, area: null }, problems: [], filled: [] };
  const fail = (c: Column, rule: string, reason: string, value?: string, params?: ImportProblem['params']) =>
    out.problems.push({ row, column: c.header, field: c.field, rule, reason, ...(value !== undefined ? { value } : {}), ...(params ? { params } : {}) });

  for (const c of COLUMNS) {
    const i = index.get(c.key);
    const cell: Cell = i === undefined ? null : (cells[i] ?? null);
    const text = cellText(cell);
    if (!text) {
      if (c.required) fail(c, 'required', 'is required');
      continue;
    }
    out.filled.push(c.header);
    switch (c.type) {
      case 'text': {
        let value = text;
        // A number cell that lost digits, or the text Excel shows for one (3.10115E+19, in a CSV it saved).
        if (c.digits && ((typeof cell === 'number' && !Number.isSafeInteger(cell)) || /^[1-9](\.\d+)?E\+\d{1,3}$/i.test(text))) {
          fail(c, 'gbNumber', 'was turned into a number by Excel and lost digits; format the column as text and enter it again', text);
          continue;
        }
        // Notes keep their inner line breaks; every other text is one line.
        if (c.key !== 'notes') value = value.replace(/\s*[\r\n]+\s*/g, ' ');
        if (value.length > c.maxLength) {
          fail(c, 'maxLength', `must be at most ${c.maxLength} characters`, undefined, { limit: c.maxLength });
          continue;
        }
        setField(out.input, c.field, value);
        break;
      }
      case 'enum': {
        const code = c.list.parse(text);
        if (!code) {
          fail(c, 'enum', `"${text}" is not one of: ${c.list.labels().join(', ')}`, text, { allowed: c.list.labels().join('、') });
          continue;
        }
        setField(out.input, c.field, code);
        break;
      }
      case 'number': {
        const n = parseNumber(cell);
        if (n === null) fail(c, 'number', `"${text}" is not a number`, text);
        else if (c.integer && !Number.isInteger(n)) fail(c, 'integer', `"${text}" is not a whole number`, text);
        else if (n < c.min) fail(c, 'minimum', `must be >= ${c.min}`, text, { limit: c.min });
        else if (n > c.max) fail(c, 'maximum', `must be <= ${c.max}`, text, { limit: c.max });
        else setField(out.input, c.field, n);
        break;
      }
      case 'date': {
        const d = parseDate(cell);
        if (!d) fail(c, 'date', `"${text}" is not a date (YYYY-MM-DD)`, text);
        else setField(out.input, c.field, d);
        break;
      }
      case 'place':
        out.places[c.level] = text.replace(/\s*[\r\n]+\s*/g, ' ');
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------- export

export interface PlaceNames {
  nameOf(id: string | null): string | null;
}

/** The row of a device in an export, in COLUMNS order: numbers stay numbers, the rest text. */
export function deviceRow(d: Device, places: PlaceNames): (string | number | null)[] {
  const cam = d.camera;
  const values: Record<string, string | number | null> = {
    name: d.name,
    kind: KIND_LABELS.label(d.kind),
    status: STATUS_LABELS.label(d.status),
    campus: places.nameOf(d.campusId),
    building: places.nameOf(d.buildingId),
    floor: places.nameOf(d.floorId),
    area: places.nameOf(d.areaId),
    lon: d.lon,
    lat: d.lat,
    vendor: d.vendor,
    model: d.model,
    serial: d.serial,
    ip: d.ip,
    gbId: d.gbId,
    installDate: d.installDate,
    warrantyEnd: d.warrantyEnd,
    retentionDays: d.retentionDays,
    resolution: cam ? RESOLUTION_LABELS.label(cam.resolution) : null,
    cameraType: cam ? CAMERA_TYPE_LABELS.label(cam.type) : null,
    mountHeightM: cam?.mountHeightM ?? null,
    bearingDeg: cam?.bearingDeg ?? null,
    fovDeg: cam?.fovDeg ?? null,
    rangeM: cam?.rangeM ?? null,
    placement: cam?.placement ? PLACEMENT_LABELS.label(cam.placement) : null,
    notes: d.notes,
  };
  const row = new Array<string | number | null>(COLUMNS.length);
  for (const [key, value] of Object.entries(values)) row[COLUMN_INDEX.get(key)!] = value;
  return row;
}
