/**
 * The people register (人员库, issue 14): students, staff, contractors and others of a
 * university with their credentials (card, QR, face reference), as the API carries them.
 * Identity numbers, phones and credential values leave the server masked; the raw values only
 * come from POST /api/people/:id/unmask, with a reason, and that look is audited.
 */
import { Type, type Static } from 'typebox';
import { ImportProblem, ImportTimings, IMPORT_MODES, LEDGER_FILE_FORMATS } from './ledger-io.ts';
import { IsoDate, Nullable, StringEnum } from './schema.ts';

export const PERSON_KINDS = ['student', 'staff', 'contractor', 'other'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

/** left = no longer at the university; the record stays (it is history: access logs name it). */
export const PERSON_STATUSES = ['active', 'suspended', 'left'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** face = the id of a template in an external face system, never image bytes. */
export const CREDENTIAL_KINDS = ['card', 'qr', 'face'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

export const CREDENTIAL_STATUSES = ['active', 'revoked'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

/** What an unmask request may reveal. */
export const UNMASK_FIELDS = ['idNumber', 'phone', 'credentials'] as const;
export type UnmaskField = (typeof UNMASK_FIELDS)[number];

export const PERSON_SORTS = ['name', 'number', 'kind', 'status', 'department', 'updatedAt'] as const;
export type PersonSort = (typeof PERSON_SORTS)[number];

/** Limits shared by the API body, the import and the console's form. */
export const PERSON_LIMITS = { name: 50, number: 32, department: 100, credentialValue: 128, reasonMin: 4, reasonMax: 200 } as const;

export const PersonCredential = Type.Object(
  {
    id: Type.String(),
    personId: Type.String(),
    kind: StringEnum(CREDENTIAL_KINDS),
    value: Type.String({ description: 'Masked (e.g. 12****78); raw only through unmask' }),
    status: StringEnum(CREDENTIAL_STATUSES),
    createdAt: Type.String(),
    revokedAt: Nullable(Type.String()),
  },
  { $id: 'PersonCredential' },
);
export type PersonCredential = Static<typeof PersonCredential>;

export const Person = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    kind: StringEnum(PERSON_KINDS),
    name: Type.String(),
    number: Type.String({ description: '学工号: student or staff number, unique in the university' }),
    department: Nullable(Type.String({ description: '院系/部门 as the campus card system names it' })),
    idNumber: Nullable(Type.String({ description: 'Masked 身份证号/护照号 (1101**********1234)' })),
    phone: Nullable(Type.String({ description: 'Masked phone (138****5678)' })),
    status: StringEnum(PERSON_STATUSES),
    validUntil: Nullable(Type.String({ description: 'YYYY-MM-DD (Beijing date), or null for no end' })),
    credentials: Type.Array(PersonCredential),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Person' },
);
export type Person = Static<typeof Person>;

const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, description });

const personFields = {
  kind: StringEnum(PERSON_KINDS),
  name: Text(PERSON_LIMITS.name, '姓名'),
  number: Text(PERSON_LIMITS.number, '学工号: letters, digits and -'),
  department: Type.Optional(Nullable(Type.String({ maxLength: PERSON_LIMITS.department }))),
  idNumber: Type.Optional(Nullable(Type.String({ maxLength: 32, description: '18-digit resident id (checked), 15-digit old id, or a passport number' }))),
  phone: Type.Optional(Nullable(Type.String({ maxLength: 20, description: 'Mainland mobile (11 digits) or landline (021-12345678)' }))),
  status: Type.Optional(StringEnum(PERSON_STATUSES)),
  validUntil: Type.Optional(Nullable(IsoDate)),
};

/** POST /api/people. A city-wide account names the university; others always write to their own. */
export const PersonInput = Type.Object({ ...personFields, universityId: Type.Optional(Type.String()) }, { additionalProperties: false });
export type PersonInput = Static<typeof PersonInput>;

/**
 * PUT /api/people/:id: a field left out keeps its stored value (the console never holds the raw
 * id number or phone, so it leaves them out unless they are retyped); null clears.
 */
export const PersonUpdate = Type.Object(
  {
    kind: Type.Optional(personFields.kind),
    name: Type.Optional(personFields.name),
    number: Type.Optional(personFields.number),
    department: personFields.department,
    idNumber: personFields.idNumber,
    phone: personFields.phone,
    status: personFields.status,
    validUntil: personFields.validUntil,
  },
  { additionalProperties: false },
);
export type PersonUpdate = Static<typeof PersonUpdate>;

export const CredentialInput = Type.Object(
  {
    kind: StringEnum(CREDENTIAL_KINDS),
    value: Type.String({ minLength: 1, maxLength: PERSON_LIMITS.credentialValue, description: 'Card number, QR token, or the face system’s template id' }),
  },
  { additionalProperties: false },
);
export type CredentialInput = Static<typeof CredentialInput>;

export const UnmaskRequest = Type.Object(
  {
    reason: Type.String({ minLength: PERSON_LIMITS.reasonMin, maxLength: PERSON_LIMITS.reasonMax, description: 'Why the full values are needed (kept in the audit log)' }),
    fields: Type.Array(StringEnum(UNMASK_FIELDS), { minItems: 1, maxItems: 3, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type UnmaskRequest = Static<typeof UnmaskRequest>;

export const UnmaskedPerson = Type.Object({
  personId: Type.String(),
  idNumber: Type.Optional(Nullable(Type.String())),
  phone: Type.Optional(Nullable(Type.String())),
  credentials: Type.Optional(Type.Array(Type.Object({ id: Type.String(), kind: StringEnum(CREDENTIAL_KINDS), value: Type.String() }))),
});
export type UnmaskedPerson = Static<typeof UnmaskedPerson>;

/** What POST /api/people/import answers: counts and one entry per problem, addressed as Excel shows it. */
export const PeopleImportReport = Type.Object(
  {
    mode: StringEnum(IMPORT_MODES),
    fileName: Type.String(),
    format: StringEnum(LEDGER_FILE_FORMATS),
    sheet: Nullable(Type.String()),
    universityId: Type.String(),
    universityName: Type.String(),
    rows: Type.Integer({ description: 'Person rows in the file' }),
    valid: Type.Integer(),
    invalid: Type.Integer(),
    created: Type.Integer({ description: 'People added (for a preview: that a commit would add)' }),
    updated: Type.Integer({ description: 'People whose 学工号 was already registered, updated (for a preview: that a commit would update)' }),
    cardsIssued: Type.Integer({ description: 'Cards added or replaced (for a preview: that a commit would issue)' }),
    onlyValid: Type.Boolean(),
    problems: Type.Array(ImportProblem),
    warnings: Type.Array(ImportProblem),
    timings: ImportTimings,
  },
  { $id: 'PeopleImportReport' },
);
export type PeopleImportReport = Static<typeof PeopleImportReport>;
