/**
 * Compliance pack parameters and evidence (issue 16 item 1) as the API carries them: a university
 * tightens the parameters of the pack that governs it, and rules checked by document review or
 * site visit (S-UPS-1H, S-ROOM) are judged from a file a person uploads and a reviewer accepts.
 */
import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from './schema.ts';

/** Which way a parameter is stricter: a larger value (days, shares) or a smaller one (a zone's length). */
export const PARAM_DIRECTIONS = ['higher', 'lower'] as const;

export const ParamSetting = Type.Object({
  name: Type.String(),
  baseline: Type.Number({ description: 'The pack’s own value' }),
  value: Type.Number({ description: 'The value in force for the university' }),
  stricter: StringEnum(PARAM_DIRECTIONS),
  min: Type.Number({ description: 'Lowest accepted value (for `lower`: how far it may be tightened)' }),
  max: Type.Number({ description: 'Highest accepted value (for `higher`: how far it may be tightened)' }),
});
export type ParamSetting = Static<typeof ParamSetting>;

export const ComplianceSettings = Type.Object(
  {
    universityId: Type.String(),
    packId: Type.String(),
    packVersion: Type.String({ description: 'The baseline version; the score names `<version>+tightened` when overrides are in force' }),
    overrides: Type.Record(Type.String(), Type.Record(Type.String(), Type.Number()), { description: 'ruleId → param → value, only the tightened ones' }),
    rules: Type.Array(Type.Object({ ruleId: Type.String(), title: Type.String(), params: Type.Array(ParamSetting) })),
    updatedBy: Nullable(Type.String()),
    updatedByName: Nullable(Type.String()),
    updatedAt: Nullable(Type.String()),
  },
  { $id: 'ComplianceSettings' },
);
export type ComplianceSettings = Static<typeof ComplianceSettings>;

export const ComplianceSettingsInput = Type.Object(
  {
    universityId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'City-wide accounts: the university' })),
    params: Type.Record(Type.String(), Type.Record(Type.String(), Type.Number()), { description: 'ruleId → param → value; replaces all overrides (a value equal to the pack’s is dropped)' }),
  },
  { additionalProperties: false },
);
export type ComplianceSettingsInput = Static<typeof ComplianceSettingsInput>;

export const EVIDENCE_STATUSES = ['submitted', 'accepted', 'rejected'] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];
/** Largest evidence file accepted (bytes, before encoding). */
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
/** Rules whose evidence carries measured facts: the command centre's room (GB 50198-2011 §3.4.1). */
export const ROOM_RULE_ID = 'S-ROOM';
/** What the room must meet besides its area (the pack's minAreaM2). */
export const ROOM_LIMITS = { minTempC: 16, maxTempC: 30, minHumidity: 30, maxHumidity: 75, minLux: 300 } as const;

export const RoomFacts = Type.Object(
  {
    areaM2: Type.Number({ minimum: 0, maximum: 100000, description: '面积 m²' }),
    temperatureC: Type.Number({ minimum: -40, maximum: 60, description: '温度 °C' }),
    humidityPct: Type.Number({ minimum: 0, maximum: 100, description: '相对湿度 %' }),
    illuminanceLx: Type.Number({ minimum: 0, maximum: 100000, description: '照度 lx' }),
  },
  { additionalProperties: false },
);
export type RoomFacts = Static<typeof RoomFacts>;

export const EvidenceInput = Type.Object(
  {
    universityId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'City-wide accounts: the university' })),
    ruleId: Type.String({ minLength: 1, maxLength: 32 }),
    note: Type.String({ maxLength: 500, description: '说明' }),
    facts: Type.Optional(RoomFacts),
    fileName: Type.String({ minLength: 1, maxLength: 200 }),
    content: Type.String({ description: 'The file, base64 (PDF, JPEG, PNG or WebP; checked by content; at most 10 MB)' }),
  },
  { additionalProperties: false },
);
export type EvidenceInput = Static<typeof EvidenceInput>;

export const Evidence = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    ruleId: Type.String(),
    fileName: Type.String(),
    contentType: StringEnum(['application/pdf', 'image/jpeg'] as const, { description: 'Images are kept re-encoded as JPEG' }),
    size: Type.Integer(),
    sha256: Type.String(),
    note: Type.String(),
    facts: Nullable(RoomFacts),
    status: StringEnum(EVIDENCE_STATUSES),
    uploadedBy: Type.String(),
    uploadedByName: Type.String(),
    uploadedAt: Type.String(),
    reviewedBy: Nullable(Type.String()),
    reviewedByName: Nullable(Type.String()),
    reviewedAt: Nullable(Type.String()),
    reviewReason: Nullable(Type.String()),
  },
  { $id: 'ComplianceEvidence' },
);
export type Evidence = Static<typeof Evidence>;

export const EvidenceReview = Type.Object(
  {
    decision: StringEnum(['accept', 'reject'] as const),
    reason: Type.Optional(Type.String({ maxLength: 500, description: 'Required to reject' })),
  },
  { additionalProperties: false },
);
export type EvidenceReview = Static<typeof EvidenceReview>;
