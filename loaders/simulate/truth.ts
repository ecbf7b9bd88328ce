// Ground truth of one rendered segment, in the project's own definitions: a person is in a frame
// when at least half of their box is inside the picture; their box is clipped to the picture
// (as a detector's would be); line crossings and zone visits are the engine's own functions
// (loaders/analytics) run on the true foot points, so a perfect detector and tracker would measure
// exactly these numbers. Track ids are the people's ids of the day, so one person keeps one id
// across the segments of a day.
import type { CameraConfig } from "../config/camera.ts";
import { footPathFromRows } from "../analytics/geometry.ts";
import { lineCrossings, type CrossingEvent } from "../analytics/line-crossings.ts";
import { zoneVisits, type ZoneVisit } from "../analytics/zones.ts";
import type { TrueBox } from "./render.ts";

/** A true box of one frame, clipped to the picture (`visibility` is that of the whole box). */
export interface TruthRow extends TrueBox {
  /** 0-based frame of the segment. */
  frame: number;
}

/** Least share of a person's box inside the picture for them to count as in view. */
export const MIN_INSIDE = 0.5;

export function truthRows(frame: number, boxes: readonly TrueBox[], W: number, H: number): TruthRow[] {
  const rows: TruthRow[] = [];
  for (const b of boxes) {
    const x1 = Math.max(0, b.x1), y1 = Math.max(0, b.y1), x2 = Math.min(W, b.x2), y2 = Math.min(H, b.y2);
    const inside = ((x2 - x1) * (y2 - y1)) / ((b.x2 - b.x1) * (b.y2 - b.y1));
    if (!(x2 > x1 && y2 > y1) || inside < MIN_INSIDE) continue;
    rows.push({ frame, id: b.id, staff: b.staff, x1, y1, x2, y2, visibility: b.visibility });
  }
  return rows;
}

const r2 = (v: number) => String(Math.round(v * 100) / 100);

/** MOT ground truth (MOT16 layout): frame (1-based), id, left, top, width, height, 1 (consider), 1 (pedestrian), visibility. */
export function formatTruthMot(rows: readonly TruthRow[]): string {
  let s = "";
  for (const r of [...rows].sort((a, b) => a.frame - b.frame || a.id - b.id)) {
    s += `${r.frame + 1},${r.id},${r2(r.x1)},${r2(r.y1)},${r2(r.x2 - r.x1)},${r2(r.y2 - r.y1)},1,1,${r2(r.visibility)}\n`;
  }
  return s;
}

export interface SegmentTruth {
  /** People and customers (staff left out) in view per frame. */
  people: Int32Array;
  customers: Int32Array;
  events: (CrossingEvent & { staff: boolean })[];
  visits: (ZoneVisit & { staff: boolean })[];
  /** Per person seen: first and last time in view (seconds from the segment start). */
  seen: { id: number; staff: boolean; first: number; last: number }[];
}

export function segmentTruth(rows: readonly TruthRow[], frames: number, fps: number, config: CameraConfig, segment: string): SegmentTruth {
  const people = new Int32Array(frames), customers = new Int32Array(frames);
  const staff = new Map<number, boolean>();
  const seen = new Map<number, { id: number; staff: boolean; first: number; last: number }>();
  for (const r of rows) {
    people[r.frame]++;
    if (!r.staff) customers[r.frame]++;
    staff.set(r.id, r.staff);
    const t = r.frame / fps;
    const s = seen.get(r.id);
    if (s) (s.first = Math.min(s.first, t)), (s.last = Math.max(s.last, t));
    else seen.set(r.id, { id: r.id, staff: r.staff, first: t, last: t });
  }
  const path = footPathFromRows(rows.map((r) => ({ trackId: r.id, frame: r.frame, t: r.frame / fps, x1: r.x1, x2: r.x2, y2: r.y2 })));
  const events = lineCrossings(path, config.lines, { minFramesOnSide: config.lineCrossing.minFramesOnSide, segment })
    .map((e) => ({ ...e, staff: staff.get(e.track_id) ?? false }));
  const visits = zoneVisits(path, config.zones, { debounceSeconds: config.zoneDebounceSeconds, observationSeconds: 1 / fps, segment })
    .map((v) => ({ ...v, staff: staff.get(v.track_id) ?? false }));
  return { people, customers, events, visits, seen: [...seen.values()].sort((a, b) => a.first - b.first || a.id - b.id) };
}
