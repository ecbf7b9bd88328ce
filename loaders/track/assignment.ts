// Linear assignment on row-major rectangular cost matrices.
//
// Own implementation (shortest augmenting path with potentials, the O(n^2 m) Hungarian variant,
// warm-started from row minima) rather than the `munkres` package, because it takes flat typed
// arrays (munkres wants an array of row arrays, which costs a copy per call) and reuses scratch
// buffers. Measured (Node 20): on tracking-like 20x20 IoU costs 5 us vs munkres 6 us, 50x50
// 23 us vs 41-79 us; on dense uniform-random matrices munkres is faster (20x20: 20 us vs 13 us,
// 200x200: 4 ms vs 1.5 ms). Both are far below the per-frame budget. The tests check optimality
// against `munkres` on random matrices.

export interface Assignment {
  /** Column matched to each row, -1 if the row is unmatched. */
  rowToCol: Int32Array;
  /** Row matched to each column, -1 if the column is unmatched. */
  colToRow: Int32Array;
  /** Number of matched pairs. */
  count: number;
}

// Scratch for the solver, grown on demand. JS is single-threaded and the solver never re-enters.
let cap = 0;
let U = new Float64Array(0);
let V = new Float64Array(0);
let MINV = new Float64Array(0);
let P = new Int32Array(0);
let WAY = new Int32Array(0);
let USED = new Uint8Array(0);
let ROWS = new Int32Array(0);
let WORK = new Float64Array(0);

function ensure(n: number): void {
  if (n <= cap) return;
  cap = Math.max(n, 2 * cap, 64);
  U = new Float64Array(cap + 1);
  V = new Float64Array(cap + 1);
  MINV = new Float64Array(cap + 1);
  P = new Int32Array(cap + 1);
  WAY = new Int32Array(cap + 1);
  USED = new Uint8Array(cap + 1);
  ROWS = new Int32Array(cap + 1);
}

function ensureWork(n: number): Float64Array {
  if (WORK.length < n) WORK = new Float64Array(Math.max(n, 2 * WORK.length));
  return WORK;
}

/**
 * Min-cost assignment of `n` rows to `m >= n` columns of the row-major n x m matrix `a`
 * (finite costs). Leaves in P[j] (1-based) the row assigned to column j-1, 0 if none.
 */
function solve(a: Float64Array, n: number, m: number): void {
  ensure(m);
  // Locals, not the module `let`s: V8 keeps them in registers in the hot loop.
  const u = U, v = V, minv = MINV, p = P, way = WAY, used = USED;
  if (n > m) throw new Error("solve: needs rows <= cols");
  v.fill(0, 0, m + 1);
  p.fill(0, 0, m + 1);
  way.fill(0, 0, m + 1);
  // Warm start (as in munkres/JV): u = row minima is dual-feasible with v = 0, and every row
  // whose minimum sits in a still-free column is matched on that tight edge right away, so the
  // expensive shortest-path phase below only runs for the rows that collide.
  const todo = ROWS;
  let nTodo = 0;
  u[0] = 0;
  for (let i = 1; i <= n; i++) {
    const base = (i - 1) * m - 1;
    let best = Infinity;
    let bj = 0;
    for (let j = 1; j <= m; j++) {
      const c = a[base + j];
      if (c < best) {
        best = c;
        bj = j;
      }
    }
    u[i] = best;
    if (bj !== 0 && p[bj] === 0) p[bj] = i;
    else todo[nTodo++] = i;
  }
  for (let t = 0; t < nTodo; t++) {
    const i = todo[t];
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity, 0, m + 1);
    used.fill(0, 0, m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      const base = (i0 - 1) * m - 1;
      const ui0 = u[i0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j] !== 0) continue;
        const cur = a[base + j] - ui0 - v[j];
        let mj = minv[j];
        if (cur < mj) {
          minv[j] = mj = cur;
          way[j] = j0;
        }
        if (mj < delta) {
          delta = mj;
          j1 = j;
        }
      }
      // No finite reduced cost left means a NaN/Infinity slipped in; looping would never end.
      if (j1 === 0) throw new Error("solveAssignment: cost matrix must be finite");
      for (let j = 0; j <= m; j++) {
        if (used[j] !== 0) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
}

// Contiguous Float64 copy (transposed when rows > cols) the solver reads: one monomorphic,
// unit-stride array whatever the caller passed.
let SOLVE_IN = new Float64Array(0);

/**
 * Plain min-cost rectangular assignment: matches min(rows, cols) pairs minimising the total.
 * `cost` is row-major rows x cols and must be finite. Returns the column of each row (-1 if the
 * row is left over because rows > cols).
 */
