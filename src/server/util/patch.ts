/** Drops keys whose value is `undefined`, so a PATCH changes only what it names (null clears). */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
