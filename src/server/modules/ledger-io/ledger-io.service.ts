/**
 * Excel/CSV import and export of the device ledger.
 *
 * Export: every device matching the ledger's filter, streamed page by page, places by name.
 * Import: the file is read and checked in memory against one preloaded copy of the university's
 * org tree and its existing GB/T 28181 ids and serials, with the API's own rules (each row goes
 * through `DevicesService.prepare`, i.e. `checkDeviceFields` and `OrgService.resolveLocation`,
 * the latter once per distinct place); the valid rows are then written with one bulk insert and
 * one audit entry in one transaction.
 *
 * Import creates devices only. A row whose GB/T 28181 id or serial number is already in the
 * university's ledger (or on another row of the file) is refused with the row named, so a file
 * imported twice cannot double the ledger.
 */
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type * as ExcelJS from 'exceljs';
import type { DeviceKind, DeviceStatus } from '../../../shared/domain.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import { AppError, conflict, invalidField } from '../../http/errors.ts';
import { type Actor, listScope, scopeOf } from '../../http/policy.ts';
import type { AuditService } from '../audit/index.ts';
import type { Device, DeviceInput } from '../../../shared/devices.ts';
import type { DeviceQuery } from '../devices/index.ts';
import { checkDeviceFields, type DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import { COLUMNS, columnOfField, columnOrder, deviceRow, matchHeaders, parseRow, type ParsedRow } from './columns.ts';
import type { ImportProblem, ImportReport } from '../../../shared/ledger-io.ts';
import { CAMERA_TYPE_LABELS, KIND_LABELS, PLACEMENT_LABELS, RESOLUTION_LABELS, STATUS_LABELS } from './labels.ts';
import { PlaceIndex, type ResolvedPlace } from './places.ts';
import { csvStream, LEDGER_SHEET, loadExcelJS, LEDGER_SHEET_OPTIONS, MAX_ROWS, readSpreadsheet, setupLedgerSheet, xlsxStream, type FileFormat } from './spreadsheet.ts';

export type ExportFilter = Omit<DeviceQuery, 'universityId' | 'page' | 'pageSize' | 'sort' | 'order'> &
  Partial<Pick<DeviceQuery, 'sort' | 'order'>> & { universityId?: string };

export interface ImportOptions {
  body: Buffer;
  fileName: string;
  universityId?: string;
  mode: 'preview' | 'commit';
  onlyValid: boolean;
}

/** A commit refused because of invalid rows: answered 400 with the whole report. */
export class ImportRejected extends AppError {
  constructor(
    message: string,
    readonly report: ImportReport,
  ) {
    super('XIAOAN_VALIDATION_FAILED', message, report.problems.slice(0, 1000).map(toFieldProblem));
  }
}

const toFieldProblem = (p: ImportProblem): FieldProblem => ({ field: `row ${p.row}: ${p.column}`, reason: p.reason, rule: p.rule });

const EXPORT_PAGE = 1000;
const CAMERA_COLUMNS = COLUMNS.filter((c) => c.field.startsWith('camera.')).map((c) => c.header);

/** Beijing wall-clock time for file names: 20250601-0930. */
function stamp(iso: string): string {
  const t = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10).replace(/-/g, '')}-${t.slice(11, 16).replace(':', '')}`;
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export interface LedgerIoDeps {
  devices: DevicesService;
  org: OrgService;
  audit: AuditService;
  clock: Clock;
  bus?: Bus;
}

export class LedgerIoService {
  constructor(private readonly deps: LedgerIoDeps) {}

  private async places(universityId: string | null): Promise<PlaceIndex> {
    return new PlaceIndex(await this.deps.org.treeRows(universityId));
  }

  // ---------------------------------------------------------------- export

  /**
   * Every device matching the filter (the ledger table's, without paging) as xlsx or CSV. The
   * first page is read before the answer starts, so a bad filter is still a clean HTTP error.
   */
  async exportDevices(actor: Actor, filter: ExportFilter, format: FileFormat, onStreamError: (err: unknown) => void): Promise<{ stream: Readable; fileName: string; asciiName: string; rows: number }> {
    const places = await this.places(listScope(actor, filter.universityId));
    const query = { ...filter, sort: filter.sort ?? 'name', order: filter.order ?? 'asc', pageSize: EXPORT_PAGE } as const;
    const first = await this.deps.devices.list(actor, { ...query, page: 1 });
    const devices = this.deps.devices;
    async function* rows() {
      let page = first;
      for (let n = 1; ; ) {
        for (const d of page.items) yield deviceRow(d, places);
        if (page.items.length < EXPORT_PAGE) return;
        page = await devices.list(actor, { ...query, page: ++n });
      }
    }
    await this.deps.audit.recordAlone(actor, {
      action: 'export',
      entityType: 'device',
      entityId: null,
      universityId: listScope(actor, filter.universityId),
      after: { format, filter, rows: first.total },
    });
    const stream = format === 'csv' ? csvStream(rows()) : await xlsxStream(rows(), onStreamError);
    const when = stamp(this.deps.clock.nowIso());
    return { stream, fileName: `${LEDGER_SHEET}-${when}.${format}`, asciiName: `device-ledger-${when}.${format}`, rows: first.total };
  }

  // ---------------------------------------------------------------- template

  /** The university an import writes to: the actor's own, or the one a city-wide account names. */
  private async targetUniversity(actor: Actor, requested: string | undefined): Promise<{ id: string; name: string; places: PlaceIndex }> {
    const scope = scopeOf(actor);
    if (scope === null && !requested) throw invalidField('universityId', 'is required for a city-wide account: name the university to import into', 'required');
    const id = scope ?? requested!;
    if (requested && requested !== id) throw invalidField('universityId', 'no such university');
    const places = await this.places(id);
    const uni = places.university(id);
    if (!uni) throw invalidField('universityId', 'no such university');
    return { ...uni, places };
  }

  /** xlsx with the headers, one example row, a 说明 sheet, the university's places and dropdowns. */
  async template(actor: Actor, universityId?: string): Promise<{ buffer: Buffer; fileName: string; asciiName: string }> {
    const target = scopeOf(actor) !== null || universityId ? await this.targetUniversity(actor, universityId) : null;
    const paths = target ? target.places.paths(target.id) : [];
    const where = paths.find((p) => p.length === 3) ?? paths.find((p) => p.length >= 1) ?? ['东校区'];

    const wb = new (await loadExcelJS()).Workbook();
    wb.creator = 'xiaoan';
    const ws = wb.addWorksheet(LEDGER_SHEET, LEDGER_SHEET_OPTIONS);
    setupLedgerSheet(ws);
    const example: Record<string, string | number> = {
      name: '示例-南门-人脸抓拍-01',
      kind: KIND_LABELS.label('camera'),
      status: STATUS_LABELS.label('in_service'),
      campus: where[0]!,
      ...(where[1] ? { building: where[1] } : {}),
      ...(where[2] ? { floor: where[2] } : {}),
      vendor: '海康威视',
      model: 'DS-2CD3T47WD',
      serial: 'DS-2CD3T47WD20240601AAWR999901',
      ip: '10.20.1.11',
      gbId: '31011500111320999901',
      installDate: '2024-06-01',
      warrantyEnd: '2027-06-01',
      retentionDays: 30,
      resolution: RESOLUTION_LABELS.label('1080p'),
      cameraType: CAMERA_TYPE_LABELS.label('fixed'),
      mountHeightM: 4,
      bearingDeg: 180,
      fovDeg: 70,
      rangeM: 40,
      placement: PLACEMENT_LABELS.label('outdoor'),
      notes: '示例行：导入前请改写或删除',
    };
    const row = ws.addRow(COLUMNS.map((c) => example[c.key] ?? null));
    row.font = { italic: true, color: { argb: 'FF7F7F7F' } };
    const last = MAX_ROWS + 1;
    COLUMNS.forEach((c, i) => {
      if (c.type !== 'enum') return;
      const letter = ws.getColumn(i + 1).letter;
      // exceljs writes the range as one <dataValidation sqref="B2:B50001">.
      (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(`${letter}2:${letter}${last}`, {
        type: 'list',
        allowBlank: !c.required,
        formulae: [`"${c.list.labels().join(',')}"`],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: c.header,
        error: `请从下拉列表选择：${c.list.labels().join('、')}`,
      });
    });

    const help = wb.addWorksheet('说明');
    help.columns = [
      { header: '列名', key: 'header', width: 16 },
      { header: '必填', key: 'required', width: 6 },
      { header: '说明', key: 'help', width: 70 },
      { header: '可选值', key: 'values', width: 70 },
    ];
    help.getRow(1).font = { bold: true };
    for (const c of COLUMNS) {
      help.addRow({ header: c.header, required: c.required ? '是' : '', help: c.help, values: c.type === 'enum' ? c.list.labels().join('、') : '' });
    }
    help.addRow([]);
    const notes = [
      '填写规则',
      `1. 「${LEDGER_SHEET}」工作表第 1 行为表头，从第 2 行起每行一台设备；第 2 行为示例，导入前请改写或删除。列的顺序不限，无法识别的列会被忽略。`,
      '2. 校区、楼宇、楼层、区域按名称填写，须为本校已有的位置（见「位置」工作表）；楼宇在所填校区内查找，楼层在楼宇内查找，区域在楼层内查找。',
      '3. 导入只新增设备：国标编码或序列号与台账中已有设备相同、或与文件中其他行相同的行不会导入，并在校验结果中列出。',
      '4. 先校验后导入：存在错误行时可修改文件重新上传，或选择「仅导入有效行」。所有设备在一次事务中写入，并记入审计日志。',
      `5. 每个文件最多 ${MAX_ROWS} 行、20 MB；支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）。国标编码、序列号请保持文本格式，以免 Excel 将长数字改为科学计数法。`,
      '6. 从本系统导出的 Excel/CSV 文件可直接再次导入。',
    ];
    for (const [i, text] of notes.entries()) {
      const r = help.addRow([text]);
      help.mergeCells(r.number, 1, r.number, 4);
      if (i === 0) r.font = { bold: true };
    }

    const placesSheet = wb.addWorksheet('位置', { views: [{ state: 'frozen', ySplit: 1 }] });
    placesSheet.columns = [
      { header: '校区', width: 16 },
      { header: '楼宇', width: 22 },
      { header: '楼层', width: 10 },
      { header: '区域', width: 22 },
    ];
    placesSheet.getRow(1).font = { bold: true };
    for (const p of paths) placesSheet.addRow(p);

    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    return { buffer, fileName: `设备台账导入模板${target ? '-' + target.name : ''}.xlsx`, asciiName: 'device-ledger-template.xlsx' };
  }

  // ---------------------------------------------------------------- import

  async importFile(actor: Actor, opts: ImportOptions): Promise<ImportReport> {
    const t0 = performance.now();
    const uni = await this.targetUniversity(actor, opts.universityId);
    const tRead = performance.now();
    const sheet = await readSpreadsheet(opts.body, opts.fileName);
    const t1 = performance.now();

    const existing = await this.deps.devices.identifiersOf(uni.id);
    const existingGb = new Map<string, string>();
    const existingSerial = new Map<string, string>();
    for (const e of existing) {
      if (e.gbId) existingGb.set(e.gbId, e.name);
      if (e.serial) existingSerial.set(e.serial, e.name);
    }

    const header = matchHeaders(sheet.header, sheet.headerRow);
    const drafts = sheet.rows.map(({ row, cells }) => {
      const parsed = parseRow(row, cells, header.index);
      const { place, problems } = uni.places.resolve(uni.id, parsed.row, parsed.places);
      parsed.problems.push(...problems);
      return { parsed, place, placed: !problems.length && !!place.campusId };
    });
    const rows: { parsed: ParsedRow; device: Device | null }[] = [];
    for (const d of drafts) rows.push({ parsed: d.parsed, device: await this.checkRow(actor, d, uni.places) });
    this.checkIdentity(rows, 'gbId', existingGb);
    this.checkIdentity(rows, 'serial', existingSerial);

    const problems = [...header.problems];
    const valid: Device[] = [];
    for (const r of rows) {
      if (r.parsed.problems.length) problems.push(...r.parsed.problems.sort((a, b) => columnOrder(a.column) - columnOrder(b.column)));
      else if (r.device && !header.problems.length) valid.push(r.device);
    }
    const t2 = performance.now();

    const report: ImportReport = {
      mode: opts.mode,
      fileName: opts.fileName,
      format: sheet.format,
      sheet: sheet.sheet,
      universityId: uni.id,
      universityName: uni.name,
      rows: rows.length,
      valid: valid.length,
      invalid: rows.length - valid.length,
      created: 0,
      onlyValid: opts.onlyValid,
      problems,
      warnings: header.warnings,
      timings: { parseMs: t1 - tRead, validateMs: tRead - t0 + (t2 - t1), writeMs: 0, totalMs: t2 - t0 },
    };
    if (opts.mode === 'preview') return report;

    if (!rows.length) throw new ImportRejected('the file has no device rows; nothing was imported', report);
    if (report.invalid && !opts.onlyValid) throw new ImportRejected(`${report.invalid} of ${report.rows} rows are invalid; nothing was imported (fix them, or import only the valid rows)`, report);
    if (!valid.length) throw new ImportRejected(`none of the ${report.rows} rows is valid; nothing was imported`, report);

    try {
      await this.deps.devices.createMany(actor, valid, {
        universityId: uni.id,
        after: {
          fileName: opts.fileName,
          format: sheet.format,
          sheet: sheet.sheet,
          rows: report.rows,
          created: valid.length,
          skippedInvalid: report.invalid,
          onlyValid: opts.onlyValid,
          deviceIds: valid.map((d) => d.id),
        },
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('a device with the same GB/T 28181 id was registered while the file was being imported; nothing was imported, check the file again');
      throw e;
    }
    const t3 = performance.now();
    report.created = valid.length;
    report.timings.writeMs = t3 - t2;
    report.timings.totalMs = t3 - t0;
    return report;
  }

  /**
   * The API's own checks of a row whose places are resolved (`DevicesService.prepare`, with the
   * org units served from the preloaded tree: the same rules, no query per row); the problems are
   * added to `parsed`.
   */
  private async checkRow(actor: Actor, draft: { parsed: ParsedRow; place: ResolvedPlace; placed: boolean }, places: PlaceIndex): Promise<Device | null> {
    const { parsed, place } = draft;
    const kind = parsed.input.kind as DeviceKind | undefined;
    if (!kind || !parsed.input.name) return null;
    const input: DeviceInput = {
      ...parsed.input,
      name: parsed.input.name,
      kind,
      status: parsed.input.status as DeviceStatus | undefined,
      camera: parsed.input.camera as DeviceInput['camera'],
      ...place,
    };
    let device: Device | null = null;
    let found: FieldProblem[];
    if (draft.placed) {
      try {
        device = await this.deps.devices.prepare(actor, input, undefined, places.unitsById);
        found = [];
      } catch (e) {
        if (!(e instanceof AppError) || !e.details.length) throw e;
        found = e.details;
      }
    } else found = checkDeviceFields(input);
    this.addFieldProblems(parsed, found);
    return parsed.problems.length ? null : device;
  }

  /** Problems of `checkDeviceFields`/`resolveLocation` (by ledger field) under the column they concern. */
  private addFieldProblems(parsed: ParsedRow, found: FieldProblem[]) {
    const taken = new Set(parsed.problems.map((p) => p.column));
    const kind = parsed.input.kind as DeviceKind | undefined;
    for (const f of found) {
      let columns: { header: string; field: string }[];
      if (f.field === 'camera' && f.rule === 'kind') {
        // Camera fields on a device that has none: the first camera column filled in.
        const filled = parsed.filled.find((h) => CAMERA_COLUMNS.includes(h)) ?? CAMERA_COLUMNS[0]!;
        columns = [{ header: filled, field: 'camera' }];
      } else if (f.field === 'camera') {
        // No camera fields at all on a camera: resolution and type are the required ones.
        columns = ['camera.resolution', 'camera.type'].map((field) => ({ header: columnOfField(field)!.header, field }));
      } else columns = [{ header: columnOfField(f.field)?.header ?? f.field, field: f.field }];
      for (const c of columns) {
        if (taken.has(c.header)) continue; // the cell's own problem says it already
        taken.add(c.header);
        const params: ImportProblem['params'] = f.rule === 'gb28181' ? { detail: f.reason } : f.rule === 'kind' && kind ? { kind } : undefined;
        const reason = c.field === f.field ? f.reason : `is required for a ${kind}`;
        parsed.problems.push({ row: parsed.row, column: c.header, field: c.field, rule: f.rule ?? 'invalid', reason, ...(params ? { params } : {}) });
      }
    }
  }

  /** GB/T 28181 ids and serials: unique within the file and new to the university's ledger. */
  private checkIdentity(rows: { parsed: ParsedRow; device: Device | null }[], field: 'gbId' | 'serial', existing: Map<string, string>) {
    const header = columnOfField(field)!.header;
    const byValue = new Map<string, number[]>();
    for (const { parsed } of rows) {
      const v = parsed.input[field];
      if (typeof v === 'string' && v) byValue.set(v, [...(byValue.get(v) ?? []), parsed.row]);
    }
    for (const r of rows) {
      const v = r.parsed.input[field];
      if (typeof v !== 'string' || !v) continue;
      if (r.parsed.problems.some((p) => p.column === header)) continue;
      const same = byValue.get(v)!;
      const name = existing.get(v);
      if (name !== undefined) {
        r.parsed.problems.push({ row: r.parsed.row, column: header, field, rule: 'exists', reason: `is already used by device "${name}" in the ledger`, value: v, params: { name } });
      } else if (same.length > 1) {
        const others = same.filter((n) => n !== r.parsed.row).join(', ');
        r.parsed.problems.push({ row: r.parsed.row, column: header, field, rule: 'duplicate', reason: `is also on row ${others} of the file`, value: v, params: { rows: others } });
      } else continue;
      r.device = null;
    }
  }
}

