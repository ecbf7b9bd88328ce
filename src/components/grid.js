// Dwell grids from the time-sorted track points of data/{a,b}/points.bin: one binary search for the
// window, one pass over its points. Pure functions over typed arrays.
import {blur2} from "d3";
import {unpackColumns} from "./binary.js";

/** @returns {{grid: {cols, rows, cell}, frameSeconds, t: Float32Array, cell: Uint16Array, available}} */
export function readPoints(buffer) {
  const {header, columns} = unpackColumns(buffer);
  return {...header, t: columns.t ?? new Float32Array(0), cell: columns.cell ?? new Uint16Array(0)};
}

/** First index i with a[i] >= v in a sorted array. */
export function lowerBound(a, v) {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Person-seconds spent in each grid cell during [t0, t1): each point stands for frameSeconds.
 * @param {Float64Array} [out] a buffer to reuse (zeroed here)
 */
export function dwellGrid(points, t0, t1, out) {
  const {grid, frameSeconds, t, cell} = points;
  const size = grid.cols * grid.rows;
  const values = out && out.length === size ? out.fill(0) : new Float64Array(size);
  // times are float32: bounds rounded alike fall where the engine (doubles) puts them
  const end = lowerBound(t, Math.fround(t1));
  for (let i = lowerBound(t, Math.fround(t0)); i < end; i++) values[cell[i]] += frameSeconds;
  return values;
}

/** A copy blurred with a box blur of `radius` cells (three passes: close to Gaussian), total kept. */
export function smooth(values, {cols, rows}, radius = 2) {
  const data = Float64Array.from(values);
  if (radius > 0) blur2({data, width: cols, height: rows}, radius);
  return data;
}

/** Largest value; 0 for an empty grid. */
export function gridMax(values) {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

/** Element-wise b / scaleB − a / scaleA. */
export function gridDifference(a, b, scaleA = 1, scaleB = 1) {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = b[i] / scaleB - a[i] / scaleA;
  return out;
}
