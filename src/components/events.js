// Tracks, line crossings and zone visits of data/{a,b}/events.bin, re-cut by a time window.
// An event belongs to the window it starts in: a track by when it entered view, a visit by when
// it entered the zone, a crossing by when it happened.
import {median} from "d3";
import {unpackColumns} from "./binary.js";

export function readEvents(buffer) {
  const {header, columns: c} = unpackColumns(buffer);
  const empty = (T) => new T(0);
  return {
    available: header.available,
    tracks: {id: c.track_id ?? empty(Int32Array), start: c.track_start ?? empty(Float32Array), end: c.track_end ?? empty(Float32Array)},
    crossings: {line: c.crossing_line ?? empty(Uint16Array), track: c.crossing_track ?? empty(Int32Array), t: c.crossing_t ?? empty(Float32Array), dir: c.crossing_dir ?? empty(Int8Array)},
    visits: {zone: c.visit_zone ?? empty(Uint16Array), track: c.visit_track ?? empty(Int32Array), enter: c.visit_enter ?? empty(Float32Array), exit: c.visit_exit ?? empty(Float32Array), stopper: c.visit_stopper ?? empty(Uint8Array)},
    staff: header.staff ?? 0
  };
}

/**
 * Whether time t is in the window [t0, t1) (the whole run's window also takes its end). Times are
 * stored as float32, so the bounds are rounded the same way: a time on a bound falls on the side
 * the engine puts it (it compares doubles), whatever float32 made of it.
 */
export const within = (t, win) => t >= Math.fround(win.t0) && (t < Math.fround(win.t1) || (win.full && t <= win.t1));

/** Tracks that entered view in the window: indexes into events.tracks. */
export function tracksIn(events, win) {
  const {start} = events.tracks;
  const out = [];
  for (let i = 0; i < start.length; i++) if (within(start[i], win)) out.push(i);
  return out;
}

/** Headline numbers for a window. */
export function windowSummary(events, win, config) {
  const tracks = tracksIn(events, win);
  const {start, end} = events.tracks;
  const seconds = tracks.map((i) => end[i] - start[i]);
  const lines = config.lines.map((l) => ({name: l.name, in: 0, out: 0}));
  const {line, t, dir} = events.crossings;
  for (let i = 0; i < t.length; i++) if (within(t[i], win) && lines[line[i]]) lines[line[i]][dir[i] > 0 ? "in" : "out"]++;
  return {
    visitors: tracks.length,
    medianSeconds: median(seconds) ?? NaN,
    in: lines.reduce((s, l) => s + l.in, 0),
    out: lines.reduce((s, l) => s + l.out, 0),
    lines
  };
}

/** Zone visits that started in the window, as rows {zone, name, kind, track, enter, exit, seconds}. */
export function visitsIn(events, win, zones) {
  const {zone, track, enter, exit} = events.visits;
  const rows = [];
  for (let i = 0; i < enter.length; i++) {
    if (!within(enter[i], win)) continue;
    const z = zones[zone[i]];
    rows.push({zone: zone[i], name: z?.name ?? `zone ${zone[i]}`, kind: z?.kind ?? "zone", track: track[i], enter: enter[i], exit: exit[i], seconds: exit[i] - enter[i]});
  }
  return rows;
}

/** Track ids that visited zone `z` (any time). */
export function tracksVisiting(events, z) {
  const ids = new Set();
  const {zone, track} = events.visits;
  for (let i = 0; i < zone.length; i++) if (zone[i] === z) ids.add(track[i]);
  return ids;
}

/** Map track id -> names of the zones it visited (any time), in zone order. */
export function zonesByTrack(events, zones) {
  const sets = new Map();
  const {zone, track} = events.visits;
  for (let i = 0; i < zone.length; i++) {
    let s = sets.get(track[i]);
    if (!s) sets.set(track[i], (s = new Set()));
    s.add(zone[i]);
  }
  const out = new Map();
  for (const [id, s] of sets) out.set(id, [...s].sort((a, b) => a - b).map((z) => zones[z]?.name ?? `zone ${z}`));
  return out;
}
