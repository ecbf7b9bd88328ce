// Dwell grids from time-sorted entries of data/store.bin (a camera's picture cells, or the floor's
// cells): each entry is a time, a cell and the person-seconds it holds (one foot point, or a bin's
// sum). One binary search per interval of the scope, one pass over its entries. Pure functions
// over typed arrays.
import {blur2} from "d3";
import {lowerBound} from "./window.js";

export {lowerBound};

/**
 * Person-seconds per cell over the scope's intervals.
 * @param entries {t, cell, w} sorted by t; options.cams and options.cam filter by camera when the entries hold several
 * @param {Float64Array} [out] a buffer to reuse (zeroed here)
 */
export function dwellGrid(entries, intervals, size, out, {cam, cams} = {}) {
  const values = out && out.length === size ? out.fill(0) : new Float64Array(size);
  const {t, cell, w} = entries;
  for (let k = 0; k < intervals.length; k += 2) {
    const end = lowerBound(t, intervals[k + 1]);
    if (cams) for (let i = lowerBound(t, intervals[k]); i < end; i++) {
      if (cams[cam[i]]) values[cell[i]] += w[i];
    }
    else for (let i = lowerBound(t, intervals[k]); i < end; i++) values[cell[i]] += w[i];
  }
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
