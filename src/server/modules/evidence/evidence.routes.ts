import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { EvidenceClip, EvidenceExportInput } from '../../../shared/evidence.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { sendVideoFile } from '../../http/data-file.ts';
import { errorResponses, IdParams } from '../../http/schemas.ts';
import type { EvidenceService } from './evidence.service.ts';

export function evidenceRoutes(fastify: FastifyInstance, evidence: EvidenceService, dataDir: string) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(EvidenceClip);
  const ClipList = Type.Object({ items: Type.Array(EvidenceClip) });

  app.post(
    '/api/alarms/:id/evidence',
    {
      config: { auth: { permission: 'video.export' } },
      schema: {
        tags: ['alarms'],
        summary: `Export video evidence of an alarm: a clip per camera (and per continuous recording, a gap is never joined over) of at most 30 minutes, cut from the recordings by stream copy, kept apart from them with its SHA-256; the recordings are held as evidence; audited with the hash and the reason`,
        params: IdParams,
        body: EvidenceExportInput,
        response: { 201: ClipList, ...errorResponses },
      },
    },
    async (req, reply) => reply.code(201).send({ items: await evidence.exportForAlarm(actorOf(req), req.params.id, req.body) }),
  );

  app.get(
    '/api/alarms/:id/evidence',
    {
      config: { auth: { permission: 'alarm.read' } },
      schema: { tags: ['alarms'], summary: 'The video evidence clips of an alarm, with their SHA-256', params: IdParams, response: { 200: ClipList, ...errorResponses } },
    },
    async (req) => ({ items: await evidence.ofAlarm(actorOf(req), req.params.id) }),
  );

  app.get(
    '/api/evidence/:id/file',
    {
      config: { auth: { permission: 'video.export' } },
      schema: { tags: ['alarms'], summary: 'An evidence clip as MP4 (audited as video.evidence_download, with its SHA-256 in X-Content-SHA256)', params: IdParams },
    },
    async (req, reply) => {
      const { clip, relativePath } = await evidence.file(actorOf(req), req.params.id);
      reply.header('content-disposition', `attachment; filename="evidence-${clip.id}.mp4"`).header('x-content-sha256', clip.sha256);
      return sendVideoFile(req, reply, dataDir, relativePath, 'evidence file');
    },
  );
}
