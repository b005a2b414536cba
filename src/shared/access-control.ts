/**
 * Door permissions (门禁权限, issue 14): access groups say who may open which doors when; the
 * platform answers controllers that ask online and pushes permission lists to controllers that
 * decide offline, recording each controller's acknowledgement.
 */
import { Type, type Static } from 'typebox';
import { Schedule } from './alarms.ts';
import { DENY_REASONS, DIRECTIONS } from './events.ts';
import { PERSON_KINDS } from './people.ts';
import { IsoDate, Nullable, StringEnum } from './schema.ts';

/** Credentials a door reader takes. Face is never the only one (S-KEYDOOR: a card or QR alternative). */
export const DOOR_CREDENTIALS = ['card', 'qr', 'face'] as const;
export type DoorCredential = (typeof DOOR_CREDENTIALS)[number];

/** online: the controller asks the platform at each swipe; offline: it decides from the list the platform pushed. */
export const DOOR_MODES = ['online', 'offline'] as const;
export type DoorMode = (typeof DOOR_MODES)[number];

export const LIST_STATUSES = ['pending', 'acknowledged', 'refused', 'no_ack', 'not_sent'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

export const ACCESS_LIMITS = { name: 50, doors: 2000, personIds: 5000, departments: 100 } as const;

/** Who belongs to a group: named people, or everyone of the listed kinds and/or departments (both when both are given). */
export const AccessMembers = Type.Object(
  {
    personIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: ACCESS_LIMITS.personIds, description: 'Named people (人员库 ids)' }),
    kinds: Type.Array(StringEnum(PERSON_KINDS), { maxItems: PERSON_KINDS.length, uniqueItems: true, description: 'Everyone of these kinds (学生/教职工/外包…)' }),
    departments: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: ACCESS_LIMITS.departments, description: 'Everyone of these 院系/部门 (with kinds: of those kinds in those departments)' }),
  },
  { additionalProperties: false },
);
export type AccessMembers = Static<typeof AccessMembers>;

export const AccessGroup = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    name: Type.String(),
    doorIds: Type.Array(Type.String()),
    members: AccessMembers,
    /** The named people with their names (members.personIds, in order). */
    namedPeople: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
    schedule: Nullable(Schedule),
    validFrom: Nullable(IsoDate),
    validUntil: Nullable(IsoDate),
    enabled: Type.Boolean(),
    memberCount: Type.Integer({ description: 'Active people with a card, QR or face credential the group covers now' }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'AccessGroup' },
);
export type AccessGroup = Static<typeof AccessGroup>;

export const AccessGroupInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: ACCESS_LIMITS.name, description: '权限组名称, unique in the university' }),
    doorIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: ACCESS_LIMITS.doors, uniqueItems: true, description: 'Door devices of the university' }),
    members: AccessMembers,
    schedule: Type.Optional(Nullable(Schedule)),
    validFrom: Type.Optional(Nullable(IsoDate)),
    validUntil: Type.Optional(Nullable(IsoDate)),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AccessGroupInput = Static<typeof AccessGroupInput>;
export const AccessGroupCreate = Type.Object({ ...AccessGroupInput.properties, universityId: Type.Optional(Type.String({ description: 'Required for city-wide accounts' })) }, { additionalProperties: false });
export type AccessGroupCreate = Static<typeof AccessGroupCreate>;

export const DoorListState = Type.Object({
  version: Type.Integer({ description: 'Increases with each change of the list' }),
  entries: Type.Integer(),
  status: Nullable(StringEnum(LIST_STATUSES)),
  sentAt: Nullable(Type.String()),
  ackedVersion: Nullable(Type.Integer({ description: 'The last version the controller confirmed holding' })),
  ackedAt: Nullable(Type.String()),
  message: Nullable(Type.String()),
});
export type DoorListState = Static<typeof DoorListState>;

