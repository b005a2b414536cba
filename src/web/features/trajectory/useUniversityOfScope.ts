import { useMemo } from 'react';
import { useOrg } from '../../app/OrgContext.tsx';
import { universitiesOf } from '../../app/org-index.ts';
import { useAuth } from '../auth/AuthProvider.tsx';

/**
 * The university a city-wide account's trajectory queries go to: the one chosen in the scope bar,
 * else the first; undefined for a university's own staff (the server uses theirs).
 */
export function useUniversityOfScope(): string | undefined {
  const { state } = useAuth();
  const { scope, tree } = useOrg();
  const cityWide = state.status === 'authenticated' && state.session.user.universityId === null;
  return useMemo(() => (cityWide ? (scope.universityId ?? universitiesOf(tree)[0]?.id) : undefined), [cityWide, scope.universityId, tree]);
}
