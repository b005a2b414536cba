import { sql, type Selectable } from 'kysely';
import type { CredentialKind, CredentialStatus, PersonKind, PersonSort, PersonStatus } from '../../../shared/people.ts';
import type { Dialect } from '../../store/database.ts';
import type { PersonCredentialTable, PersonTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

type Db = ModuleDb<'people'>;

/** A person as stored: identity number and phone in full. Only the service masks them. */
export interface PersonRecord {
  id: string;
  universityId: string;
  kind: PersonKind;
  name: string;
  number: string;
  department: string | null;
  idNumber: string | null;
  phone: string | null;
  status: PersonStatus;
  validUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A credential as stored: its value in full. */
export interface CredentialRecord {
  id: string;
  universityId: string;
  personId: string;
  kind: CredentialKind;
  value: string;
  status: CredentialStatus;
  createdAt: string;
  revokedAt: string | null;
}

/** An active credential and what a door permission needs of its holder; never leaves the server. */
export interface CredentialHolder {
  personId: string;
  credentialKind: CredentialKind;
  value: string;
  name: string;
  personKind: PersonKind;
  department: string | null;
  status: PersonStatus;
  validUntil: string | null;
}

export interface PersonQuery {
  universityId: string | null;
  q?: string;
  kind?: PersonKind[];
  status?: PersonStatus[];
  department?: string;
  sort: PersonSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

const SORT_COLUMN: Record<PersonSort, keyof PersonTable> = { name: 'name', number: 'number', kind: 'kind', status: 'status', department: 'department', updatedAt: 'updated_at' };

export const personSearchText = (p: Pick<PersonRecord, 'name' | 'number'>) => `${p.name}\n${p.number}`.toLowerCase();

const toPerson = (r: Selectable<PersonTable>): PersonRecord => ({
  id: r.id,
  universityId: r.university_id,
  kind: r.kind as PersonKind,
  name: r.name,
  number: r.number,
  department: r.department,
  idNumber: r.id_number,
  phone: r.phone,
  status: r.status as PersonStatus,
  validUntil: r.valid_until,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const fromPerson = (p: PersonRecord): Selectable<PersonTable> => ({
  id: p.id,
  university_id: p.universityId,
  kind: p.kind,
  name: p.name,
  number: p.number,
  department: p.department,
  id_number: p.idNumber,
  phone: p.phone,
  status: p.status,
  valid_until: p.validUntil,
  search_text: personSearchText(p),
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

const toCredential = (r: Selectable<PersonCredentialTable>): CredentialRecord => ({
  id: r.id,
  universityId: r.university_id,
  personId: r.person_id,
  kind: r.kind as CredentialKind,
  value: r.value,
  status: r.status as CredentialStatus,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

const fromCredential = (c: CredentialRecord): Selectable<PersonCredentialTable> => ({
  id: c.id,
  university_id: c.universityId,
  person_id: c.personId,
  kind: c.kind,
  value: c.value,
  status: c.status,
  created_at: c.createdAt,
  revoked_at: c.revokedAt,
});

/** Rows per INSERT: keeps one statement under SQLite's bound-parameter limit. */
const CHUNK = 500;

export class PeopleRepository {
  constructor(private readonly dialect: Dialect) {}

  async find(db: Db, id: string): Promise<PersonRecord | undefined> {
    const r = await db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toPerson(r);
  }

  async findByNumber(db: Db, universityId: string, number: string): Promise<PersonRecord | undefined> {
    const r = await db.selectFrom('people').selectAll().where('university_id', '=', universityId).where('number', '=', number).executeTakeFirst();
    return r && toPerson(r);
  }

  async list(db: Db, q: PersonQuery): Promise<{ items: PersonRecord[]; total: number }> {
    let query = db.selectFrom('people');
    if (q.universityId !== null) query = query.where('university_id', '=', q.universityId);
    if (q.kind?.length) query = query.where('kind', 'in', q.kind);
    if (q.status?.length) query = query.where('status', 'in', q.status);
    if (q.department) query = query.where('department', '=', q.department);
    if (q.q) {
      const pattern = '%' + q.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
      query = query.where(sql<boolean>`search_text LIKE ${pattern} ESCAPE '\\'`);
    }
    const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy(SORT_COLUMN[q.sort], q.order)
      .orderBy('id', q.order) // a stable order across pages
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    return { total: Number(total), items: rows.map(toPerson) };
  }

  /** The departments a university's people name, for the console's filter. */
  async departments(db: Db, universityId: string | null): Promise<string[]> {
    let q = db.selectFrom('people').select('department').distinct().where('department', 'is not', null);
    if (universityId !== null) q = q.where('university_id', '=', universityId);
    const rows = await q.orderBy('department').limit(1000).execute();
    return rows.map((r) => r.department!);
  }

  /** Every person of a university (the import matches rows by 学工号 against them). */
  async ofUniversity(db: Db, universityId: string): Promise<PersonRecord[]> {
    return (await db.selectFrom('people').selectAll().where('university_id', '=', universityId).execute()).map(toPerson);
  }

  async insert(db: Db, p: PersonRecord) {
    await db.insertInto('people').values(fromPerson(p)).execute();
  }

  async insertMany(db: Db, list: PersonRecord[]) {
    for (let i = 0; i < list.length; i += CHUNK) await db.insertInto('people').values(list.slice(i, i + CHUNK).map(fromPerson)).execute();
  }

  async update(db: Db, p: PersonRecord) {
    const { id: _id, ...rest } = fromPerson(p);
    await db.updateTable('people').set(rest).where('id', '=', p.id).execute();
  }

  async credentialsOf(db: Db, personIds: string[]): Promise<CredentialRecord[]> {
    const out: CredentialRecord[] = [];
    for (let i = 0; i < personIds.length; i += CHUNK) {
      const rows = await db.selectFrom('person_credentials').selectAll().where('person_id', 'in', personIds.slice(i, i + CHUNK)).orderBy('created_at').orderBy('id').execute();
      out.push(...rows.map(toCredential));
    }
    return out;
  }

  async findCredential(db: Db, id: string): Promise<CredentialRecord | undefined> {
    const r = await db.selectFrom('person_credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toCredential(r);
  }

  /** The active credential holding a card number or QR token in a university, if any. */
  async activeCredentialWith(db: Db, universityId: string, kind: CredentialKind, value: string): Promise<CredentialRecord | undefined> {
    const r = await db
      .selectFrom('person_credentials')
      .selectAll()
      .where('university_id', '=', universityId)
      .where('kind', '=', kind)
      .where('value', '=', value)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return r && toCredential(r);
  }

  /** Active credentials of a university with their holders (door decisions and permission lists): one value's, one person's, or all. */
  async holders(db: Db, universityId: string, only?: { kind: CredentialKind; value: string } | { personId: string }): Promise<CredentialHolder[]> {
    let q = db
      .selectFrom('person_credentials as c')
      .innerJoin('people as p', 'p.id', 'c.person_id')
      .select(['c.person_id', 'c.kind', 'c.value', 'p.name', 'p.kind as person_kind', 'p.department', 'p.status', 'p.valid_until'])
      .where('c.university_id', '=', universityId)
      .where('c.status', '=', 'active');
    if (only && 'personId' in only) q = q.where('c.person_id', '=', only.personId);
    else if (only) q = q.where('c.kind', '=', only.kind).where('c.value', '=', only.value);
    const rows = await q.orderBy('c.kind').orderBy('c.value').execute();
    return rows.map((r) => ({
      personId: r.person_id,
      credentialKind: r.kind as CredentialKind,
      value: r.value,
      name: r.name,
      personKind: r.person_kind as PersonKind,
      department: r.department,
      status: r.status as PersonStatus,
      validUntil: r.valid_until,
    }));
  }

  async namesOf(db: Db, universityId: string, ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await db.selectFrom('people').select(['id', 'name']).where('university_id', '=', universityId).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.set(r.id, r.name);
    }
    return out;
  }

  /** Every active credential of a kind in a university (the import checks card numbers against them). */
  async activeCredentialsOfKind(db: Db, universityId: string, kind: CredentialKind): Promise<CredentialRecord[]> {
    const rows = await db.selectFrom('person_credentials').selectAll().where('university_id', '=', universityId).where('kind', '=', kind).where('status', '=', 'active').execute();
    return rows.map(toCredential);
  }

  async insertCredentials(db: Db, list: CredentialRecord[]) {
    for (let i = 0; i < list.length; i += CHUNK) await db.insertInto('person_credentials').values(list.slice(i, i + CHUNK).map(fromCredential)).execute();
  }

  async revokeCredentials(db: Db, ids: string[], at: string) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await db.updateTable('person_credentials').set({ status: 'revoked', revoked_at: at }).where('id', 'in', ids.slice(i, i + CHUNK)).where('status', '=', 'active').execute();
    }
  }

  /** Every credential, active or revoked, that ever carried a value in a university (who held a card when). */
  async credentialsWith(db: Db, universityId: string, kind: CredentialKind, value: string): Promise<CredentialRecord[]> {
    const rows = await db.selectFrom('person_credentials').selectAll().where('university_id', '=', universityId).where('kind', '=', kind).where('value', '=', value).orderBy('created_at').orderBy('id').execute();
    return rows.map(toCredential);
  }

  async byIds(db: Db, ids: string[]): Promise<PersonRecord[]> {
    const out: PersonRecord[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await db.selectFrom('people').selectAll().where('id', 'in', ids.slice(i, i + CHUNK)).execute()).map(toPerson));
    return out;
  }

  async countPeople(db: Db, universityId: string): Promise<number> {
    const r = await db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).where('university_id', '=', universityId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** After a big import PostgreSQL's statistics are stale until autovacuum runs ANALYZE. */
  async refreshStatistics(db: Db) {
    if (this.dialect === 'postgres') await sql`ANALYZE people`.execute(db).catch(() => {});
  }
}