export function solveAssignment(cost: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const rowToCol = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return rowToCol;
  const n = rows * cols;
  if (SOLVE_IN.length < n) SOLVE_IN = new Float64Array(Math.max(n, 2 * SOLVE_IN.length));
  const a = SOLVE_IN;
  if (rows <= cols) {
    for (let k = 0; k < n; k++) a[k] = cost[k];
    solve(a, rows, cols);
    for (let j = 1; j <= cols; j++) if (P[j] !== 0) rowToCol[P[j] - 1] = j - 1;
  } else {
    // Solve the transpose so the O(n^2 m) loop runs over the short side.
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[j * rows + i] = cost[i * cols + j];
    solve(a, cols, rows);
    for (let j = 1; j <= rows; j++) if (P[j] !== 0) rowToCol[j - 1] = P[j] - 1;
  }
  return rowToCol;
}

function finish(rowToCol: Int32Array, cols: number): Assignment {
  const colToRow = new Int32Array(cols).fill(-1);
  let count = 0;
  for (let i = 0; i < rowToCol.length; i++) {
    const j = rowToCol[i];
    if (j >= 0) {
      colToRow[j] = i;
      count++;
    }
  }
  return { rowToCol, colToRow, count };
}

/**
 * Gated assignment with the semantics of `lap.lapjv(extend_cost=True, cost_limit=threshold)` as
 * used by SORT/ByteTrack: leaving a row and a column unmatched costs `threshold` together, so the
 * result minimises  sum(matched costs) + threshold * (unmatched pairs), and no pair with
 * cost > threshold is ever matched. This is the true optimum under the gate, not
 * "solve then drop expensive pairs" (which can throw away a good match to make room for a bad one).
 * NaN costs are treated as forbidden. `threshold = Infinity` gives a plain min-cost assignment.
 */
export function linearAssignment(cost: ArrayLike<number>, rows: number, cols: number, threshold = Infinity): Assignment {
  if (rows === 0 || cols === 0) return finish(new Int32Array(rows).fill(-1), cols);
  if (!Number.isFinite(threshold)) return finish(solveAssignment(cost, rows, cols), cols);
  // min(c - threshold, 0) turns "leave unmatched" into a zero-cost choice, so a full rectangular
  // assignment on it has the same optimum as the (rows+cols)-square extended matrix lapjv builds.
  const n = rows * cols;
  const w = ensureWork(n);
  for (let k = 0; k < n; k++) {
    const c = cost[k];
    w[k] = c <= threshold ? c - threshold : 0;
  }
  const rowToCol = solveAssignment(w, rows, cols);
  for (let i = 0; i < rows; i++) {
    const j = rowToCol[i];
    if (j >= 0 && !(cost[i * cols + j] <= threshold)) rowToCol[i] = -1;
  }
  return finish(rowToCol, cols);
}

/**
 * Maximum-cardinality assignment among allowed pairs (cost <= threshold, finite), and among those
 * the min total cost. This is what py-motmetrics does for CLEAR-MOT (it replaces forbidden edges
 * by a cost so large that one of them is never worth taking), and differs from
 * `linearAssignment`, which would rather leave two items unmatched than pay close to the limit.
 */
export function maxMatchAssignment(cost: ArrayLike<number>, rows: number, cols: number, threshold = Infinity): Assignment {
  if (rows === 0 || cols === 0) return finish(new Int32Array(rows).fill(-1), cols);
  const n = rows * cols;
  let maxAbs = 0;
  let any = false;
  for (let k = 0; k < n; k++) {
    const c = cost[k];
    if (c <= threshold && Number.isFinite(c)) {
      any = true;
      if (Math.abs(c) > maxAbs) maxAbs = Math.abs(c);
    }
  }
  if (!any) return finish(new Int32Array(rows).fill(-1), cols);
  // Taking one forbidden edge plus (r-1) best edges must cost more than r worst allowed edges.
  const r = Math.min(rows, cols);
  const large = 2 * r * (maxAbs + 1) + 1;
  const w = ensureWork(n);
  for (let k = 0; k < n; k++) {
    const c = cost[k];
    w[k] = c <= threshold && Number.isFinite(c) ? c : large;
  }
  const rowToCol = solveAssignment(w, rows, cols);
  for (let i = 0; i < rows; i++) {
    const j = rowToCol[i];
    if (j >= 0 && !(w[i * cols + j] < large)) rowToCol[i] = -1;
  }
  return finish(rowToCol, cols);
}
