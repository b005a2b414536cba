import { useEffect, useRef, useState } from 'react';

/** The height of an element as it resizes (a virtual table needs its scroll height in pixels). */
export function useElementHeight<T extends HTMLElement>(fallback = 400) {
  const ref = useRef<T>(null);
  const [height, setHeight] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const h = Math.floor(entry?.contentRect.height ?? 0);
      if (h > 0) setHeight(h);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, height };
}
