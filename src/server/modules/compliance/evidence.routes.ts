import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ComplianceSettings, ComplianceSettingsInput, Evidence, EvidenceInput, EvidenceReview, MAX_EVIDENCE_BYTES } from '../../../shared/compliance-evidence.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, RefTo } from '../../http/schemas.ts';
import type { ComplianceEvidenceService } from './evidence.service.ts';

const UniversityId = Type.String({ minLength: 1, maxLength: 64, description: 'City-wide accounts: the university (required for them)' });
/** The JSON body carries the file base64 (4/3 of its size) with its note: room for a file somewhat over the limit, so it is refused by name. */
const UPLOAD_BODY_LIMIT = Math.ceil((MAX_EVIDENCE_BYTES * 4) / 3) + 4 * 1024 * 1024;

export function evidenceRoutes(fastify: FastifyInstance, evidence: ComplianceEvidenceService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ComplianceSettings);
  app.addSchema(Evidence);
  const tags = ['compliance'];
  const read = { auth: { permission: 'compliance.read' as const } };
  const write = { auth: { permission: 'compliance.write' as const } };

  app.get(
    '/api/compliance/settings',
    { config: read, schema: { tags, summary: '规则包参数: the pack’s tunable parameters with the university’s values', querystring: Type.Object({ universityId: Type.Optional(UniversityId) }, { additionalProperties: false }), response: { 200: RefTo(ComplianceSettings), ...errorResponses } } },
    async (req) => evidence.settings(actorOf(req), req.query),
  );
  app.put(
    '/api/compliance/settings',
    {
      config: write,
      schema: {
        tags,
        summary: 'Tighten the pack’s parameters for the university (only tighter than the pack, within bounds; replaces all overrides); audited',
        description: 'A value looser than the pack is refused with 400 naming `params.<rule>.<param>`. The score then names the pack `<version>+tightened` and lists the baseline values of each changed rule.',
        body: ComplianceSettingsInput,
        response: { 200: RefTo(ComplianceSettings), ...errorResponses },
      },
    },
    async (req) => evidence.putSettings(actorOf(req), req.body),
  );
  app.get(
    '/api/compliance/evidence',
    {
      config: read,
      schema: {
        tags,
        summary: '佐证材料: evidence uploaded for rules checked by document review or site visit, newest first',
        querystring: Type.Object({ universityId: Type.Optional(UniversityId), ruleId: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(RefTo(Evidence)), ...errorResponses },
      },
    },
    async (req) => evidence.list(actorOf(req), req.query),
  );
  app.post(
    '/api/compliance/evidence',
    {
      config: write,
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Upload evidence for a rule (PDF or JPEG/PNG/WebP image, base64, ≤ 10 MB, checked by content; S-ROOM with its measured facts); audited',
        body: EvidenceInput,
        response: { 201: RefTo(Evidence), ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await evidence.upload(actorOf(req), req.body)),
  );
  app.post(
    '/api/compliance/evidence/:id/review',
    {
      config: { auth: { permission: 'compliance.review' as const } },
      schema: { tags, summary: 'Accept or reject (with a reason) evidence someone else uploaded; audited', params: IdParams, body: EvidenceReview, response: { 200: RefTo(Evidence), ...errorResponses } },
    },
    async (req) => evidence.review(actorOf(req), req.params.id, req.body),
  );
  app.get('/api/compliance/evidence/:id/file', { config: read, schema: { tags, summary: 'The evidence file (PDF or JPEG)', params: IdParams } }, async (req, reply) => {
    const f = await evidence.file(actorOf(req), req.params.id);
    return reply
      .header('content-type', f.contentType)
      .header('content-disposition', `attachment; filename="evidence${f.contentType === 'application/pdf' ? '.pdf' : '.jpg'}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`)
      .header('cache-control', 'private, max-age=300')
      .send(f.bytes);
  });
}
