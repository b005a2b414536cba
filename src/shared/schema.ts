import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';

/**
 * Schema pieces the API shapes in src/shared are built from. The server validates and
 * serializes with them; the console uses their static types.
 */

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Literal union from a readonly list of strings (closed lists from `shared/domain.ts`). */
export function StringEnum<T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

/**
 * `{ $ref }` to a schema registered under its `$id` (OpenAPI shows it by that name), typed as
 * that schema: a plain `Type.Ref` would be typed `unknown`.
 */
export function RefTo<T extends TSchema>(schema: T) {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('RefTo: the schema has no $id');
  return Type.Unsafe<Static<T>>(Type.Ref(id));
}

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer({ description: 'Items matching the filter, over all pages' }),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });
}
/** One page of a paged list (GET /api/devices, /api/alarms, /api/audit …). */
export type Page<T> = Static<ReturnType<typeof Page<TUnsafe<T>>>>;
