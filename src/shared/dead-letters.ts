/** Messages refused on ingest (dead letters) as the API shows them (ingest.routes.ts). */
import { Type, type Static } from 'typebox';
import { Nullable } from './schema.ts';

export const DeadLetter = Type.Object({
  id: Type.String(),
  receivedAt: Type.String(),
  source: Type.String(),
  deviceId: Nullable(Type.String()),
  topic: Nullable(Type.String()),
  reason: Type.String(),
  field: Nullable(Type.String()),
  rawText: Type.String({ description: 'The bytes as UTF-8 (first 4 KiB)' }),
  rawBase64: Type.String({ description: 'The exact bytes (first 64 KiB)' }),
  // Of the whole message, in bytes.
  size: Type.Integer(),
});
export type DeadLetter = Static<typeof DeadLetter>;

/** GET /api/dead-letters: newest first; `nextBeforeId` is the `beforeId` of the next page. */
export const DeadLetterPage = Type.Object({ items: Type.Array(DeadLetter), nextBeforeId: Nullable(Type.String()) });
export type DeadLetterPage = Static<typeof DeadLetterPage>;

/** GET /api/dead-letters/by-device: counts per device, most first. */
export const DeadLettersByDevice = Type.Object({ deviceId: Nullable(Type.String()), count: Type.Integer(), lastAt: Type.String() });
export type DeadLettersByDevice = Static<typeof DeadLettersByDevice>;
