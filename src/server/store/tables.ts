import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';
import type { TABLE_OWNERS } from './table-owners.ts';

/** The store or an open transaction on it, typed with every table (the composition root and migrations only). */
export type Db = Kysely<DB> | Transaction<DB>;

/** A module that owns tables. */
export type TableOwner = (typeof TABLE_OWNERS)[keyof DB];

/** The tables one module owns (store/table-owners.ts). */
export type OwnTables<M extends TableOwner> = Pick<DB, { [T in keyof DB]: (typeof TABLE_OWNERS)[T] extends M ? T : never }[keyof DB]>;

/**
 * A module's handle on the store, or on an open transaction, typed with its own tables only:
 * a query naming another module's table does not compile (issue 11).
 */
export type ModuleDb<M extends TableOwner> = Kysely<OwnTables<M>>;
export type ModuleTx<M extends TableOwner> = Transaction<OwnTables<M>>;

/**
 * The store or an open transaction as one module hands it to another, to make one unit of work
 * (an audit entry with the change it records, a consumer offset with its effects). Opaque to the
 * caller; the receiving module narrows it to its own tables with `ownTables`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any module's handle must fit
export type Work = Kysely<any>;

/** Narrows the store or a handed-over unit of work to the tables module `M` owns. */
export function ownTables<M extends TableOwner>(work: Work): ModuleDb<M> {
  return work as ModuleDb<M>;
}
