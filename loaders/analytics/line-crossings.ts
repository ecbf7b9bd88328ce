// Line counting: a person crosses a counting line when their foot point moves to the other side
// of it, stays there for `minFramesOnSide` consecutive observations (so jitter on the line does
// not count), and the foot path between the two sides passes through the line's segment (walking
// round its end does not count). Each confirmed change of side is one event.
import type { LineConfig } from "../config/camera.ts";
import { segmentsIntersect, sideOf } from "../geometry/plane.ts";
import { forEachTrack, type FootPath } from "./geometry.ts";

export interface CrossingEvent {
  segment: string;
  track_id: number;
  /** The first observation on the new side. */
  frame: number;
  t_seconds: number;
  line: string;
  direction: "in" | "out";
}

export interface CrossingOptions {
  /** Consecutive observations (rows, so stride-sampled frames) on the new side before a crossing counts. Default 3. */
  minFramesOnSide?: number;
  /** Copied into each event. Default "". */
  segment?: string;
}

export function lineCrossings(path: FootPath, lines: readonly LineConfig[], options: CrossingOptions = {}): CrossingEvent[] {
  const minFrames = options.minFramesOnSide ?? 3;
  const segment = options.segment ?? "";
  const { track, frame, t, x, y } = path;
  const events: CrossingEvent[] = [];
  const crossesBetween = (line: LineConfig, from: number, to: number) => {
    for (let j = from; j < to; j++) if (segmentsIntersect([x[j], y[j]], [x[j + 1], y[j + 1]], line.a, line.b)) return true;
    return false;
  };
  forEachTrack(path, (start, end) => {
    for (const line of lines) {
      const inSign = line.in === "right" ? 1 : -1;
      let side = 0; // confirmed side: +1 right, -1 left, 0 not yet seen off the line
      let lastOnSide = -1; // last observation on the confirmed side
      let firstOnOther = -1; // first observation of the current run on the other side
      let runLength = 0;
      for (let i = start; i < end; i++) {
        const s = Math.sign(sideOf(line.a, line.b, x[i], y[i]));
        if (s === 0) continue; // on the line: neither side, and it does not break a run
        if (side === 0 || s === side) {
          side = s;
          lastOnSide = i;
          runLength = 0;
          continue;
        }
        if (runLength === 0) firstOnOther = i;
        if (++runLength < minFrames) continue;
        if (crossesBetween(line, lastOnSide, firstOnOther)) {
          events.push({
            segment, track_id: track[i], frame: frame[firstOnOther], t_seconds: t[firstOnOther], line: line.name,
            direction: s === inSign ? "in" : "out",
          });
        }
        side = s;
        lastOnSide = i;
        runLength = 0;
      }
    }
  });
  return events.sort((a, b) => a.t_seconds - b.t_seconds || a.track_id - b.track_id);
}
