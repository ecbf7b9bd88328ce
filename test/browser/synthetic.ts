// A synthetic store day for load tests of the pages: N track points over a 10-hour day on the
// demo camera's geometry, in the exact formats the loaders write (points.bin, events.bin,
// paths.bin, timeline.json), so a test can serve them in place of the demo run's files.
// People walk from one side to the other, some stop at the window or the door; deterministic.
import { packColumns } from "../../src/data/_lib/binary.ts";

export interface SyntheticDay {
  points: Uint8Array;
  events: Uint8Array;
  paths: Uint8Array;
  timeline: string;
  pointCount: number;
  trackCount: number;
  duration: number;
}

function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  };
}

/**
 * @param pointCount track points in all (1_000_000 for the acceptance figure)
 * @param duration seconds of "footage" (default 10 hours)
 */
export function syntheticDay({ pointCount = 1_000_000, duration = 36_000, width = 640, height = 480, fps = 25 } = {}): SyntheticDay {
  const random = rng(7);
  const cell = Math.max(width, height) / 128;
  const grid = { cols: Math.ceil(width / cell), rows: Math.ceil(height / cell), cell };
  const frameSeconds = 1 / fps;
  // tracks of 2-40 s (~12 s on average) until the points run out
  const tracks: { id: number; start: number; n: number; x0: number; y0: number; vx: number; vy: number; stop: number; stopAt: number }[] = [];
  let total = 0;
  for (let id = 1; total < pointCount; id++) {
    const n = Math.min(pointCount - total, Math.round((2 + random() * random() * 60) * fps));
    const start = random() * (duration - n * frameSeconds);
    const ltr = random() < 0.5;
    tracks.push({
      id,
      start,
      n,
      x0: ltr ? 0 : width,
      y0: 230 + random() * 110,
      vx: (ltr ? 1 : -1) * (width / Math.max(1, n)) * (0.6 + random() * 0.6),
      vy: (random() - 0.5) * 0.6,
      stop: random() < 0.3 ? Math.round(n * 0.4) : 0, // some stand still for part of their time
      stopAt: 0.3 + random() * 0.4,
    });
    total += n;
  }
  tracks.sort((a, b) => a.start - b.start);

  const t = new Float32Array(total);
  const cellOf = new Uint16Array(total);
  const px = new Float32Array(total);
  const py = new Float32Array(total);
  const ownerStart: number[] = [];
  let k = 0;
  for (const tr of tracks) {
    ownerStart.push(k);
    const moving = tr.n - tr.stop;
    for (let i = 0; i < tr.n; i++) {
      const pauseFrom = Math.floor(moving * tr.stopAt);
      const step = i < pauseFrom ? i : i < pauseFrom + tr.stop ? pauseFrom : i - tr.stop;
      const x = Math.min(width - 1, Math.max(0, tr.x0 + tr.vx * step * (tr.n / Math.max(1, moving)) + (random() - 0.5) * 3));
      const y = Math.min(height - 1, Math.max(0, tr.y0 + tr.vy * step + (random() - 0.5) * 3));
      px[k] = x;
      py[k] = y;
      t[k] = tr.start + i * frameSeconds;
      k++;
    }
  }
  // points.bin: sorted by time
  const order = Uint32Array.from({ length: total }, (_, i) => i).sort((a, b) => t[a] - t[b]);
  const st = new Float32Array(total);
  order.forEach((j, i) => {
    st[i] = t[j];
    cellOf[i] = Math.min(grid.rows - 1, Math.floor(py[j] / cell)) * grid.cols + Math.min(grid.cols - 1, Math.floor(px[j] / cell));
  });
  const points = packColumns({ which: "a", available: true, grid, frameSeconds, points: total }, { t: st, cell: cellOf });

  // events.bin: tracks, one crossing of the walkway line per track, visits for tracks that stopped
  const ids = Int32Array.from(tracks, (d) => d.id);
  const starts = Float32Array.from(tracks, (d) => d.start);
  const ends = Float32Array.from(tracks, (d) => d.start + (d.n - 1) * frameSeconds);
  const vz: number[] = [], vt: number[] = [], ve: number[] = [], vx: number[] = [];
  tracks.forEach((tr, i) => {
    vz.push(2), vt.push(tr.id), ve.push(starts[i] + 0.5), vx.push(ends[i] - 0.5); // walkway
    if (tr.stop) {
      const at = starts[i] + Math.floor((tr.n - tr.stop) * tr.stopAt) * frameSeconds;
      vz.push(tr.y0 < 270 ? 0 : 1), vt.push(tr.id), ve.push(at), vx.push(at + tr.stop * frameSeconds);
    }
  });
  const events = packColumns(
    { which: "a", available: true, tracks: tracks.length, crossings: tracks.length, visits: vz.length },
    {
      track_id: ids,
      track_start: starts,
      track_end: ends,
      crossing_line: new Uint16Array(tracks.length),
      crossing_track: ids,
      crossing_t: Float32Array.from(tracks, (_, i) => (starts[i] + ends[i]) / 2),
      crossing_dir: Int8Array.from(tracks, (tr) => (tr.vx < 0 ? 1 : -1)),
      visit_zone: Uint16Array.from(vz),
      visit_track: Int32Array.from(vt),
      visit_enter: Float32Array.from(ve),
      visit_exit: Float32Array.from(vx),
    },
  );

  // paths.bin: thinned to at most 150k points, like the loader (src/data/[run]/paths.bin.ts)
  const stepKeep = Math.max(1, Math.ceil(total / 150_000));
  const offsets: number[] = [];
  const keep: number[] = [];
  tracks.forEach((tr, i) => {
    offsets.push(keep.length);
    const a = ownerStart[i];
    for (let j = 0; j < tr.n; j++) if (j % stepKeep === 0 || j === tr.n - 1) keep.push(a + j);
  });
  offsets.push(keep.length);
  const paths = packColumns(
    { which: "a", available: true, step: stepKeep, tracks: tracks.length, points: keep.length },
    {
      track_id: ids,
      offset: Uint32Array.from(offsets),
      t: Float32Array.from(keep, (i) => t[i]),
      x: Float32Array.from(keep, (i) => px[i]),
      y: Float32Array.from(keep, (i) => py[i]),
    },
  );

  // timeline.json: 300-s bins over the day
  const bin = 300;
  const n = Math.ceil(duration / bin);
  const visitors = new Array(n).fill(0);
  for (const s of starts) visitors[Math.min(n - 1, Math.floor(s / bin))]++;
  const timeline = JSON.stringify({ which: "a", available: true, bin, duration, t: Array.from({ length: n }, (_, i) => i * bin), visitors, in: new Array(n).fill(0), out: new Array(n).fill(0) });

  return { points, events, paths, timeline, pointCount: total, trackCount: tracks.length, duration };
}
