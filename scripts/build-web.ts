/**
 * Builds the web console into dist/web with Vite, but only when it is missing or its sources
 * (src/web, src/shared, the Vite/TypeScript config, the lockfile) are not the ones it was built
 * from, so `npm start` on a fresh clone builds once and starts fast afterwards. Sources are
 * compared by content, not by time: a build made while the clock ran ahead (faketime, a machine
 * whose clock was wrong) must not look newer than every later edit.
 *
 *   node --import tsx scripts/build-web.ts           build if stale (npm `prestart`)
 *   node --import tsx scripts/build-web.ts --force   always build (npm run build:web)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const webOutDir = path.join(projectRoot, 'dist', 'web');
/** Written after a successful build: the fingerprint of the sources it was built from. */
const STAMP = path.join(webOutDir, '.build-stamp');

const SOURCES = ['src/web', 'src/shared', 'vite.config.ts', 'tsconfig.web.json', 'package-lock.json'];

function addFiles(p: string, out: string[]): void {
  let st;
  try {
    st = statSync(p);
  } catch {
    return;
  }
  if (!st.isDirectory()) return void out.push(p);
  for (const entry of readdirSync(p, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    addFiles(path.join(p, entry.name), out);
  }
}

/** SHA-256 over every source file's path and content (a few MB: milliseconds). */
export function sourceFingerprint(root = projectRoot): string {
  const files: string[] = [];
  for (const source of SOURCES) addFiles(path.join(root, source), files);
  const hash = createHash('sha256');
  for (const file of files.sort()) {
    hash.update(path.relative(root, file)).update('\0');
    hash.update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Why a build is needed, or null when dist/web is up to date. */
export function staleReason(): string | null {
  let built: string;
  try {
    built = readFileSync(STAMP, 'utf8').trim();
    statSync(path.join(webOutDir, 'index.html'));
  } catch {
    return 'dist/web is missing';
  }
  return built === sourceFingerprint() ? null : 'the sources changed since the last build';
}

export async function buildWeb(opts: { force?: boolean; quiet?: boolean } = {}): Promise<'built' | 'up-to-date'> {
  const reason = opts.force ? 'forced' : staleReason();
  if (!reason) {
    if (!opts.quiet) console.log('web console: dist/web is up to date');
    return 'up-to-date';
  }
  if (!opts.quiet) console.log(`web console: building dist/web (${reason}) …`);
  const started = new Date();
  // Taken before the build: a source saved while it runs makes the next check rebuild.
  const fingerprint = sourceFingerprint();
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
  writeFileSync(STAMP, `${fingerprint}\n`);
  if (!opts.quiet) console.log(`web console: built in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);
  return 'built';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb({ force: process.argv.includes('--force') }).catch((err: unknown) => {
    console.error('web console build failed:', err);
    process.exit(1);
  });
}
