/**
 * 换班 (issue 15 item 1): a person on the roster asks to give a shift away or to exchange it
 * for one of another person's; the other person agrees (or declines); the security director or
 * the duty leader on duty approves (or rejects). Only an approval changes the roster, in one
 * audited transaction; 持证上岗 and double-booking are checked at the request and again at the
 * approval.
 */
import { Type, type Static } from 'typebox';
import { Nullable, Page, StringEnum } from './schema.ts';

export const SWAP_KINDS = ['give', 'exchange'] as const;
export type SwapKind = (typeof SWAP_KINDS)[number];

/** requested → agreed → approved; declined (by the other person), rejected (by the approver), cancelled (by the requester). */
export const SWAP_STATES = ['requested', 'agreed', 'approved', 'declined', 'rejected', 'cancelled'] as const;
export type SwapState = (typeof SWAP_STATES)[number];
export const OPEN_SWAP_STATES: readonly SwapState[] = ['requested', 'agreed'];

export const SWAP_LIMITS = { reason: 200, note: 200 } as const;

/** One side of a swap: the shift as it stood when the swap was asked for. */
export const SwapShift = Type.Object(
  {
    assignmentId: Type.String(),
    postId: Type.String(),
    postName: Type.String(),
    commandCentre: Type.Boolean(),
    date: Type.String({ description: 'YYYY-MM-DD (Beijing) the shift starts on' }),
    shift: Type.String(),
    shiftName: Type.String(),
    from: Type.String({ description: 'ISO instant' }),
    to: Type.String({ description: 'ISO instant' }),
  },
  { additionalProperties: false },
);
export type SwapShift = Static<typeof SwapShift>;

export const DutySwap = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    kind: StringEnum(SWAP_KINDS, { description: 'give: the other person takes the shift; exchange: the two swap shifts' }),
    state: StringEnum(SWAP_STATES),
    requesterId: Type.String(),
    requesterName: Type.String(),
    targetId: Type.String(),
    targetName: Type.String(),
    shift: SwapShift,
    targetShift: Nullable(SwapShift),
    reason: Type.String(),
    requestedAt: Type.String(),
    answeredAt: Nullable(Type.String({ description: 'When the other person agreed or declined' })),
    decidedAt: Nullable(Type.String({ description: 'When it was approved, rejected or cancelled' })),
    decidedBy: Nullable(Type.String({ description: 'Display name of who approved, rejected or cancelled' })),
    note: Nullable(Type.String()),
  },
  { $id: 'DutySwap', additionalProperties: false },
);
export type DutySwap = Static<typeof DutySwap>;

export const SwapInput = Type.Object(
  {
    assignmentId: Type.String({ minLength: 1, maxLength: 64, description: 'The requester’s own assignment (a director may ask on someone’s behalf)' }),
    targetId: Type.String({ minLength: 1, maxLength: 64, description: 'The account who takes the shift' }),
    targetAssignmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'For an exchange: the target’s assignment the requester takes in return' })),
    reason: Type.Optional(Type.String({ maxLength: SWAP_LIMITS.reason })),
  },
  { additionalProperties: false },
);
export type SwapInput = Static<typeof SwapInput>;

export const SwapDecision = Type.Object({ note: Type.Optional(Type.String({ maxLength: SWAP_LIMITS.note })) }, { additionalProperties: false });
export type SwapDecision = Static<typeof SwapDecision>;

export const SwapQuery = Type.Object(
  {
    universityId: Type.Optional(Type.String()),
    state: Type.Optional(StringEnum([...SWAP_STATES, 'open'] as const, { description: 'open: requested or agreed' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type SwapQuery = Static<typeof SwapQuery>;
export const SwapPage = Page(DutySwap);
export type SwapPage = Static<typeof SwapPage>;