export const AccessDoor = Type.Object(
  {
    doorId: Type.String(),
    universityId: Type.String(),
    name: Type.String(),
    buildingName: Nullable(Type.String()),
    mode: StringEnum(DOOR_MODES),
    credentials: Type.Array(StringEnum(DOOR_CREDENTIALS)),
    antiPassback: Type.Boolean({ description: '防潜回: no second entry without an exit in between' }),
    firstCardUnlock: Type.Boolean({ description: '首卡开门: in the normally-open hours the door opens for the day at the first staff card' }),
    normallyOpen: Nullable(Schedule),
    groupCount: Type.Integer(),
    list: Nullable(DoorListState),
  },
  { $id: 'AccessDoor' },
);
export type AccessDoor = Static<typeof AccessDoor>;

export const AccessDoorSettings = Type.Object(
  {
    mode: StringEnum(DOOR_MODES),
    credentials: Type.Array(StringEnum(DOOR_CREDENTIALS), { minItems: 1, uniqueItems: true }),
    antiPassback: Type.Boolean(),
    firstCardUnlock: Type.Boolean(),
    normallyOpen: Type.Optional(Nullable(Schedule)),
  },
  { additionalProperties: false },
);
export type AccessDoorSettings = Static<typeof AccessDoorSettings>;

/** What a controller asks (MQTT `xiaoan/<university>/<device>/access`, or the HTTP check). */
export const AccessRequest = Type.Object(
  {
    requestId: Type.String({ minLength: 1, maxLength: 64, description: 'Echoed in the answer' }),
    credentialType: StringEnum(DOOR_CREDENTIALS),
    credentialId: Type.String({ minLength: 1, maxLength: 128, description: 'Card number, QR token or face template id' }),
    direction: Type.Optional(StringEnum(DIRECTIONS)),
  },
  { additionalProperties: false },
);
export type AccessRequest = Static<typeof AccessRequest>;

export const ACCESS_DENY_REASONS = [...DENY_REASONS, 'credential_not_accepted', 'person_inactive', 'not_a_door'] as const;
export type AccessDenyReason = (typeof ACCESS_DENY_REASONS)[number];

/** The platform's answer (MQTT command `access.decision` on the controller's commands topic). */
export const AccessDecision = Type.Object({
  decision: StringEnum(['grant', 'deny'] as const),
  reason: Nullable(StringEnum(ACCESS_DENY_REASONS)),
  personId: Nullable(Type.String()),
  /** The group that let the person in. */
  groupId: Nullable(Type.String()),
  /** First-card unlock: the controller keeps the door open until then. */
  holdOpenUntil: Nullable(Type.String()),
});
export type AccessDecision = Static<typeof AccessDecision>;

/** The console's 模拟刷卡: what the door would answer, and why in words. */
export const AccessCheck = Type.Object(
  {
    doorId: Type.String({ minLength: 1 }),
    credentialType: StringEnum(DOOR_CREDENTIALS),
    credentialId: Type.String({ minLength: 1, maxLength: 128 }),
    direction: Type.Optional(StringEnum(DIRECTIONS)),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'Check at this instant instead of now (anti-passback is not applied or recorded)' })),
  },
  { additionalProperties: false },
);
export type AccessCheck = Static<typeof AccessCheck>;
export const AccessCheckResult = Type.Object({ ...AccessDecision.properties, personName: Nullable(Type.String()), groupName: Nullable(Type.String()) });
export type AccessCheckResult = Static<typeof AccessCheckResult>;

/** The list a controller that decides offline holds (MQTT command `access.list`). */
export interface PermissionList {
  version: number;
  generatedAt: string;
  /** Schedules the entries point at (index); an entry without one may pass at any time. */
  schedules: Static<typeof Schedule>[];
  /** The school calendar's special days for the next 60 days: the controller applies holidays itself. */
  calendar: Record<string, string>;
  entries: { type: DoorCredential; id: string; schedules: number[]; until: string | null }[];
  antiPassback: boolean;
}
