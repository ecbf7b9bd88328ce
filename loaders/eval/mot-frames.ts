// The frame-by-frame view both tracking metrics walk: GT and result rows indexed by frame, ids
// made dense (0..n-1) so per-id counters are typed arrays, boxes packed for the IoU matrix.
import type { TrackRow } from "../types.ts";

/** The part of a row the metrics look at; TrackRow (and parseMotText output) fit as-is. */
export type MotBox = Pick<TrackRow, "frame" | "trackId" | "x1" | "y1" | "x2" | "y2">;

/** NaN instead of Infinity when a metric is undefined (e.g. no GT at all). */
export const div = (a: number, b: number) => (b === 0 ? NaN : a / b);

export interface Prepared {
  frames: number[];
  gtByFrame: Map<number, number[]>;
  hypByFrame: Map<number, number[]>;
  gtDense: Int32Array;
  hypDense: Int32Array;
  nGtIds: number;
  nHypIds: number;
}

function denseIds(rows: readonly MotBox[]): { dense: Int32Array; n: number } {
  const ids = new Map<number, number>();
  const dense = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let d = ids.get(rows[i].trackId);
    if (d === undefined) ids.set(rows[i].trackId, (d = ids.size));
    dense[i] = d;
  }
  return { dense, n: ids.size };
}

function byFrame(rows: readonly MotBox[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let i = 0; i < rows.length; i++) {
    let l = m.get(rows[i].frame);
    if (!l) m.set(rows[i].frame, (l = []));
    l.push(i);
  }
  return m;
}

export function prepare(gt: readonly MotBox[], hyp: readonly MotBox[]): Prepared {
  const gtByFrame = byFrame(gt);
  const hypByFrame = byFrame(hyp);
  const frames = [...new Set([...gtByFrame.keys(), ...hypByFrame.keys()])].sort((a, b) => a - b);
  const g = denseIds(gt);
  const h = denseIds(hyp);
  return { frames, gtByFrame, hypByFrame, gtDense: g.dense, hypDense: h.dense, nGtIds: g.n, nHypIds: h.n };
}

export function packBoxes(rows: readonly MotBox[], idx: readonly number[]): Float64Array {
  const b = new Float64Array(4 * idx.length);
  for (let k = 0; k < idx.length; k++) {
    const r = rows[idx[k]];
    b[4 * k] = r.x1;
    b[4 * k + 1] = r.y1;
    b[4 * k + 2] = r.x2;
    b[4 * k + 3] = r.y2;
  }
  return b;
}

export const EMPTY: number[] = [];
