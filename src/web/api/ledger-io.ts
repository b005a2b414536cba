/**
 * Excel/CSV import and export of the device ledger (GET /api/devices/export,
 * GET /api/devices/import-template, POST /api/devices/import). Downloads go through fetch so
 * that an error answer is shown instead of saved; the upload uses XMLHttpRequest, the one
 * browser API that reports upload progress.
 */
import type { ErrorBody } from '../../shared/error-codes.ts';
import type { ImportMode, ImportReport, LedgerFileFormat } from '../../shared/ledger-io.ts';
import { ApiError, toQueryString, type QueryValue } from './client.ts';
import type { DeviceQuery } from './types.ts';

export type { ImportProblem, ImportReport, LedgerFileFormat } from '../../shared/ledger-io.ts';

/** A commit the server refused because rows are invalid; carries the report. */
export class ImportRefused extends ApiError {
  constructor(
    message: string,
    readonly report: ImportReport,
  ) {
    super(400, 'XIAOAN_VALIDATION_FAILED', message, []);
    this.name = 'ImportRefused';
  }
}

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A commit the server refused because rows are invalid, for any import's report. */
export class FileImportRefused<R> extends ApiError {
  constructor(
    message: string,
    readonly report: R,
  ) {
    super(400, 'XIAOAN_VALIDATION_FAILED', message, []);
    this.name = 'FileImportRefused';
  }
}

function toError(status: number, text: string, refused: (message: string, report: never) => ApiError = (m, r) => new ImportRefused(m, r)): ApiError {
  try {
    const body = JSON.parse(text) as ErrorBody & { report?: never };
    if (body.report) return refused(body.message, body.report);
    if (typeof body.code === 'string') return new ApiError(status, body.code, body.message, body.details ?? []);
  } catch {
    // not JSON
  }
  return new ApiError(status, 'UNKNOWN', text.slice(0, 200) || String(status));
}

/** The file name the server chose (Content-Disposition, RFC 5987 form first). */
function fileNameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) {
    try {
      return decodeURIComponent(star[1]!);
    } catch {
      // fall through
    }
  }
  return /filename="([^"]+)"/i.exec(cd)?.[1] ?? fallback;
}

export async function download(path: string, query: Record<string, QueryValue>, fallbackName: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(path + toQueryString(query), { credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', (err as Error).message);
  }
  if (!res.ok) throw toError(res.status, await res.text());
  const blob = await res.blob();
  const name = fileNameOf(res, fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export const ledgerIoApi = {
  /** Saves every device matching the ledger's query (all pages); returns the file name. */
  exportDevices: (query: DeviceQuery, format: LedgerFileFormat) => download('/api/devices/export', { ...query, page: undefined, pageSize: undefined, format }, `devices.${format}`),

  downloadTemplate: (universityId?: string) => download('/api/devices/import-template', { universityId }, 'template.xlsx'),

  /**
   * Uploads a file for a preview or a commit. `onProgress` gets the uploaded fraction (0–1);
   * after 1 the server is checking or writing. A refused commit rejects with ImportRefused.
   */
  upload(
    file: File,
    opts: { mode: ImportMode; onlyValid?: boolean; universityId?: string },
    onProgress: (fraction: number) => void,
  ): { promise: Promise<ImportReport>; abort: () => void } {
    return uploadSpreadsheet<ImportReport>('/api/devices/import', file, opts, onProgress, (m, r) => new ImportRefused(m, r));
  },
};

/**
 * Uploads a spreadsheet as the raw body to an import route (preview or commit); `onProgress`
 * gets the uploaded fraction (0–1). A refused commit rejects with what `refused` makes of it.
 */
export function uploadSpreadsheet<R>(
  path: string,
  file: File,
  opts: { mode: ImportMode; onlyValid?: boolean; universityId?: string },
  onProgress: (fraction: number) => void,
  refused: (message: string, report: R) => ApiError = (m, r) => new FileImportRefused<R>(m, r),
): { promise: Promise<R>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<R>((resolve, reject) => {
    const query = toQueryString({ mode: opts.mode, onlyValid: opts.onlyValid ? 'true' : undefined, universityId: opts.universityId, fileName: file.name });
    xhr.open('POST', path + query);
    const type = /\.xlsx$/i.test(file.name) ? XLSX_MIME : /\.csv$/i.test(file.name) ? 'text/csv' : 'application/octet-stream';
    xhr.setRequestHeader('content-type', type);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      if (xhr.status === 200) {
        try {
          resolve(JSON.parse(xhr.responseText) as R);
        } catch {
          reject(new ApiError(xhr.status, 'UNKNOWN', xhr.responseText.slice(0, 200)));
        }
      } else reject(toError(xhr.status, xhr.responseText, refused as (message: string, report: never) => ApiError));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'upload failed'));
    xhr.onabort = () => reject(new DOMException('upload aborted', 'AbortError'));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}
