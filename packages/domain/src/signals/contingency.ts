/**
 * Product × event tables of report counts for disproportionality analysis: the count `a` of each observed pair
 * with the product margin, event margin and grand total it is compared against.
 */

/** Observed product–event pairs (parallel arrays) with margins indexed by product and event id. */
export interface PairTable {
  product: Int32Array;
  event: Int32Array;
  /** Reports (or counts) with both the product and the event. */
  a: Float64Array;
  productTotal: Float64Array;
  eventTotal: Float64Array;
  total: number;
}

/** Maps each distinct label to a dense id (first-seen order) and returns the ids and the labels. */
export function intern(values: readonly string[]): { ids: Int32Array; labels: string[] } {
  const index = new Map<string, number>();
  const labels: string[] = [];
  const ids = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let id = index.get(v);
    if (id === undefined) {
      id = labels.length;
      index.set(v, id);
      labels.push(v);
    }
    ids[i] = id;
  }
  return { ids, labels };
}

/**
 * Table from aggregated rows (product, event, count): `a` sums the counts of a pair; margins and total sum all
 * counts (the usual 2×2 set-up of Evans et al. 2001 on a table of counts).
 */
export function tableFromCounts(
  product: Int32Array,
  event: Int32Array,
  count: ArrayLike<number>,
  productCount: number,
  eventCount: number,
): PairTable {
  const productTotal = new Float64Array(productCount);
  const eventTotal = new Float64Array(eventCount);
  const pairIndex = pairIndexFor(productCount, eventCount);
  const pp: number[] = [];
  const pe: number[] = [];
  const pa: number[] = [];
  let total = 0;
  for (let i = 0; i < product.length; i++) {
    const c = count[i]!;
    if (!Number.isFinite(c) || c < 0) throw new RangeError(`count must be a number ≥ 0 (row ${i + 1}: ${c})`);
    const p = product[i]!;
    const e = event[i]!;
    productTotal[p]! += c;
    eventTotal[e]! += c;
    total += c;
    const key = p * eventCount + e;
    const at = pairIndex.get(key);
    if (at === undefined) {
      pairIndex.set(key, pp.length);
      pp.push(p);
      pe.push(e);
      pa.push(c);
    } else pa[at]! += c;
  }
  return finish(pp, pe, pa, productTotal, eventTotal, total);
}

/**
 * Table from report-level rows (report, product, event): every count is a number of distinct reports — a pair's
 * `a`, a product's and an event's margin, and the total — as openEBGM's processRaw and pvda count them.
 */
export function tableFromReports(
  report: Int32Array,
  product: Int32Array,
  event: Int32Array,
  reportCount: number,
  productCount: number,
  eventCount: number,
): PairTable {
  const n = report.length;
  // Bucket rows by report (counting sort), then de-duplicate inside each report with "last seen" stamps.
  const start = new Int32Array(reportCount + 1);
  for (let i = 0; i < n; i++) start[report[i]! + 1]!++;
  for (let r = 0; r < reportCount; r++) start[r + 1]! += start[r]!;
  const rows = new Int32Array(n);
  const fill = start.slice(0, reportCount);
  for (let i = 0; i < n; i++) rows[fill[report[i]!]!++] = i;
  const productStamp = new Int32Array(productCount).fill(-1);
  const eventStamp = new Int32Array(eventCount).fill(-1);
  const productTotal = new Float64Array(productCount);
  const eventTotal = new Float64Array(eventCount);
  const pairIndex = pairIndexFor(productCount, eventCount);
  const pairStamp: number[] = [];
  const pp: number[] = [];
  const pe: number[] = [];
  const pa: number[] = [];
  let total = 0;
  for (let r = 0; r < reportCount; r++) {
    if (start[r] === start[r + 1]) continue;
    total++;
    for (let k = start[r]!; k < start[r + 1]!; k++) {
      const i = rows[k]!;
      const p = product[i]!;
      const e = event[i]!;
      if (productStamp[p] !== r) {
        productStamp[p] = r;
        productTotal[p]!++;
      }
      if (eventStamp[e] !== r) {
        eventStamp[e] = r;
        eventTotal[e]!++;
      }
      const key = p * eventCount + e;
      const at = pairIndex.get(key);
      if (at === undefined) {
        pairIndex.set(key, pp.length);
        pairStamp.push(r);
        pp.push(p);
        pe.push(e);
        pa.push(1);
      } else if (pairStamp[at] !== r) {
        pairStamp[at] = r;
        pa[at]!++;
      }
    }
  }
  return finish(pp, pe, pa, productTotal, eventTotal, total);
}

/** Index of each observed pair by key product·eventCount + event; undefined for a pair not seen yet. */
interface PairIndex {
  get(key: number): number | undefined;
  set(key: number, index: number): void;
}

/** Product × event grids up to this many cells are indexed by a dense array (4 bytes a cell), larger ones by a map. */
const DENSE_PAIR_CELLS = 1 << 25;

/**
 * A dense Int32Array over all product × event cells when the grid is small enough (a million observed pairs out
 * of a few million cells in practice: no hashing, no per-pair entries), otherwise a Map.
 */
function pairIndexFor(productCount: number, eventCount: number): PairIndex {
  const cells = productCount * eventCount;
  if (cells > DENSE_PAIR_CELLS) return new Map<number, number>();
  const slots = new Int32Array(cells).fill(-1);
  return {
    get: (key) => {
      const at = slots[key]!;
      return at < 0 ? undefined : at;
    },
    set: (key, index) => {
      slots[key] = index;
    },
  };
}

function finish(
  pp: number[],
  pe: number[],
  pa: number[],
  productTotal: Float64Array,
  eventTotal: Float64Array,
  total: number,
): PairTable {
  return {
    product: Int32Array.from(pp),
    event: Int32Array.from(pe),
    a: Float64Array.from(pa),
    productTotal,
    eventTotal,
    total,
  };
}

/** Expected count of a pair under independence: E = n(product)·n(event)/N (DuMouchel 1999, unstratified). */
export function expectedCount(table: PairTable, i: number): number {
  return (table.productTotal[table.product[i]!]! * table.eventTotal[table.event[i]!]!) / table.total;
}
