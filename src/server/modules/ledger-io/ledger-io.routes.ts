import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DEVICE_SORTS } from '../../../shared/devices.ts';
import { CAMERA_RESOLUTIONS, DEVICE_KINDS, DEVICE_STATUSES } from '../../../shared/domain.ts';
import { IMPORT_MODES, ImportReport, LEDGER_FILE_FORMATS } from '../../../shared/ledger-io.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IsoDate, RefTo, SortOrder, StringEnum } from '../../http/schemas.ts';
import { ImportRejected, type LedgerIoService } from './ledger-io.service.ts';
import { CSV_MIME, XLSX_MIME } from './spreadsheet.ts';

/** Largest upload: a 50,000-row xlsx is about 5 MB, a CSV about 10 MB. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/**
 * Upload content types. The file is the raw request body (not multipart): no extra dependency,
 * one file per request anyway, the browser reports upload progress for it like for a form, and
 * the name travels in `fileName`. Windows browsers send `application/vnd.ms-excel` for .csv.
 */
const UPLOAD_TYPES = [XLSX_MIME, CSV_MIME, 'application/vnd.ms-excel', 'application/octet-stream', 'text/plain'];

const CsvList = <T extends readonly string[]>(values: T, description: string) =>
  Type.Optional(Type.Array(StringEnum(values), { description: `${description}; repeat the parameter or separate with commas` }));

const Rejected = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
  details: Type.Array(Type.Object({ field: Type.String(), reason: Type.String(), rule: Type.Optional(Type.String()) })),
  report: Type.Optional(RefTo(ImportReport)),
});

export function ledgerIoRoutes(fastify: FastifyInstance, service: LedgerIoService) {
  fastify.addSchema(ImportReport);

  // Same comma splitting as GET /api/devices.
  const splitListParams = async (req: { query: unknown }) => {
    const q = req.query as Record<string, unknown>;
    for (const key of ['kind', 'status']) {
      const v = q[key];
      if (v !== undefined) q[key] = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(','));
    }
  };

  void fastify.register(async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    for (const type of UPLOAD_TYPES) {
      if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
    }
    app.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));

    app.get(
      '/api/devices/export',
      {
        config: { auth: { permission: 'device.read' } },
        preValidation: splitListParams,
        schema: {
          tags: ['devices'],
          summary: 'Export the ledger as Excel or CSV: every device matching the filters of GET /api/devices (all pages)',
          description: 'Chinese headers and labels, places by name; the file imports again unchanged (POST /api/devices/import).',
          querystring: Type.Object(
            {
              format: Type.Optional(StringEnum(LEDGER_FILE_FORMATS, { default: 'xlsx' })),
              kind: CsvList(DEVICE_KINDS, 'Device kinds'),
              status: CsvList(DEVICE_STATUSES, 'Ledger statuses'),
              campusId: Type.Optional(Type.String()),
              buildingId: Type.Optional(Type.String()),
              floorId: Type.Optional(Type.String()),
              areaId: Type.Optional(Type.String()),
              universityId: Type.Optional(Type.String({ description: 'City-wide roles only; others always export their own university' })),
              cameraResolution: Type.Optional(StringEnum(CAMERA_RESOLUTIONS)),
              warrantyEndBefore: Type.Optional(IsoDate),
              q: Type.Optional(Type.String({ maxLength: 100 })),
              sort: Type.Optional(StringEnum(DEVICE_SORTS, { default: 'name' })),
              order: Type.Optional(SortOrder),
              // The console sends its whole table query; paging does not apply to an export.
              page: Type.Optional(Type.Integer({ minimum: 1 })),
              pageSize: Type.Optional(Type.Integer({ minimum: 1 })),
            },
            { additionalProperties: false },
          ),
          response: errorResponses,
        },
      },
      async (req, reply) => {
        const { format = 'xlsx', page: _page, pageSize: _pageSize, ...filter } = req.query;
        const { stream, fileName, asciiName } = await service.exportDevices(actorOf(req), filter, format, (err) => req.log.error({ err }, 'ledger export failed while streaming'));
        return reply
          .header('content-type', format === 'csv' ? `${CSV_MIME}; charset=utf-8` : XLSX_MIME)
          .header('content-disposition', contentDisposition(fileName, asciiName))
          .header('cache-control', 'no-store')
          .send(stream);
      },
    );

    app.get(
      '/api/devices/import-template',
      {
        config: { auth: { permission: 'device.read' } },
        schema: {
          tags: ['devices'],
          summary: 'Import template (xlsx): headers, an example row, a 说明 sheet with every column and its allowed values, the university’s places, dropdowns',
          querystring: Type.Object(
            { universityId: Type.Optional(Type.String({ description: 'City-wide roles: fill the example and the places of this university' })) },
            { additionalProperties: false },
          ),
          response: errorResponses,
        },
      },
      async (req, reply) => {
        const { buffer, fileName, asciiName } = await service.template(actorOf(req), req.query.universityId);
        return reply.header('content-type', XLSX_MIME).header('content-disposition', contentDisposition(fileName, asciiName)).header('cache-control', 'no-store').send(buffer);
      },
    );

    app.post(
      '/api/devices/import',
      {
        config: { auth: { permission: 'device.write' } },
        bodyLimit: MAX_UPLOAD_BYTES,
        schema: {
          tags: ['devices'],
          summary: 'Import devices from an xlsx or CSV file (the raw request body, ≤ 20 MB): preview checks every row and writes nothing; commit writes in one transaction',
          description:
            'Send the file as the body with content type ' +
            `${XLSX_MIME} or text/csv. Import only creates devices: a row whose GB/T 28181 id or serial is already in the ledger, or on another row, is refused. ` +
            'commit without onlyValid writes nothing while any row is invalid (400 with the report); with onlyValid=true it writes the valid rows.',
          querystring: Type.Object(
            {
              mode: Type.Optional(StringEnum(IMPORT_MODES, { default: 'preview' })),
              onlyValid: Type.Optional(Type.Boolean({ default: false, description: 'commit: write the valid rows even when others are invalid' })),
              universityId: Type.Optional(Type.String({ description: 'Required for city-wide roles: the university to import into' })),
              fileName: Type.Optional(Type.String({ maxLength: 255, description: 'Original file name, for the report and the audit log' })),
            },
            { additionalProperties: false },
          ),
          response: { 200: RefTo(ImportReport), 400: Rejected, 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404] },
        },
      },
      async (req, reply) => {
        const body = req.body;
        if (!Buffer.isBuffer(body)) {
          return reply.status(400).send({
            statusCode: 400,
            code: 'XIAOAN_REQUEST_MALFORMED',
            error: 'Bad Request',
            message: `send the file itself as the request body (content type ${XLSX_MIME} or text/csv)`,
            details: [{ field: 'file', reason: 'is missing', rule: 'required' }],
          });
        }
        const q = req.query;
        try {
          return await service.importFile(actorOf(req), {
            body,
            fileName: q.fileName?.trim() || 'upload',
            universityId: q.universityId,
            mode: q.mode ?? 'preview',
            onlyValid: q.onlyValid ?? false,
          });
        } catch (e) {
          if (!(e instanceof ImportRejected)) throw e;
          return reply.status(400).send({ statusCode: 400, code: e.code, error: 'Bad Request', message: e.message, details: e.details, report: e.report });
        }
      },
    );
  });
}

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266/5987). */
function contentDisposition(fileName: string, asciiName: string): string {
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
