/** People register (人员库, issue 14): students, staff and contractors with their credentials; masked on the way out. */
import type { Clock } from '../../clock.ts';
import type { Store } from '../../store/database.ts';
import { ownTables } from '../../store/tables.ts';
import type { AuditService } from '../audit/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { PeopleImportService } from './people-import.ts';
import { PeopleRepository } from './people.repository.ts';
import { peopleRoutes } from './people.routes.ts';
import { PeopleService } from './people.service.ts';

export { PeopleService, presentPerson } from './people.service.ts';
export { PeopleImportService, PEOPLE_COLUMNS, PEOPLE_SHEET } from './people-import.ts';
export { checkCredentialValue, checkIdNumber, checkPhone } from './person-fields.ts';
export type { CredentialHolder, CredentialRecord, PersonRecord } from './people.repository.ts';

export function createPeopleModule(d: { store: Store; audit: AuditService; org: OrgService; clock: Clock }) {
  const db = ownTables<'people'>(d.store.db);
  const repo = new PeopleRepository(d.store.dialect);
  const people = new PeopleService(db, repo, d.audit, d.org, d.clock);
  const peopleImport = new PeopleImportService(db, repo, people, d.audit, d.clock);
  const face: ModuleFace = { name: 'people', tables: tablesOf('people'), routes: (app) => peopleRoutes(app, people, peopleImport) };
  return { face, people, peopleImport };
}
