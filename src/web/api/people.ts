/** The people register (人员库): /api/people and its credentials, unmask and Excel/CSV import. */
import type { CredentialInput, PeopleImportReport, Person, PersonCredential, PersonInput, PersonKind, PersonSort, PersonStatus, PersonUpdate, UnmaskedPerson, UnmaskRequest } from '../../shared/people.ts';
import type { ImportMode } from '../../shared/ledger-io.ts';
import type { Page } from '../../shared/schema.ts';
import { http } from './client.ts';
import { download, FileImportRefused, uploadSpreadsheet } from './ledger-io.ts';

export type { PeopleImportReport, Person, PersonCredential, PersonInput, PersonUpdate, UnmaskedPerson } from '../../shared/people.ts';

export interface PersonQuery {
  page: number;
  pageSize: number;
  q?: string;
  kind?: PersonKind[];
  status?: PersonStatus[];
  department?: string;
  universityId?: string;
  sort: PersonSort;
  order: 'asc' | 'desc';
}

const id = (v: string) => encodeURIComponent(v);

export const peopleApi = {
  list: (q: PersonQuery, signal?: AbortSignal) => http.get<Page<Person>>('/api/people', { ...q }, signal),
  get: (personId: string) => http.get<Person>(`/api/people/${id(personId)}`),
  departments: (universityId?: string) => http.get<string[]>('/api/people/departments', { universityId }),
  create: (input: PersonInput) => http.post<Person>('/api/people', input),
  update: (personId: string, patch: PersonUpdate) => http.put<Person>(`/api/people/${id(personId)}`, patch),
  /** Marks the person left (the record stays) and revokes their credentials. */
  markLeft: (personId: string) => http.delete(`/api/people/${id(personId)}`),
  addCredential: (personId: string, input: CredentialInput) => http.post<PersonCredential>(`/api/people/${id(personId)}/credentials`, input),
  revokeCredential: (personId: string, credentialId: string) => http.post<PersonCredential>(`/api/people/${id(personId)}/credentials/${id(credentialId)}/revoke`),
  unmask: (personId: string, req: UnmaskRequest) => http.post<UnmaskedPerson>(`/api/people/${id(personId)}/unmask`, req),
  downloadTemplate: () => download('/api/people/import-template', {}, 'people-template.xlsx'),
  upload: (file: File, opts: { mode: ImportMode; onlyValid?: boolean; universityId?: string }, onProgress: (fraction: number) => void) =>
    uploadSpreadsheet<PeopleImportReport>('/api/people/import', file, opts, onProgress),
};

export { FileImportRefused };
