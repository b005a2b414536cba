/**
 * Builds the web console into dist/web with Vite, but only when it is missing or older than
 * its sources (src/web, src/shared, the Vite/TypeScript config, the lockfile), so `npm start`
 * on a fresh clone builds once and starts fast afterwards.
 *
 *   node --import tsx scripts/build-web.ts           build if stale (npm `prestart`)
 *   node --import tsx scripts/build-web.ts --force   always build (npm run build:web)
 */
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const webOutDir = path.join(projectRoot, 'dist', 'web');
/** Written after a successful build; its mtime is the time the build started. */
const STAMP = path.join(webOutDir, '.build-stamp');

const SOURCES = ['src/web', 'src/shared', 'vite.config.ts', 'tsconfig.web.json', 'package-lock.json'];

function newestMtime(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file changes its directory's mtime
  for (const entry of readdirSync(p, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

/** Why a build is needed, or null when dist/web is up to date. */
export function staleReason(): string | null {
  let built: number;
  try {
    built = statSync(STAMP).mtimeMs;
    statSync(path.join(webOutDir, 'index.html'));
  } catch {
    return 'dist/web is missing';
  }
  for (const source of SOURCES) {
    if (newestMtime(path.join(projectRoot, source)) > built) return `${source} changed since the last build`;
  }
  return null;
}

export async function buildWeb(opts: { force?: boolean; quiet?: boolean } = {}): Promise<'built' | 'up-to-date'> {
  const reason = opts.force ? 'forced' : staleReason();
  if (!reason) {
    if (!opts.quiet) console.log('web console: dist/web is up to date');
    return 'up-to-date';
  }
  if (!opts.quiet) console.log(`web console: building dist/web (${reason}) …`);
  const started = new Date();
  let build: typeof import('vite').build;
  try {
    ({ build } = await import('vite'));
  } catch (err) {
    // A production install without devDependencies can still serve an existing build.
    if (reason !== 'dist/web is missing' && !opts.force) {
      console.warn(`web console: cannot rebuild (${(err as Error).message}); serving the existing dist/web`);
      return 'up-to-date';
    }
    throw new Error(`the web console needs building but Vite is not installed (npm install, with devDependencies): ${(err as Error).message}`);
  }
  await build({ configFile: path.join(projectRoot, 'vite.config.ts'), logLevel: opts.quiet ? 'error' : 'warn' });
  mkdirSync(webOutDir, { recursive: true });
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  // Sources saved while the build ran are newer than this and trigger the next build.
  utimesSync(STAMP, started, started);
  if (!opts.quiet) console.log(`web console: built in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);
  return 'built';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb({ force: process.argv.includes('--force') }).catch((err: unknown) => {
    console.error('web console build failed:', err);
    process.exit(1);
  });
}
