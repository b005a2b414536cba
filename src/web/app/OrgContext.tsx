import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { orgApi } from '../api/endpoints.ts';
import type { OrgTreeNode } from '../api/types.ts';
import { useApi } from '../components/useApi.ts';
import { buildOrgIndex, pathOf, scopeOf, withoutAreas, type OrgEntry, type OrgIndex, type OrgScope } from './org-index.ts';

interface OrgContextValue {
  tree: OrgTreeNode[];
  index: OrgIndex;
  loading: boolean;
  error: Error | undefined;
  reload: () => void;
  /** The org node picked in the sidebar (null: everything the user may see). */
  selectedId: string | null;
  select: (id: string | null) => void;
  selected: OrgEntry | null;
  scope: OrgScope;
  /** "Campus / Building / Floor" names of a location, for tables and details. */
  describe: (ids: { campusId?: string | null; buildingId?: string | null; floorId?: string | null; areaId?: string | null }) => string;
}

const OrgContext = createContext<OrgContextValue | null>(null);
const STORAGE_KEY = 'xiaoan.org';

export function OrgProvider({ children }: { children: ReactNode }) {
  const { data, loading, error, reload } = useApi(() => orgApi.tree(), []);
  const [selectedId, setSelectedId] = useState<string | null>(() => sessionStorage.getItem(STORAGE_KEY));
  const tree = useMemo(() => withoutAreas(data ?? []), [data]);
  const index = useMemo(() => buildOrgIndex(data ?? []), [data]);

  const select = useCallback((id: string | null) => {
    setSelectedId(id);
    if (id) sessionStorage.setItem(STORAGE_KEY, id);
    else sessionStorage.removeItem(STORAGE_KEY);
  }, []);

  const value = useMemo<OrgContextValue>(() => {
    // A remembered selection that no longer exists (deleted, other user) falls back to everything.
    const effective = selectedId && index.has(selectedId) ? selectedId : null;
    return {
      tree,
      index,
      loading,
      error,
      reload,
      selectedId: effective,
      select,
      selected: effective ? (index.get(effective) ?? null) : null,
      scope: scopeOf(index, effective),
      describe: (ids) => {
        const lowest = ids.areaId ?? ids.floorId ?? ids.buildingId ?? ids.campusId;
        return pathOf(index, lowest)
          .filter((e) => e.kind !== 'commission' && e.kind !== 'university')
          .map((e) => e.name)
          .join(' / ');
      },
    };
  }, [tree, index, loading, error, reload, selectedId, select]);

  return <OrgContext.Provider value={value}>{children}</OrgContext.Provider>;
}

export function useOrg(): OrgContextValue {
  const ctx = useContext(OrgContext);
  if (!ctx) throw new Error('useOrg outside OrgProvider');
  return ctx;
}
