// Zone visits: a visit starts at the first observation whose foot point is inside the zone and
// ends only once the person has been outside for `debounceSeconds` (a brief step out, or a
// wobbly box, does not split it). Display zones also sort visits into stoppers and passers-by.
import type { ZoneConfig, ZoneKind } from "../config/camera.ts";
import { pointInPolygon } from "../geometry/plane.ts";
import { forEachTrack, type FootPath } from "./geometry.ts";

export interface ZoneVisit {
  segment: string;
  track_id: number;
  zone: string;
  kind: ZoneKind;
  /** Seconds from the video start: first observation inside. */
  enter_t: number;
  /** First observation outside that began the final absence, or the track's last observation + one observation interval. */
  exit_t: number;
  dwell_seconds: number;
}

export interface ZoneOptions {
  /** Time outside after which a visit ends. Default 1 s. */
  debounceSeconds?: number;
  /** How long one observation stands for (stride / fps): a track ending inside leaves at its last observation plus this. */
  observationSeconds: number;
  segment?: string;
}

export function zoneVisits(path: FootPath, zones: readonly ZoneConfig[], options: ZoneOptions): ZoneVisit[] {
  const debounce = options.debounceSeconds ?? 1;
  const segment = options.segment ?? "";
  const { track, t, x, y } = path;
  const visits: ZoneVisit[] = [];
  forEachTrack(path, (start, end) => {
    for (const zone of zones) {
      const push = (enter: number, exit: number) =>
        visits.push({ segment, track_id: track[start], zone: zone.name, kind: zone.kind, enter_t: enter, exit_t: exit, dwell_seconds: exit - enter });
      let enter = NaN; // NaN: not in a visit
      let firstOutside = -1; // first observation outside since the last one inside
      for (let i = start; i < end; i++) {
        if (pointInPolygon(x[i], y[i], zone.polygon)) {
          if (Number.isNaN(enter)) enter = t[i];
          else if (firstOutside >= 0 && t[i] - t[firstOutside] >= debounce) {
            push(enter, t[firstOutside]);
            enter = t[i];
          }
          firstOutside = -1;
        } else if (!Number.isNaN(enter) && firstOutside < 0) {
          firstOutside = i;
        }
      }
      if (!Number.isNaN(enter)) push(enter, firstOutside >= 0 ? t[firstOutside] : t[end - 1] + options.observationSeconds);
    }
  });
  return visits.sort((a, b) => a.enter_t - b.enter_t || a.track_id - b.track_id);
}

export interface Impressions {
  zone: string;
  /** Visits of at least `stopperSeconds`. */
  stoppers: number;
  passersBy: number;
}

/** Display impressions: per display zone, visits that stopped (dwell >= stopperSeconds) and those that passed by. */
export function displayImpressions(visits: readonly ZoneVisit[], zones: readonly ZoneConfig[], stopperSeconds: number): Impressions[] {
  return zones
    .filter((z) => z.kind === "display")
    .map((z) => {
      const mine = visits.filter((v) => v.zone === z.name);
      const stoppers = mine.filter((v) => v.dwell_seconds >= stopperSeconds).length;
      return { zone: z.name, stoppers, passersBy: mine.length - stoppers };
    });
}

export interface ZonePresence {
  frame: number;
  t: number;
  zone: string;
  /** Counted boxes whose foot point stood in the zone on that frame (frames with none are left out). */
  boxes: number;
}

/**
 * Zone occupancy without identities: per frame, how many counted boxes stood in each zone.
 * `columns` are frame, t, foot x, foot y of the boxes, sorted by frame.
 */
export function zonePresence(columns: number[][], zones: readonly ZoneConfig[]): ZonePresence[] {
  const [frame = [], t = [], x = [], y = []] = columns;
  const out: ZonePresence[] = [];
  for (let i = 0; i < frame.length; ) {
    let j = i;
    while (j < frame.length && frame[j] === frame[i]) j++;
    for (const zone of zones) {
      let n = 0;
      for (let k = i; k < j; k++) if (pointInPolygon(x[k], y[k], zone.polygon)) n++;
      if (n) out.push({ frame: frame[i], t: t[i], zone: zone.name, boxes: n });
    }
    i = j;
  }
  return out;
}
