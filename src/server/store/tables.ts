import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** The store or an open transaction on it: what a repository method runs its queries on. */
export type Db = Kysely<DB> | Transaction<DB>;
