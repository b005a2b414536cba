import { Type, type Static } from 'typebox';

// Written out (not mapped from the lists) so the types are the literal unions.
const LayoutSchema = Type.Union([Type.Literal(1), Type.Literal(4), Type.Literal(9), Type.Literal(16)]);
const IntervalSchema = Type.Union([Type.Literal(10), Type.Literal(20), Type.Literal(30), Type.Literal(60)]);

/** Tiles of the video wall (电视墙): 1, 4, 9 or 16 pictures. */
export const WALL_LAYOUTS = [1, 4, 9, 16] as const;
export type WallLayout = (typeof WALL_LAYOUTS)[number] & Static<typeof LayoutSchema>;

/** Seconds a tour (轮巡) shows each page of cameras. */
export const TOUR_INTERVALS_S = [10, 20, 30, 60] as const;

/** A university's most cameras in one tour group. */
export const MAX_TOUR_CAMERAS = 256;

/** 轮巡组: cameras a command centre tours through on the video wall, page by page, shared by its operators. */
export const TourGroup = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    name: Type.String(),
    /** In tour order; cameras removed from the ledger since are left out. */
    cameraIds: Type.Array(Type.String()),
    /** Their names, in the same order (tile labels). */
    cameraNames: Type.Array(Type.String()),
    layout: LayoutSchema,
    intervalS: IntervalSchema,
    createdBy: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'TourGroup' },
);
export type TourGroup = Static<typeof TourGroup>;

export const TourGroupInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 40 }),
    cameraIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: MAX_TOUR_CAMERAS, uniqueItems: true }),
    layout: LayoutSchema,
    intervalS: IntervalSchema,
  },
  { additionalProperties: false },
);
export type TourGroupInput = Static<typeof TourGroupInput>;
