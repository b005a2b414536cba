import { Type, type Static } from 'typebox';

/** Body of POST /api/alarms/:id/evidence: which cameras, which time, and why (the audit keeps it). */
export const EvidenceExportInput = Type.Object(
  {
    deviceIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 16, uniqueItems: true }),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    reason: Type.String({ minLength: 2, maxLength: 200, description: 'Why the clip is exported (e.g. 移交派出所, 案件调查)' }),
  },
  { additionalProperties: false },
);
export type EvidenceExportInput = Static<typeof EvidenceExportInput>;

/** A clip of recorded video kept as evidence, with the SHA-256 that proves it unchanged. */
export const EvidenceClip = Type.Object(
  {
    id: Type.String(),
    alarmId: Type.Union([Type.String(), Type.Null()]),
    deviceId: Type.String(),
    from: Type.String(),
    to: Type.String(),
    durationS: Type.Number(),
    bytes: Type.Number(),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    reason: Type.String(),
    createdBy: Type.String(),
    createdAt: Type.String(),
    url: Type.String({ description: 'The MP4 file (download is audited)' }),
  },
  { $id: 'EvidenceClip' },
);
export type EvidenceClip = Static<typeof EvidenceClip>;

/** Longest clip one export may ask for, per camera. */
export const MAX_EVIDENCE_MINUTES = 30;
