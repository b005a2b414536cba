/**
 * 交接班 (issue 15 item 2): at each command-centre shift change the outgoing operator hands over
 * a duty log (the open alarms and device faults, pre-filled by the server, and free-text notes)
 * and a checklist, signs it, and the incoming operator rostered on the next shift accepts it;
 * accepting moves the open alarms to the new shift. States: open → signed → accepted.
 */
import { Type, type Static } from 'typebox';
import { Nullable, Page, StringEnum } from './schema.ts';

/** The fixed items a command centre checks at each handover (labels in the console's i18n). */
export const HANDOVER_CHECKLIST = ['monitor_wall', 'alarm_host', 'intercom', 'keys', 'log_book'] as const;
export type HandoverCheckKey = (typeof HANDOVER_CHECKLIST)[number];
export const HANDOVER_CHECKLIST_ZH: Record<HandoverCheckKey, string> = {
  monitor_wall: '监控画面巡检',
  alarm_host: '报警主机状态',
  intercom: '对讲/电话畅通',
  keys: '钥匙与物品交接',
  log_book: '值班记录填写',
};
export const HANDOVER_STATES = ['open', 'signed', 'accepted'] as const;
export const HANDOVER_LIMITS = { notes: 2000, remark: 200 } as const;
/** How long after the end of a shift its operator may still hand it over. */
export const HANDOVER_GRACE_MS = 2 * 3_600_000;

export const HandoverCheck = Type.Object(
  {
    key: StringEnum(HANDOVER_CHECKLIST),
    checked: Type.Boolean(),
    remark: Type.String({ maxLength: HANDOVER_LIMITS.remark, description: 'Needed when the item is not checked: what is wrong' }),
  },
  { additionalProperties: false },
);
export type HandoverCheck = Static<typeof HandoverCheck>;

export const HandoverAlarm = Type.Object(
  { id: Type.String(), title: Type.String(), type: Type.String(), priority: Type.Integer(), state: Type.String(), firstAt: Type.String() },
  { additionalProperties: false },
);
export type HandoverAlarm = Static<typeof HandoverAlarm>;

export const HandoverFault = Type.Object(
  {
    deviceId: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    fault: StringEnum(['offline', 'under_repair'] as const),
    since: Nullable(Type.String({ description: 'Last seen (offline devices)' })),
  },
  { additionalProperties: false },
);
export type HandoverFault = Static<typeof HandoverFault>;

const Person = Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false });

export const Handover = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    shiftFrom: Type.String({ description: 'ISO instant the outgoing shift began' }),
    shiftTo: Type.String({ description: 'ISO instant of the change of shift' }),
    postName: Type.String(),
    shiftName: Type.String(),
    outgoing: Person,
    incomingExpected: Type.Array(Person, { description: 'Who the roster puts on the next shift' }),
    incoming: Nullable(Person),
    state: StringEnum(HANDOVER_STATES),
    openAlarms: Type.Array(HandoverAlarm),
    deviceFaults: Type.Array(HandoverFault),
    checklist: Type.Array(HandoverCheck),
    notes: Type.String(),
    movedAlarms: Type.Integer({ description: 'Open alarms moved to the new shift on acceptance' }),
    createdAt: Type.String(),
    signedAt: Nullable(Type.String()),
    acceptedAt: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type Handover = Static<typeof Handover>;

const ShiftPerson = Type.Object(
  { accountId: Type.String(), accountName: Type.String(), postName: Type.String(), postKind: Type.String(), shiftName: Type.String(), from: Type.String(), to: Type.String() },
  { additionalProperties: false },
);
export type ShiftPerson = Static<typeof ShiftPerson>;

export const HandoverCurrent = Type.Object(
  {
    universityId: Nullable(Type.String()),
    rostered: Type.Boolean({ description: 'The university has a published command-centre roster now' }),
    onShift: Type.Array(ShiftPerson, { description: 'Command-centre posts staffed now' }),
    mine: Nullable(ShiftPerson),
    next: Type.Array(ShiftPerson, { description: 'The shift after mine (who may accept my handover)' }),
    handover: Nullable(Handover),
    awaitingMe: Type.Array(Handover, { description: 'Signed handovers whose next shift I am rostered on' }),
    openAlarms: Type.Array(HandoverAlarm, { description: 'The duty log the server would pre-fill now' }),
    deviceFaults: Type.Array(HandoverFault),
  },
  { additionalProperties: false },
);
export type HandoverCurrent = Static<typeof HandoverCurrent>;

export const HandoverStart = Type.Object({ universityId: Type.Optional(Type.String()) }, { additionalProperties: false });
export const HandoverSign = Type.Object(
  { checklist: Type.Array(HandoverCheck, { maxItems: 20 }), notes: Type.String({ maxLength: HANDOVER_LIMITS.notes }) },
  { additionalProperties: false },
);
export type HandoverSign = Static<typeof HandoverSign>;

export const HandoverQuery = Type.Object(
  {
    universityId: Type.Optional(Type.String()),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type HandoverQuery = Static<typeof HandoverQuery>;
export const HandoverPage = Page(Handover);
export type HandoverPage = Static<typeof HandoverPage>;
