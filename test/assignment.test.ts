import assert from "node:assert/strict";
import { test } from "node:test";
import { munkres } from "munkres";
import { linearAssignment, maxMatchAssignment, solveAssignment } from "../loaders/track/assignment.ts";

function total(cost: ArrayLike<number>, cols: number, rowToCol: Int32Array): number {
  let s = 0;
  for (let i = 0; i < rowToCol.length; i++) if (rowToCol[i] >= 0) s += cost[i * cols + rowToCol[i]];
  return s;
}

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

test("hungarian finds the optimum where greedy is wrong", () => {
  // Greedy takes the global minimum 1 (row 0 -> col 0) and is then forced into 100: total 101.
  // Optimum: row 0 -> col 1 (2), row 1 -> col 0 (2): total 4.
  const cost = [1, 2, 2, 100];
  const r = solveAssignment(cost, 2, 2);
  assert.deepEqual([...r], [1, 0]);
  assert.equal(total(cost, 2, r), 4);
});

test("classic 3x3 textbook instance", () => {
  const cost = [4, 1, 3, 2, 0, 5, 3, 2, 2];
  const r = solveAssignment(cost, 3, 3);
  assert.equal(total(cost, 3, r), 5); // 1 + 2 + 2
});

test("rectangular: more rows than columns leaves rows unmatched", () => {
  // [[5, 9], [1, 1], [8, 8]]: 0->0 + 1->1 = 6 beats every pair that uses row 2.
  const cost = [5, 9, 1, 1, 8, 8];
  const r = solveAssignment(cost, 3, 2);
  assert.deepEqual([...r], [0, 1, -1]);
  const t = solveAssignment([5, 1, 8, 9, 1, 8], 2, 3); // its transpose
  assert.deepEqual([...t], [0, 1]);
});

test("matches munkres on random rectangular matrices", () => {
  const rand = rng(42);
  for (let trial = 0; trial < 200; trial++) {
    const rows = 1 + Math.floor(rand() * 12);
    const cols = 1 + Math.floor(rand() * 12);
    const cost = Float64Array.from({ length: rows * cols }, () => Math.round(rand() * 1000) / 10);
    const mine = solveAssignment(cost, rows, cols);
    const mat = Array.from({ length: rows }, (_, i) => Array.from(cost.subarray(i * cols, (i + 1) * cols)));
    const ref = new Int32Array(rows).fill(-1);
    for (const [y, x] of munkres(mat)) ref[y] = x;
    assert.ok(Math.abs(total(cost, cols, mine) - total(cost, cols, ref)) < 1e-9, `trial ${trial}`);
    assert.equal(new Set([...mine].filter((c) => c >= 0)).size, Math.min(rows, cols));
  }
});

test("gated assignment never matches above the threshold and prefers two good matches", () => {
  // Greedy-then-gate takes 0->0 (0.1) and must drop 1->1 (0.95 > gate): one match.
  // The gated optimum is 0->1 + 1->0 = 0.45 < 0.1 + 0.5 (cost of leaving a row and a column unmatched).
  const cost = [0.1, 0.2, 0.25, 0.95];
  const a = linearAssignment(cost, 2, 2, 0.5);
  assert.deepEqual([...a.rowToCol], [1, 0]);
  assert.deepEqual([...a.colToRow], [1, 0]);
  assert.equal(a.count, 2);
  const none = linearAssignment([0.9, 0.8], 1, 2, 0.5);
  assert.equal(none.count, 0);
  assert.deepEqual([...none.rowToCol], [-1]);
});

test("gated assignment weighs a near-gate match against the cost of leaving both unmatched", () => {
  // lapjv cost_limit semantics: an unmatched row+column pair costs the gate (0.5).
  // Option A: {0->0 (0.1)} + unmatched pair 0.5 = 0.6 ; option B: {0->1 (0.45), 1->0 (0.45)} = 0.9;
  // option C: {0->0, 1->1 (0.45)} = 0.55 -> chosen.
  const a = linearAssignment([0.1, 0.45, 0.45, 0.45], 2, 2, 0.5);
  assert.deepEqual([...a.rowToCol], [0, 1]);
  // NaN is forbidden
  const b = linearAssignment([NaN, 0.2, 0.1, NaN], 2, 2, 1);
  assert.deepEqual([...b.rowToCol], [1, 0]);
});

test("max-cardinality assignment prefers more matches over lower total cost", () => {
  // Min-cost under the gate would take the single 0.0 pair (0->0) and leave row 1 (only col 0 valid).
  // Max cardinality takes 0->1 and 1->0.
  const cost = [0.0, 0.5, 0.4, NaN];
  const a = maxMatchAssignment(cost, 2, 2);
  assert.deepEqual([...a.rowToCol], [1, 0]);
  const g = linearAssignment(cost, 2, 2, 0.5);
  assert.deepEqual([...g.rowToCol], [0, -1]);
  assert.equal(maxMatchAssignment([NaN, NaN], 1, 2).count, 0);
});

test("empty matrices", () => {
  assert.equal(solveAssignment([], 0, 5).length, 0);
  assert.deepEqual([...solveAssignment([], 3, 0)], [-1, -1, -1]);
  assert.equal(linearAssignment([], 0, 0, 0.5).count, 0);
});

test("non-finite costs are rejected by the plain solver", () => {
  assert.throws(() => solveAssignment([Infinity, Infinity, Infinity, Infinity], 2, 2), /finite/);
});
