/**
 * Reading and writing the two file formats: xlsx (exceljs) and CSV (RFC 4180, written as UTF-8
 * with a byte-order mark so that Excel opens it in Chinese; read as UTF-8, UTF-16 or GB18030,
 * the encodings Excel saves in on a Chinese Windows).
 */
import { PassThrough, Readable } from 'node:stream';
import type * as ExcelJS from 'exceljs';
import { invalidField } from '../../http/errors.ts';
import { COLUMNS, HEADERS, type Cell } from './columns.ts';

export type FileFormat = 'xlsx' | 'csv';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_MIME = 'text/csv';
let excel: Promise<typeof ExcelJS> | undefined;
/** exceljs on first use: ≈ 28 MiB of memory that a server which never imports or exports need not carry. */
export function loadExcelJS(): Promise<typeof ExcelJS> {
  return (excel ??= import('exceljs').then((m) => (m as unknown as { default: typeof ExcelJS }).default));
}

/** The sheet an export and the template write, and the one an import reads first. */
export const LEDGER_SHEET = '设备台账';
/** Device rows in one file at most: a bigger ledger is imported in parts. */
export const MAX_ROWS = 50_000;
/** Unpacked size of an xlsx at most (a 20 MB upload must not unpack into gigabytes). */
const MAX_UNZIPPED_BYTES = 400 * 1024 * 1024;

export interface SheetRows {
  format: FileFormat;
  sheet: string | null;
  /** Row number of the header (the first non-empty row). */
  headerRow: number;
  header: Cell[];
  rows: { row: number; cells: Cell[] }[];
}

const fileProblem = (reason: string) => invalidField('file', reason, 'file');

/** xlsx is a zip (PK\3\4); legacy .xls is an OLE file; anything else is read as CSV text. */
export function detectFormat(buf: Buffer, fileName: string): FileFormat {
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50) return 'xlsx';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw fileProblem('is a legacy .xls workbook; save it as .xlsx (Excel 2007 or later) or as CSV');
  }
  if (/\.xlsx$/i.test(fileName)) throw fileProblem('is named .xlsx but is not an xlsx workbook');
  if (buf.includes(0) && !(buf[0] === 0xff && buf[1] === 0xfe) && !(buf[0] === 0xfe && buf[1] === 0xff)) throw fileProblem('is neither an xlsx workbook nor a CSV text file');
  return 'csv';
}

export async function readSpreadsheet(buf: Buffer, fileName: string): Promise<SheetRows> {
  if (!buf.length) throw fileProblem('is empty');
  const format = detectFormat(buf, fileName);
  const { sheet, rows } = format === 'xlsx' ? await readXlsx(buf) : { sheet: null, rows: readCsv(buf) };
  const first = rows.findIndex((r) => r.cells.some((c) => cellPresent(c)));
  if (first < 0) throw fileProblem('has no header row');
  const data = rows.slice(first + 1).filter((r) => r.cells.some((c) => cellPresent(c)));
  if (data.length > MAX_ROWS) throw fileProblem(`has ${data.length} device rows; at most ${MAX_ROWS} can be imported at once, split the file`);
  return { format, sheet, headerRow: rows[first]!.row, header: rows[first]!.cells, rows: data };
}

const cellPresent = (c: Cell) => c !== null && (typeof c !== 'string' || c.trim() !== '');

// ---------------------------------------------------------------- xlsx

/** Sum of the unpacked sizes in the zip's central directory, without unpacking anything. */
export function zipUnpackedSize(buf: Buffer): number {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fileProblem('is not a readable xlsx workbook (no zip directory)');
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw fileProblem('is not a readable xlsx workbook (damaged zip directory)');
    const size = buf.readUInt32LE(p + 24);
    if (size === 0xffffffff) throw fileProblem('is too large to unpack');
    total += size;
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return total;
}

/** exceljs cell values → plain cells: rich text and hyperlinks as text, formulas as their result. */
export function plainCell(v: ExcelJS.CellValue | undefined): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return plainCell((v as { result?: ExcelJS.CellValue }).result as ExcelJS.CellValue);
    if ('hyperlink' in v && 'text' in v) return plainCell((v as { text: ExcelJS.CellValue }).text);
    if ('error' in v) return String((v as { error: string }).error);
  }
  return String(v);
}

/**
 * Sheet parts an import does not need. Data validations above all: exceljs expands a range
 * (the template's dropdowns cover 50,000 rows) into one entry per cell.
 */
const IGNORED_XLSX_NODES = ['dataValidations', 'conditionalFormatting', 'extLst', 'picture', 'drawing', 'legacyDrawing', 'autoFilter', 'tableParts', 'pageSetup', 'printOptions', 'headerFooter', 'rowBreaks', 'sheetProtection'];

