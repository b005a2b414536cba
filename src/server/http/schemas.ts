import { Type } from 'typebox';

/** Schema pieces every module's routes share; those the API's shapes are built from live in src/shared. */
export { IsoDate, Nullable, Page, RefTo, StringEnum } from '../../shared/schema.ts';

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export const PagingQuery = {
  // Bounded: a page number like 99999999999999999999 overflowed the database's OFFSET (a 500).
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1, description: 'Page number, from 1 (≤ 1,000,000)' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Items per page (≤ 500)' })),
};

export const SortOrder = Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' });

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'Stable error code XIAOAN_<AREA>_<REASON>' }),
    error: Type.String(),
    message: Type.String(),
    details: Type.Array(
      Type.Object({ field: Type.String(), reason: Type.String(), rule: Type.Optional(Type.String()) }),
      { description: 'One entry per offending field' },
    ),
  },
  { $id: 'ErrorResponse', description: 'Error' },
);

/** Standard error responses to attach to a route's schema (documentation). */
export const errorResponses = {
  400: Type.Ref('ErrorResponse'),
  401: Type.Ref('ErrorResponse'),
  403: Type.Ref('ErrorResponse'),
  404: Type.Ref('ErrorResponse'),
};
