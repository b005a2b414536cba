/**
 * What the history does next, in time order: a binary heap of (instant, sequence) → task. The
 * sequence breaks ties in the order tasks were scheduled, so a run is the same every time.
 */
export interface AgendaItem {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

export class Agenda {
  private readonly heap: AgendaItem[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(at: number, run: () => Promise<void>): void {
    const item = { at, seq: this.seq++, run };
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  peek(): AgendaItem | undefined {
    return this.heap[0];
  }

  pop(): AgendaItem | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: AgendaItem, b: AgendaItem) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
