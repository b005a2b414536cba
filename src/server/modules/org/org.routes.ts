import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { KEY_SITE_CATEGORIES, ORG_KINDS, PRIVACY_KINDS } from '../../../shared/domain.ts';
import { Geometry, KeySite, OrgTreeNodeSchema, OrgUnit } from '../../../shared/org.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, Nullable, Page, PagingQuery, RefTo, StringEnum } from '../../http/schemas.ts';
import type { OrgService } from './org.service.ts';

const Lon = Type.Number({ minimum: -180, maximum: 180, description: 'WGS84 longitude' });
const Lat = Type.Number({ minimum: -90, maximum: 90, description: 'WGS84 latitude' });
const Name = Type.String({ minLength: 1, maxLength: 100 });

const unitFields = {
  name: Name,
  code: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  floorLevel: Type.Optional(Nullable(Type.Integer({ minimum: -10, maximum: 200, description: 'Floors only; basement levels are negative' }))),
  privacy: Type.Optional(Nullable(StringEnum(PRIVACY_KINDS, { description: 'Areas only: a private space where cameras are forbidden' }))),
  population: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'People on a campus (grades rule packs)' }))),
  address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  lon: Type.Optional(Nullable(Lon)),
  lat: Type.Optional(Nullable(Lat)),
  geometry: Type.Optional(Nullable(Geometry)),
};

export function orgRoutes(fastify: FastifyInstance, org: OrgService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(OrgUnit);
  app.addSchema(KeySite);
  app.addSchema(OrgTreeNodeSchema);
  const UnitRef = RefTo(OrgUnit);
  const SiteRef = RefTo(KeySite);

  app.get(
    '/api/org-units',
    {
      config: { auth: { permission: 'org.read' } },
      schema: {
        tags: ['organization'],
        summary: 'List org units (university, campus, building, floor, area)',
        querystring: Type.Object(
          { ...PagingQuery, kind: Type.Optional(StringEnum(ORG_KINDS)), parentId: Type.Optional(Type.String()), universityId: Type.Optional(Type.String()), q: Type.Optional(Type.String({ maxLength: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: Page(UnitRef), ...errorResponses },
      },
    },
    async (req) => {
      const page = req.query.page ?? 1;
      const pageSize = req.query.pageSize ?? 50;
      return { ...(await org.listUnits(actorOf(req), { ...req.query, page, pageSize })), page, pageSize };
    },
  );

  app.get(
    '/api/org-units/tree',
    {
      config: { auth: { permission: 'org.read' } },
      schema: {
        tags: ['organization'],
        summary: 'The organization tree without geometry: commission → university → campus → building → floor → area',
        querystring: Type.Object({ universityId: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: Type.Array(RefTo(OrgTreeNodeSchema)), ...errorResponses },
      },
    },
    async (req) => org.tree(actorOf(req), req.query.universityId),
  );

  app.get(
    '/api/org-units/:id',
    { config: { auth: { permission: 'org.read' } }, schema: { tags: ['organization'], summary: 'One org unit', params: IdParams, response: { 200: UnitRef, ...errorResponses } } },
    async (req) => org.getUnit(actorOf(req), req.params.id),
  );

  app.post(
    '/api/org-units',
    {
      config: { auth: { permission: 'org.write' } },
      schema: {
        tags: ['organization'],
        summary: 'Create an org unit under its parent (universities: administrators only)',
        body: Type.Object(
          { kind: StringEnum(['university', 'campus', 'building', 'floor', 'area'] as const), parentId: Type.String({ minLength: 1 }), ...unitFields },
          { additionalProperties: false },
        ),
        response: { 201: UnitRef, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await org.createUnit(actorOf(req), req.body)),
  );

  app.patch(
    '/api/org-units/:id',
    {
      config: { auth: { permission: 'org.write' } },
      schema: {
        tags: ['organization'],
        summary: 'Change an org unit',
        params: IdParams,
        body: Type.Object({ ...unitFields, name: Type.Optional(Name) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: UnitRef, ...errorResponses },
      },
    },
    async (req) => org.updateUnit(actorOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/org-units/:id',
    {
      config: { auth: { permission: 'org.write' } },
      schema: { tags: ['organization'], summary: 'Delete an empty org unit (409 while anything is inside)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (req, reply) => {
      await org.deleteUnit(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  const siteFields = {
    campusId: Type.String({ minLength: 1 }),
    buildingId: Type.Optional(Nullable(Type.String())),
    floorIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 200, description: 'Floors of the building the site lies on (a finance office on 2F); omit or empty: the whole building' })),
    name: Name,
    category: StringEnum(KEY_SITE_CATEGORIES, { description: 'Key-site category (重点部位类别)' }),
    geometry: Geometry,
    notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  };

  app.get(
    '/api/key-sites',
    {
      config: { auth: { permission: 'org.read' } },
      schema: {
        tags: ['key sites'],
        summary: 'List key sites (重点部位)',
        querystring: Type.Object(
          {
            ...PagingQuery,
            campusId: Type.Optional(Type.String()),
            buildingId: Type.Optional(Type.String()),
            category: Type.Optional(StringEnum(KEY_SITE_CATEGORIES)),
            universityId: Type.Optional(Type.String()),
            q: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(SiteRef), ...errorResponses },
      },
    },
    async (req) => {
      const page = req.query.page ?? 1;
      const pageSize = req.query.pageSize ?? 50;
      return { ...(await org.listKeySites(actorOf(req), { ...req.query, page, pageSize })), page, pageSize };
    },
  );

  app.get(
    '/api/key-sites/:id',
    { config: { auth: { permission: 'org.read' } }, schema: { tags: ['key sites'], summary: 'One key site', params: IdParams, response: { 200: SiteRef, ...errorResponses } } },
    async (req) => org.getKeySite(actorOf(req), req.params.id),
  );

  app.post(
    '/api/key-sites',
    {
      config: { auth: { permission: 'org.write' } },
      schema: { tags: ['key sites'], summary: 'Create a key site', body: Type.Object(siteFields, { additionalProperties: false }), response: { 201: SiteRef, ...errorResponses } },
    },
    async (req, reply) => reply.status(201).send(await org.createKeySite(actorOf(req), req.body)),
  );

  app.patch(
    '/api/key-sites/:id',
    {
      config: { auth: { permission: 'org.write' } },
      schema: {
        tags: ['key sites'],
        summary: 'Change a key site',
        params: IdParams,
        body: Type.Object(
          { campusId: Type.Optional(siteFields.campusId), buildingId: siteFields.buildingId, floorIds: siteFields.floorIds, name: Type.Optional(Name), category: Type.Optional(siteFields.category), geometry: Type.Optional(Geometry), notes: siteFields.notes },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: SiteRef, ...errorResponses },
      },
    },
    async (req) => org.updateKeySite(actorOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/key-sites/:id',
    { config: { auth: { permission: 'org.write' } }, schema: { tags: ['key sites'], summary: 'Delete a key site', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await org.deleteKeySite(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
