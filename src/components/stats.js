// Medians and quantiles of large typed arrays for the pages' hot paths: d3.median on a month of
// customers takes ~100 ms (it copies through an iterator and selects with a comparator); a
// quickselect over a Float64Array copy takes a few. Same definition as d3 and DuckDB's median
// linear between the two middle values).

/** The k-th smallest of a (k from 0), moving values in place (Hoare quickselect). */
function select(a, k) {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

/** Quantile q (0..1) of the values (R-7, as d3.quantile), NaN when there are none. Does not change `values`. */
export function quantileOf(values, q) {
  const n = values.length;
  if (!n) return NaN;
  const a = Float64Array.from(values);
  const h = (n - 1) * q, k = Math.floor(h);
  const x = select(a, k);
  if (k + 1 >= n || h === k) return x;
  // the next one up is the smallest of what lies above position k
  let y = Infinity;
  for (let i = k + 1; i < n; i++) if (a[i] < y) y = a[i];
  return x + (y - x) * (h - k);
}

export const medianOf = (values) => quantileOf(values, 0.5);
