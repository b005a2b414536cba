/**
 * The ledger's files: reading goes through the neutral spreadsheet helpers (util/spreadsheet.ts,
 * shared with the people import); writing the ledger sheet (headers, widths, styles) is here.
 * CSV is written as UTF-8 with a byte-order mark so that Excel opens it in Chinese.
 */
import { PassThrough, Readable } from 'node:stream';
import type * as ExcelJS from 'exceljs';
import { csvField, loadExcelJS, readSheet, type SheetRows } from '../../util/spreadsheet.ts';
import { COLUMNS, HEADERS } from './columns.ts';

export { CSV_MIME, XLSX_MIME, decodeText, detectFormat, loadExcelJS, parseCsv, plainCell, zipUnpackedSize, type FileFormat, type SheetRows } from '../../util/spreadsheet.ts';

/** The sheet an export and the template write, and the one an import reads first. */
export const LEDGER_SHEET = '设备台账';
/** Device rows in one file at most: a bigger ledger is imported in parts. */
export const MAX_ROWS = 50_000;

export function readSpreadsheet(buf: Buffer, fileName: string): Promise<SheetRows> {
  return readSheet(buf, fileName, { preferredSheet: LEDGER_SHEET, maxRows: MAX_ROWS, rowNoun: 'device rows' });
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
