import type { FieldProblem } from '../../../shared/error-codes.ts';
import { maskCredentialId, maskIdNumber, maskPhone } from '../../../shared/personal-data.ts';
import type { CredentialInput, CredentialKind, Person, PersonCredential, PersonInput, PersonUpdate, UnmaskedPerson, UnmaskRequest } from '../../../shared/people.ts';
import { PERSON_LIMITS } from '../../../shared/people.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalid, invalidField, notFound } from '../../http/errors.ts';
import { type Actor, assertInScope, listScope, scopeOf } from '../../http/policy.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AuditService } from '../audit/index.ts';
import type { OrgService } from '../org/index.ts';
import { CredentialDirectory } from './credential-directory.ts';
import { checkCredentialValue, checkIdNumber, checkName, checkNumber, checkPhone, type Checked } from './person-fields.ts';
import type { CredentialHolder, CredentialRecord, PeopleRepository, PersonQuery, PersonRecord } from './people.repository.ts';

/** A credential as it may be shown: its value masked. */
export function presentCredential(c: CredentialRecord): PersonCredential {
  return { id: c.id, personId: c.personId, kind: c.kind, value: maskCredentialId(c.value), status: c.status, createdAt: c.createdAt, revokedAt: c.revokedAt };
}

/** A person as it may be shown: id number, phone and credential values masked (personal-information rules). */
export function presentPerson(p: PersonRecord, credentials: readonly CredentialRecord[]): Person {
  return {
    id: p.id,
    universityId: p.universityId,
    kind: p.kind,
    name: p.name,
    number: p.number,
    department: p.department,
    idNumber: p.idNumber === null ? null : maskIdNumber(p.idNumber),
    phone: p.phone === null ? null : maskPhone(p.phone),
    status: p.status,
    validUntil: p.validUntil,
    credentials: credentials.filter((c) => c.personId === p.id).map(presentCredential),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Collects field problems while building a record. */
class Problems {
  readonly list: FieldProblem[] = [];
  take<T>(c: Checked<T>): T | undefined {
    if (c.ok) return c.value;
    this.list.push(c.problem);
    return undefined;
  }
}

/**
 * 人员库: a university's people and their credentials. Everything that leaves goes through
 * `presentPerson` (masked); the raw values only through `unmask`, which needs a reason and
 * writes an audit entry. A person is never deleted: DELETE marks them left and revokes their
 * credentials. Audit entries hold the masked view, so the audit log does not become a second
 * copy of the identity numbers.
 */
export class PeopleService {
  constructor(
    private readonly db: ModuleDb<'people'>,
    private readonly repo: PeopleRepository,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly org: Pick<OrgService, 'unit'>,
    private readonly clock: Clock,
    /** Holders in memory for door decisions; null reads the store at each swipe (the bench's comparison). */
    private readonly directory: CredentialDirectory | null = new CredentialDirectory((u, personId) => repo.holders(db, u, personId ? { personId } : undefined)),
  ) {}

  private async record(actor: Actor, id: string): Promise<PersonRecord> {
    return assertInScope(actor, await this.repo.find(this.db, id), (p) => p.universityId, 'person');
  }

  private async view(p: PersonRecord): Promise<Person> {
    return presentPerson(p, await this.repo.credentialsOf(this.db, [p.id]));
  }

  async list(actor: Actor, q: Omit<PersonQuery, 'universityId'> & { universityId?: string }): Promise<{ items: Person[]; total: number }> {
    const res = await this.repo.list(this.db, { ...q, universityId: listScope(actor, q.universityId) });
    const credentials = await this.repo.credentialsOf(this.db, res.items.map((p) => p.id));
    return { total: res.total, items: res.items.map((p) => presentPerson(p, credentials)) };
  }

  async get(actor: Actor, id: string): Promise<Person> {
    return this.view(await this.record(actor, id));
  }

  departments(actor: Actor, universityId?: string): Promise<string[]> {
    return this.repo.departments(this.db, listScope(actor, universityId));
  }

  /** The university a write goes to: the actor's own, or the one a city-wide account names. */
  async targetUniversity(actor: Actor, requested: string | undefined): Promise<{ id: string; name: string }> {
    const scope = scopeOf(actor);
    if (scope === null && !requested) throw invalidField('universityId', 'is required for a city-wide account: name the university', 'required');
    const id = scope ?? requested!;
    if (requested && requested !== id) throw invalidField('universityId', 'no such university');
    const unit = await this.org.unit(id);
    if (!unit || unit.kind !== 'university') throw invalidField('universityId', 'no such university');
    return { id, name: unit.name };
  }

  /** Checks and normalizes the fields of a person; `base` is the stored person an update starts from. */
  prepare(universityId: string, input: PersonUpdate & Partial<Pick<PersonInput, 'kind' | 'name' | 'number'>>, base?: PersonRecord): PersonRecord {
    const problems = new Problems();
    const name = input.name !== undefined ? problems.take(checkName(input.name)) : base?.name;
    const number = input.number !== undefined ? problems.take(checkNumber(input.number)) : base?.number;
    const keep = <K extends 'idNumber' | 'phone' | 'department' | 'validUntil'>(k: K): PersonRecord[K] | undefined => (input[k] === undefined ? (base?.[k] ?? null) : undefined);
    const idNumber = keep('idNumber') ?? (input.idNumber ? problems.take(checkIdNumber(input.idNumber)) : null);
    const phone = keep('phone') ?? (input.phone ? problems.take(checkPhone(input.phone)) : null);
    const department = keep('department') ?? (input.department?.replace(/\s+/g, ' ').trim() || null);
    if (problems.list.length || name === undefined || number === undefined || idNumber === undefined || phone === undefined) throw invalid(problems.list);
    const now = this.clock.nowIso();
    return {
      id: base?.id ?? uuid7(),
      universityId,
      kind: input.kind ?? base!.kind,
      name,
      number,
      department,
      idNumber,
      phone,
      status: input.status ?? base?.status ?? 'active',
      validUntil: keep('validUntil') ?? input.validUntil ?? null,
      createdAt: base?.createdAt ?? now,
      updatedAt: now,
    };
  }

  private async assertNumberFree(p: PersonRecord) {
    const other = await this.repo.findByNumber(this.db, p.universityId, p.number);
    if (other && other.id !== p.id) {
      throw conflict(`学工号 ${p.number} is already registered to another person`, [{ field: 'number', reason: 'is already registered to another person of the university', rule: 'unique' }]);
    }
  }

  async create(actor: Actor, input: PersonInput): Promise<Person> {
    const uni = await this.targetUniversity(actor, input.universityId);
    const person = this.prepare(uni.id, input);
    await this.assertNumberFree(person);
    try {
      await this.db.transaction().execute(async (trx) => {
        await this.repo.insert(trx, person);
        await this.audit.record(trx, actor, { action: 'create', entityType: 'person', entityId: person.id, universityId: person.universityId, after: presentPerson(person, []) });
      });
    } catch (e) {
      if (isUniqueViolation(e)) await this.assertNumberFree(person);
      throw e;
    }
    return presentPerson(person, []);
  }

  async update(actor: Actor, id: string, patch: PersonUpdate): Promise<Person> {
    const before = await this.record(actor, id);
    const after = this.prepare(before.universityId, patch, before);
    await this.assertNumberFree(after);
    const credentials = await this.repo.credentialsOf(this.db, [id]);
    await this.db.transaction().execute(async (trx) => {
      await this.repo.update(trx, after);
      // Someone who left keeps no working credential.
      if (after.status === 'left') await this.repo.revokeCredentials(trx, credentials.filter((c) => c.status === 'active').map((c) => c.id), after.updatedAt);
      await this.audit.record(trx, actor, {
        action: 'update',
        entityType: 'person',
        entityId: id,
        universityId: after.universityId,
        before: presentPerson(before, []),
        after: { ...presentPerson(after, []), idNumberChanged: before.idNumber !== after.idNumber, phoneChanged: before.phone !== after.phone },
      });
    });
    await this.directory?.personChanged(after.universityId, id);
    return this.view(after);
  }

  /** DELETE: the person is marked left (their record is history) and their credentials revoked. */
  async markLeft(actor: Actor, id: string): Promise<Person> {
    return this.update(actor, id, { status: 'left' });
  }

  async addCredential(actor: Actor, personId: string, input: CredentialInput): Promise<PersonCredential> {
    const person = await this.record(actor, personId);
    const checked = checkCredentialValue(input.kind, input.value);
    if (!checked.ok) throw invalid([checked.problem]);
    if (person.status === 'left') throw invalidField('personId', 'has left the university; reactivate them before issuing a credential', 'status');
    const credential: CredentialRecord = { id: uuid7(), universityId: person.universityId, personId, kind: input.kind, value: checked.value, status: 'active', createdAt: this.clock.nowIso(), revokedAt: null };
    const taken = async () => {
      if (input.kind === 'face') return;
      const other = await this.repo.activeCredentialWith(this.db, person.universityId, input.kind, credential.value);
      if (other) throw conflict(`this ${input.kind === 'card' ? 'card number' : 'QR token'} is already active for ${other.personId === personId ? 'this person' : 'another person'}`, [{ field: 'value', reason: 'is already in use in the university', rule: 'unique' }]);
    };
    await taken();
    try {
      await this.db.transaction().execute(async (trx) => {
        await this.repo.insertCredentials(trx, [credential]);
        await this.audit.record(trx, actor, { action: 'create', entityType: 'person_credential', entityId: credential.id, universityId: person.universityId, after: presentCredential(credential) });
      });
    } catch (e) {
      if (isUniqueViolation(e)) await taken();
      throw e;
    }
    await this.directory?.personChanged(person.universityId, personId);
    return presentCredential(credential);
  }

  async revokeCredential(actor: Actor, personId: string, credentialId: string): Promise<PersonCredential> {
    const person = await this.record(actor, personId);
    const credential = await this.repo.findCredential(this.db, credentialId);
    if (!credential || credential.personId !== person.id) throw notFound('credential');
    if (credential.status === 'revoked') return presentCredential(credential);
    const revoked: CredentialRecord = { ...credential, status: 'revoked', revokedAt: this.clock.nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await this.repo.revokeCredentials(trx, [credential.id], revoked.revokedAt!);
      await this.audit.record(trx, actor, { action: 'update', entityType: 'person_credential', entityId: credential.id, universityId: person.universityId, before: presentCredential(credential), after: presentCredential(revoked) });
    });
    await this.directory?.personChanged(person.universityId, personId);
    return presentCredential(revoked);
  }

  /**
   * The raw values of the fields asked for. The reason and the fields go into the audit log
   * before anything is answered: no entry, no values.
   */
  async unmask(actor: Actor, personId: string, req: UnmaskRequest): Promise<UnmaskedPerson> {
    const person = await this.record(actor, personId);
    const reason = req.reason.replace(/\s+/g, ' ').trim();
    if (reason.length < PERSON_LIMITS.reasonMin) throw invalidField('reason', `must say why, in at least ${PERSON_LIMITS.reasonMin} characters`, 'minLength');
    const fields = [...new Set(req.fields)];
    const out: UnmaskedPerson = { personId };
    if (fields.includes('idNumber')) out.idNumber = person.idNumber;
    if (fields.includes('phone')) out.phone = person.phone;
    if (fields.includes('credentials')) out.credentials = (await this.repo.credentialsOf(this.db, [personId])).map((c) => ({ id: c.id, kind: c.kind, value: c.value }));
    await this.db.transaction().execute((trx) =>
      this.audit.record(trx, actor, { action: 'person.unmask', entityType: 'person', entityId: personId, universityId: person.universityId, after: { reason, fields, name: person.name, number: person.number } }),
    );
    return out;
  }

  // ---- for trajectories (modules/trajectory): raw values, for the server only; the caller masks and audits ----

  /** A person in the actor's scope with every credential they ever held (values in full, revoked ones included). */
  async withCredentialHistory(actor: Actor, personId: string): Promise<{ person: PersonRecord; credentials: CredentialRecord[] }> {
    const person = await this.record(actor, personId);
    return { person, credentials: await this.repo.credentialsOf(this.db, [personId]) };
  }

  /** Who held a card number or QR token of a university, and when (every issue of it, revoked included). */
  async holdersOf(universityId: string, kind: CredentialKind, value: string): Promise<{ credential: CredentialRecord; person: PersonRecord }[]> {
    const credentials = await this.repo.credentialsWith(this.db, universityId, kind, value);
    const people = new Map((await this.repo.byIds(this.db, [...new Set(credentials.map((c) => c.personId))])).map((p) => [p.id, p]));
    return credentials.flatMap((credential) => {
      const person = people.get(credential.personId);
      return person ? [{ credential, person }] : [];
    });
  }

  /** People by id (ids of other universities are left out when `universityId` is given). */
  async byIds(ids: string[], universityId?: string): Promise<PersonRecord[]> {
    const rows = ids.length ? await this.repo.byIds(this.db, [...new Set(ids)]) : [];
    return universityId ? rows.filter((p) => p.universityId === universityId) : rows;
  }

  /** Active people of a university with their active card numbers (the demo simulator moves them about). */
  async cardHolders(universityId: string): Promise<{ personId: string; kind: PersonRecord['kind']; card: string }[]> {
    const [people, cards] = await Promise.all([this.repo.ofUniversity(this.db, universityId), this.repo.activeCredentialsOfKind(this.db, universityId, 'card')]);
    const active = new Map(people.filter((p) => p.status === 'active').map((p) => [p.id, p]));
    return cards
      .filter((c) => active.has(c.personId))
      .map((c) => ({ personId: c.personId, kind: active.get(c.personId)!.kind, card: c.value }))
      .sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : a.card < b.card ? -1 : 1));
  }

  // ---- for the demo seed: system work, checked by the caller ----

  /** The holder of an active card, QR or face credential (a door decision), or null. */
  async holderOf(universityId: string, kind: CredentialKind, value: string): Promise<CredentialHolder | null> {
    if (this.directory) return this.directory.holderOf(universityId, kind, value);
    return (await this.repo.holders(this.db, universityId, { kind, value }))[0] ?? null;
  }

  /** After many people of a university changed at once (an import): door decisions read them again. */
  manyChanged(universityId: string): void {
    this.directory?.universityChanged(universityId);
  }

  /** Every active credential of a university with its holder (permission lists for offline doors). */
  activeHolders(universityId: string): Promise<CredentialHolder[]> {
    return this.repo.holders(this.db, universityId);
  }

  /** Names by id of a university's people (ids of other universities are left out), for lists that point at people. */
  namesOf(universityId: string, ids: string[]): Promise<Map<string, string>> {
    return this.repo.namesOf(this.db, universityId, ids);
  }

  /** Writes people and credentials as they are, in the caller's transaction, without audit entries of their own (the demo seed audits once). */
  async loadBulk(work: Work, people: PersonRecord[], credentials: CredentialRecord[]): Promise<void> {
    const db = ownTables<'people'>(work);
    await this.repo.insertMany(db, people);
    await this.repo.insertCredentials(db, credentials);
    for (const u of new Set(people.map((p) => p.universityId))) this.directory?.universityChanged(u);
  }
}
