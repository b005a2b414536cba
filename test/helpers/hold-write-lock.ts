/**
 * Child process for durability tests: takes the store's write lock, holds it for the given
 * milliseconds, then commits and prints the release time.
 *   node --import tsx test/helpers/hold-write-lock.ts sqlite <file> <ms>
 *   node --import tsx test/helpers/hold-write-lock.ts postgres <url> <ms>
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';

const [dialect, target, ms] = process.argv.slice(2);
const hold = Number(ms);

if (dialect === 'sqlite') {
  const db = new SQLite(target);
  db.pragma('busy_timeout = 5000');
  db.exec('BEGIN IMMEDIATE');
  console.log('LOCKED');
  setTimeout(() => {
    const at = Date.now();
    db.exec('COMMIT');
    db.close();
    console.log(`RELEASED ${at}`);
  }, hold);
} else {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE events IN EXCLUSIVE MODE');
  console.log('LOCKED');
  setTimeout(async () => {
    const at = Date.now();
    await client.query('COMMIT');
    await client.end();
    console.log(`RELEASED ${at}`);
  }, hold);
}
