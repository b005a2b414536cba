/** Accounts (账号): users, roles, sessions, login lockout. */
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Store } from '../../store/database.ts';
import type { AuditService } from '../audit/index.ts';
import { ownTables } from '../../store/tables.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { AccountsRepository } from './accounts.repository.ts';
import { accountsRoutes } from './accounts.routes.ts';
import { AccountsService } from './accounts.service.ts';

export { AccountsService, HASH_OPTIONS, hashToken, type Person } from './accounts.service.ts';
export type { User, UserWithHash } from './accounts.repository.ts';

export function createAccountsModule(d: { store: Store; config: Config; audit: AuditService; org: OrgService; clock: Clock; bus: EventBus }) {
  const bus = new ModuleBus(d.bus);
  const accounts = new AccountsService({
    db: ownTables<'accounts'>(d.store.db),
    repo: new AccountsRepository(d.store.dialect),
    audit: d.audit,
    clock: d.clock,
    sessionTtlHours: d.config.XIAOAN_SESSION_TTL_HOURS,
    isUniversity: (id) => d.org.isUniversity(id),
    bus,
  });
  d.org.addDependents('users', (work, unitId) => accounts.countOfUniversity(work, unitId));
  const face: ModuleFace = {
    name: 'accounts',
    bus,
    tables: tablesOf('accounts'),
    publishes: ['accounts.sessions_ended'],
    routes: (app) => accountsRoutes(app, { accounts, cookieSecure: d.config.XIAOAN_COOKIE_SECURE, loginMaxAttempts: d.config.XIAOAN_LOGIN_MAX_ATTEMPTS }),
    jobs: [{ name: 'session sweep', everyMs: 3600_000, run: () => accounts.purgeExpiredSessions() }],
  };
  return { face, accounts };
}