async function readXlsx(buf: Buffer): Promise<{ sheet: string; rows: { row: number; cells: Cell[] }[] }> {
  if (zipUnpackedSize(buf) > MAX_UNZIPPED_BYTES) throw fileProblem(`unpacks to more than ${MAX_UNZIPPED_BYTES / 1024 / 1024} MB`);
  const wb = new (await loadExcelJS()).Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer, { ignoreNodes: IGNORED_XLSX_NODES });
  } catch (e) {
    throw fileProblem(`is not a readable xlsx workbook (${(e as Error).message})`);
  }
  const ws = wb.worksheets.find((w) => w.name === LEDGER_SHEET) ?? wb.worksheets.find((w) => w.state !== 'hidden' && w.state !== 'veryHidden') ?? wb.worksheets[0];
  if (!ws) throw fileProblem('has no worksheet');
  const rows: { row: number; cells: Cell[] }[] = [];
  ws.eachRow({ includeEmpty: false }, (r, rowNumber) => {
    const values = r.values as ExcelJS.CellValue[]; // 1-based
    const cells: Cell[] = [];
    for (let i = 1; i < values.length; i++) cells.push(plainCell(values[i]));
    rows.push({ row: rowNumber, cells });
  });
  return { sheet: ws.name, rows };
}

// ---------------------------------------------------------------- CSV

/** UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (Excel's "CSV" on Chinese Windows). */
export function decodeText(buf: Buffer): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return new TextDecoder('utf-8').decode(buf.subarray(3));
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('gb18030').decode(buf);
  }
}

/**
 * A text that would start a formula in Excel (`=`, `+`, `-`, `@` …; not a negative number) is
 * written with one more leading apostrophe (CSV injection), which the import takes off again.
 */
const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
/** Only a whole negative number is safe: `-1+cmd|'/c calc'!A1` starts like one and is a formula. */
const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;
const escapeFormula = (s: string) => (FORMULA_LIKE.test(s) && !NEGATIVE_NUMBER.test(s) ? "'" + s : s);
const unescapeFormula = (s: string) => (s.startsWith("'") && FORMULA_LIKE.test(s) && !NEGATIVE_NUMBER.test(s.slice(1)) ? s.slice(1) : s);

/** RFC 4180 records; the delimiter is a comma, or a tab when the first line has tabs and no commas. Row = record number. */
export function parseCsv(text: string): { row: number; cells: Cell[] }[] {
  const firstLine = text.slice(0, text.search(/\r|\n/) >>> 0);
  const delim = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const rows: { row: number; cells: Cell[] }[] = [];
  let cells: Cell[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    const v = unescapeFormula(field);
    cells.push(wasQuoted || v !== '' ? v : null);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    rows.push({ row: rows.length + 1, cells });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === delim) endField();
    else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else field += ch;
  }
  if (field !== '' || cells.length || wasQuoted) endRecord();
  return rows;
}

function readCsv(buf: Buffer): { row: number; cells: Cell[] }[] {
  return parseCsv(decodeText(buf));
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = escapeFormula(v);
  return /[",\r\n]|^\s|\s$/.test(s) || s.startsWith("'") ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV export: BOM, header, one CRLF-terminated line per row. */
export function csvStream(rows: AsyncIterable<(string | number | null)[]>): Readable {
  async function* lines() {
    yield '\ufeff' + HEADERS.map(csvField).join(',') + '\r\n';
    let batch = '';
    for await (const r of rows) {
      batch += r.map(csvField).join(',') + '\r\n';
      if (batch.length > 64 * 1024) {
        yield batch;
        batch = '';
      }
    }
    if (batch) yield batch;
  }
  return Readable.from(lines());
}

// ---------------------------------------------------------------- xlsx writing

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } };
const TEXT_KEYS = new Set(['name', 'vendor', 'model', 'serial', 'ip', 'gbId', 'installDate', 'warrantyEnd', 'notes', 'campus', 'building', 'floor', 'area']);

/** Options of the ledger sheet: the header row stays in view. */
export const LEDGER_SHEET_OPTIONS: Partial<ExcelJS.AddWorksheetOptions> = { views: [{ state: 'frozen', ySplit: 1 }] };

/** Header, widths, text format for codes and dates (so Excel keeps 20-digit codes). */
export function setupLedgerSheet(ws: ExcelJS.Worksheet) {
  ws.columns = COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width, style: TEXT_KEYS.has(c.key) ? { numFmt: '@' } : {} }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = HEADER_FILL;
  COLUMNS.forEach((c, i) => {
    if (c.required) header.getCell(i + 1).font = { bold: true, color: { argb: 'FFC00000' } };
  });
}

/** xlsx export, written row by row to the returned stream. */
export async function xlsxStream(rows: AsyncIterable<(string | number | null)[]>, onError: (err: unknown) => void): Promise<Readable> {
  const excelJS = await loadExcelJS();
  const out = new PassThrough();
  const wb = new excelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'xiaoan';
  const ws = wb.addWorksheet(LEDGER_SHEET, LEDGER_SHEET_OPTIONS);
  setupLedgerSheet(ws);
  ws.getRow(1).commit();
  void (async () => {
    for await (const r of rows) ws.addRow(r).commit();
    ws.commit();
    await wb.commit();
  })().catch((err) => {
    onError(err);
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return out;
}
