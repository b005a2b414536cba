/**
 * Reading spreadsheets as people keep them (xlsx via exceljs, CSV as Excel saves it on a Chinese
 * Windows) and the cell helpers every file import needs. Shared by the device ledger's and the
 * people's import, so both accept the same files the same way.
 */
import type * as ExcelJS from 'exceljs';
import { invalidField } from '../http/errors.ts';

/** A cell as read from a file: CSV gives strings, xlsx also numbers, booleans and dates. */
export type Cell = string | number | boolean | Date | null;

export type FileFormat = 'xlsx' | 'csv';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_MIME = 'text/csv';
let excel: Promise<typeof ExcelJS> | undefined;
/** exceljs on first use: ≈ 28 MiB of memory that a server which never imports or exports need not carry. */
export function loadExcelJS(): Promise<typeof ExcelJS> {
  return (excel ??= import('exceljs').then((m) => (m as unknown as { default: typeof ExcelJS }).default));
}

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

export interface SheetLimits {
  /** The worksheet read first when the workbook has it (else the first visible one). */
  preferredSheet: string;
  /** Data rows in one file at most. */
  maxRows: number;
  /** What a row is, for the message when there are too many ("device rows"). */
  rowNoun: string;
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

/** The header (first non-empty row) and the non-empty rows after it; the file problems are 400s naming `file`. */
export async function readSheet(buf: Buffer, fileName: string, limits: SheetLimits): Promise<SheetRows> {
  if (!buf.length) throw fileProblem('is empty');
  const format = detectFormat(buf, fileName);
  const { sheet, rows } = format === 'xlsx' ? await readXlsx(buf, limits.preferredSheet) : { sheet: null, rows: readCsv(buf) };
  const first = rows.findIndex((r) => r.cells.some((c) => cellPresent(c)));
  if (first < 0) throw fileProblem('has no header row');
  const data = rows.slice(first + 1).filter((r) => r.cells.some((c) => cellPresent(c)));
  if (data.length > limits.maxRows) throw fileProblem(`has ${data.length} ${limits.rowNoun}; at most ${limits.maxRows} can be imported at once, split the file`);
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

async function readXlsx(buf: Buffer, preferredSheet: string): Promise<{ sheet: string; rows: { row: number; cells: Cell[] }[] }> {
  if (zipUnpackedSize(buf) > MAX_UNZIPPED_BYTES) throw fileProblem(`unpacks to more than ${MAX_UNZIPPED_BYTES / 1024 / 1024} MB`);
  const wb = new (await loadExcelJS()).Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer, { ignoreNodes: IGNORED_XLSX_NODES });
  } catch (e) {
    throw fileProblem(`is not a readable xlsx workbook (${(e as Error).message})`);
  }
  const ws = wb.worksheets.find((w) => w.name === preferredSheet) ?? wb.worksheets.find((w) => w.state !== 'hidden' && w.state !== 'veryHidden') ?? wb.worksheets[0];
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
export const escapeFormula = (s: string) => (FORMULA_LIKE.test(s) && !NEGATIVE_NUMBER.test(s) ? "'" + s : s);
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

export function readCsv(buf: Buffer): { row: number; cells: Cell[] }[] {
  return parseCsv(decodeText(buf));
}

export function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = escapeFormula(v);
  return /[",\r\n]|^\s|\s$/.test(s) || s.startsWith("'") ? `"${s.replace(/"/g, '""')}"` : s;
}

// ---------------------------------------------------------------- cells

/** Text of a cell, trimmed; numbers as JavaScript prints them, dates as YYYY-MM-DD. */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell.trim();
  if (cell instanceof Date) return isoDate(cell) ?? '';
  return String(cell);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** Excel date cells arrive as UTC midnight of the calendar day. */
function isoDate(d: Date): string | null {
  if (Number.isNaN(d.getTime())) return null;
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function validYmd(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days ? `${pad(y, 4)}-${pad(m)}-${pad(d)}` : null;
}

/** `2024-06-01`, `2024/6/1`, `2024.6.1`, `2024年6月1日`, `20240601`, an Excel date or date serial. */
export function parseDate(cell: Cell): string | null {
  if (cell instanceof Date) return isoDate(cell);
  if (typeof cell === 'number') {
    // A date that lost its cell format shows up as Excel's day serial (1 = 1900-01-01).
    if (!Number.isInteger(cell) || cell < 1 || cell > 401768) return null;
    return isoDate(new Date(Date.UTC(1899, 11, 30) + cell * 86_400_000));
  }
  const s = cellText(cell).normalize('NFKC');
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?$/.exec(s) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/.exec(s);
  if (!m) m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  return m ? validYmd(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

export function parseNumber(cell: Cell): number | null {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
  const s = cellText(cell).normalize('NFKC');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return null;
  return Number(s);
}
