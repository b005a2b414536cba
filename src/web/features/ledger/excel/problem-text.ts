import type { ImportProblem } from '../../../api/ledger-io.ts';
import { translateDynamic } from '../../../i18n/index.ts';

/**
 * The console's wording of an import problem, by its stable rule code; the server's own
 * (English) reason when the console has no wording for the rule.
 */
export function problemText(p: ImportProblem): string {
  const params: Record<string, unknown> = { value: p.value ?? '', ...p.params };
  if (typeof p.params?.kind === 'string') params.kindLabel = translateDynamic(`enum.deviceKind.${p.params.kind}`, p.params.kind);
  return translateDynamic(`excel.rule.${p.rule}`, p.reason, params);
}
