import { useMemo } from 'react';
import { useOrg } from './OrgContext.tsx';
import { universitiesOf } from './org-index.ts';
import { useAuth } from '../features/auth/AuthProvider.tsx';

/**
 * The university a city-wide account's one-university pages ask about (trajectories, compliance): the one chosen in the scope bar,
 * else the first; undefined for a university's own staff (the server uses theirs).
 */
export function useUniversityOfScope(): string | undefined {
  const { state } = useAuth();
  const { scope, tree } = useOrg();
  const cityWide = state.status === 'authenticated' && state.session.user.universityId === null;
  return useMemo(() => (cityWide ? (scope.universityId ?? universitiesOf(tree)[0]?.id) : undefined), [cityWide, scope.universityId, tree]);
}
