import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IMPORT_MODES } from '../../../shared/ledger-io.ts';
import { CredentialInput, PeopleImportReport, Person, PERSON_KINDS, PERSON_SORTS, PERSON_STATUSES, PersonCredential, PersonInput, PersonUpdate, UnmaskedPerson, UnmaskRequest } from '../../../shared/people.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, Page, PagingQuery, RefTo, SortOrder, StringEnum } from '../../http/schemas.ts';
import { CSV_MIME, XLSX_MIME } from '../../util/spreadsheet.ts';
import { PeopleImportRejected, type PeopleImportService } from './people-import.ts';
import type { PeopleService } from './people.service.ts';

/** Largest upload: a 50,000-row xlsx is about 4 MB, a CSV about 6 MB. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** As for the ledger import: the file is the raw body; Windows browsers send application/vnd.ms-excel for .csv. */
const UPLOAD_TYPES = [XLSX_MIME, CSV_MIME, 'application/vnd.ms-excel', 'application/octet-stream', 'text/plain'];

const CsvList = <T extends readonly string[]>(values: T, description: string) =>
  Type.Optional(Type.Array(StringEnum(values), { description: `${description}; repeat the parameter or separate with commas` }));

const CredentialParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), credentialId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

const Rejected = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
  details: Type.Array(Type.Object({ field: Type.String(), reason: Type.String(), rule: Type.Optional(Type.String()) })),
  report: Type.Optional(RefTo(PeopleImportReport)),
});

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266/5987). */
const contentDisposition = (fileName: string, asciiName: string) => `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

export function peopleRoutes(fastify: FastifyInstance, people: PeopleService, imports: PeopleImportService) {
  fastify.addSchema(PersonCredential);
  fastify.addSchema(Person);
  fastify.addSchema(PeopleImportReport);
  const PersonRef = RefTo(Person);
  const CredentialRef = RefTo(PersonCredential);
  const tags = ['people'];

  const splitListParams = async (req: { query: unknown }) => {
    const q = req.query as Record<string, unknown>;
    for (const key of ['kind', 'status']) {
      const v = q[key];
      if (v !== undefined) q[key] = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(','));
    }
  };

  void fastify.register(async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    for (const type of UPLOAD_TYPES) if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
    app.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));

    app.get(
      '/api/people',
      {
        config: { auth: { permission: 'person.read' } },
        preValidation: splitListParams,
        schema: {
          tags,
          summary: 'People register (人员库): search, filter and page; id numbers, phones and credentials masked',
          querystring: Type.Object(
            {
              ...PagingQuery,
              q: Type.Optional(Type.String({ maxLength: 100, description: 'Text in the name or 学工号' })),
              kind: CsvList(PERSON_KINDS, 'Person kinds'),
              status: CsvList(PERSON_STATUSES, 'Statuses'),
              department: Type.Optional(Type.String({ maxLength: 100, description: '院系/部门, exactly' })),
              universityId: Type.Optional(Type.String({ description: 'City-wide roles only; others always see their own university' })),
              sort: Type.Optional(StringEnum(PERSON_SORTS, { default: 'name' })),
              order: Type.Optional(SortOrder),
            },
            { additionalProperties: false },
          ),
          response: { 200: Page(PersonRef), ...errorResponses },
        },
      },
      async (req) => {
        const q = req.query;
        const page = q.page ?? 1;
        const pageSize = q.pageSize ?? 50;
        const res = await people.list(actorOf(req), { ...q, sort: q.sort ?? 'name', order: q.order ?? 'asc', page, pageSize });
        return { ...res, page, pageSize };
      },
    );

    app.get(
      '/api/people/departments',
      {
        config: { auth: { permission: 'person.read' } },
        schema: {
          tags,
          summary: 'The 院系/部门 names the register uses, for filters',
          querystring: Type.Object({ universityId: Type.Optional(Type.String()) }, { additionalProperties: false }),
          response: { 200: Type.Array(Type.String()), ...errorResponses },
        },
      },
      async (req) => people.departments(actorOf(req), req.query.universityId),
    );

    app.get(
      '/api/people/import-template',
      {
        config: { auth: { permission: 'person.read' } },
        schema: { tags, summary: 'Import template (xlsx): 姓名, 学工号, 类别, 院系部门, 身份证号, 手机号, 卡号, 状态, 有效期至, an example row and a 说明 sheet', response: errorResponses },
      },
      async (_req, reply) => {
        const { buffer, fileName, asciiName } = await imports.template();
        return reply.header('content-type', XLSX_MIME).header('content-disposition', contentDisposition(fileName, asciiName)).header('cache-control', 'no-store').send(buffer);
      },
    );

    app.post(
      '/api/people/import',
      {
        config: { auth: { permission: 'person.write' } },
        bodyLimit: MAX_UPLOAD_BYTES,
        schema: {
          tags,
          summary: 'Import people from the campus card system (xlsx or CSV as the raw body, ≤ 20 MB, ≤ 50,000 rows): preview checks every row and writes nothing; commit upserts by 学工号 in one transaction',
          description: 'commit without onlyValid writes nothing while any row is invalid (400 with the report); with onlyValid=true it writes the valid rows. One audit entry per import, with the counts.',
          querystring: Type.Object(
            {
              mode: Type.Optional(StringEnum(IMPORT_MODES, { default: 'preview' })),
              onlyValid: Type.Optional(Type.Boolean({ default: false })),
              universityId: Type.Optional(Type.String({ description: 'Required for city-wide roles: the university to import into' })),
              fileName: Type.Optional(Type.String({ maxLength: 255 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: RefTo(PeopleImportReport), 400: Rejected, 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404] },
        },
      },
      async (req, reply) => {
        if (!Buffer.isBuffer(req.body)) {
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
          return await imports.importFile(actorOf(req), { body: req.body, fileName: q.fileName?.trim() || 'upload', universityId: q.universityId, mode: q.mode ?? 'preview', onlyValid: q.onlyValid ?? false });
        } catch (e) {
          if (!(e instanceof PeopleImportRejected)) throw e;
          return reply.status(400).send({ statusCode: 400, code: e.code, error: 'Bad Request', message: e.message, details: e.details, report: e.report });
        }
      },
    );

    app.get(
      '/api/people/:id',
      { config: { auth: { permission: 'person.read' } }, schema: { tags, summary: 'One person with their credentials (masked)', params: IdParams, response: { 200: PersonRef, ...errorResponses } } },
      async (req) => people.get(actorOf(req), req.params.id),
    );

    app.post(
      '/api/people',
      {
        config: { auth: { permission: 'person.write' } },
        schema: { tags, summary: 'Register a person; audited (masked)', body: PersonInput, response: { 201: PersonRef, ...errorResponses } },
      },
      async (req, reply) => reply.status(201).send(await people.create(actorOf(req), req.body)),
    );

    app.put(
      '/api/people/:id',
      {
        config: { auth: { permission: 'person.write' } },
        schema: {
          tags,
          summary: 'Change a person: fields left out keep their value, null clears; status left revokes their credentials; audited',
          params: IdParams,
          body: PersonUpdate,
          response: { 200: PersonRef, ...errorResponses },
        },
      },
      async (req) => people.update(actorOf(req), req.params.id, req.body),
    );

    app.delete(
      '/api/people/:id',
      {
        config: { auth: { permission: 'person.write' } },
        schema: { tags, summary: 'Mark a person as left (never deleted: the record is history) and revoke their credentials; audited', params: IdParams, response: { 200: PersonRef, ...errorResponses } },
      },
      async (req) => people.markLeft(actorOf(req), req.params.id),
    );

    app.post(
      '/api/people/:id/credentials',
      {
        config: { auth: { permission: 'person.write' } },
        schema: {
          tags,
          summary: 'Issue a credential: card number, QR token, or the face system’s template id (never an image); card and QR unique among the university’s active ones',
          params: IdParams,
          body: CredentialInput,
          response: { 201: CredentialRef, ...errorResponses },
        },
      },
      async (req, reply) => reply.status(201).send(await people.addCredential(actorOf(req), req.params.id, req.body)),
    );

    app.post(
      '/api/people/:id/credentials/:credentialId/revoke',
      {
        config: { auth: { permission: 'person.write' } },
        schema: { tags, summary: 'Revoke a credential (kept, marked revoked); audited', params: CredentialParams, response: { 200: CredentialRef, ...errorResponses } },
      },
      async (req) => people.revokeCredential(actorOf(req), req.params.id, req.params.credentialId),
    );

    app.post(
      '/api/people/:id/unmask',
      {
        config: { auth: { permission: 'person.unmask' } },
        schema: {
          tags,
          summary: 'The full id number, phone and/or credential values of a person, with a reason (≥ 4 characters); every call is audited with the reason and fields',
          params: IdParams,
          body: UnmaskRequest,
          response: { 200: UnmaskedPerson, ...errorResponses },
        },
      },
      async (req) => people.unmask(actorOf(req), req.params.id, req.body),
    );
  });
}
