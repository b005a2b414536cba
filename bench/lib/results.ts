/**
 * Writing measured figures into bench/RESULTS.md without touching the hand-written text.
 *
 * Each benchmark owns blocks delimited by
 *   <!-- bench:<id>:begin -->  …  <!-- bench:<id>:end -->
 * and replaces only what is between the markers. A block that does not exist yet is inserted
 * after the line `after` (e.g. a section heading) when given and present, else appended.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './server.ts';

export const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'RESULTS.md');

const HEADER = '# Benchmark results\n\nMeasured figures of the benchmarks in `bench/`. Each section names the benchmark, how to run it, its method and the machine.\n';

export function upsertResultsBlock(id: string, content: string, opts: { file?: string; after?: string } = {}): string {
  if (!/^[a-z0-9:._-]+$/i.test(id)) throw new Error(`bad block id ${id}`);
  const file = opts.file ?? RESULTS_FILE;
  const begin = `<!-- bench:${id}:begin -->`;
  const end = `<!-- bench:${id}:end -->`;
  const block = `${begin}\n${content.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) {
    text = text.slice(0, i) + block + text.slice(j + end.length);
  } else {
    const anchor = opts.after ? text.split('\n').findIndex((l) => l.trim() === opts.after!.trim()) : -1;
    if (anchor >= 0) {
      const lines = text.split('\n');
      lines.splice(anchor + 1, 0, '', block);
      text = lines.join('\n');
    } else {
      text = `${text.trimEnd()}\n\n${block}\n`;
    }
  }
  writeFileSync(file, text);
  return file;
}
