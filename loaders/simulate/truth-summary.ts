// truth.json's headline numbers: the same figures `smw report` prints (visitors, line in/out,
// customers in view, zone visits and dwell), plus the queue, for any window of the rendered
// footage: each day, each daypart, weekdays and weekends, before and after each intervention.
// Like the engine, a visitor counts in the window where they were first seen, a visit where it
// began, a crossing where it happened, and a frame where it was shown.
import { median } from "d3-array";
import type { CameraConfig } from "../config/camera.ts";
import { REST_DAYPART } from "../config/camera.ts";

/** When something happened: the day (1-based), its weekday (0 = Monday) and seconds from local midnight. */
export interface When { day: number; weekday: number; seconds: number }

export interface TruthLog {
  frames: (When & { dt: number; people: number; customers: number })[];
  visitors: (When & { staff: boolean })[];
  events: (When & { line: string; direction: "in" | "out"; staff: boolean })[];
  visits: (When & { zone: string; kind: string; dwell: number; staff: boolean; uid: string })[];
  queue: (When & { wait: number | null; abandoned: boolean })[];
}

export const emptyLog = (): TruthLog => ({ frames: [], visitors: [], events: [], visits: [], queue: [] });

export interface ZoneTruth {
  zone: string;
  kind: string;
  visits: number;
  visitors: number;
  /** Customer visits per hour of footage. */
  visitRate: number;
  meanDwellSeconds: number | null;
  medianDwellSeconds: number | null;
  stoppers: number | null;
}

export interface WindowTruth {
  footageSeconds: number;
  visitors: number;
  staffSeen: number;
  lineIn: number;
  lineOut: number;
  /** Customers in view: most in one frame, and the mean over frames (the figures smw report gives). */
  peakInView: number;
  meanInView: number;
  /** Everyone in view (staff included): what a people count should find. */
  meanPeople: number;
  zones: ZoneTruth[];
  queue: { joined: number; served: number; abandoned: number; meanWaitSeconds: number | null; medianWaitSeconds: number | null };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function daypartOf(config: CameraConfig, seconds: number): string {
  const h = Math.floor(seconds / 3600);
  return Object.entries(config.dayparts).find(([, [from, to]]) => h >= from && h < to)?.[0] ?? REST_DAYPART;
}

export function summarise(log: TruthLog, config: CameraConfig, keep: (w: When) => boolean): WindowTruth {
  const frames = log.frames.filter(keep);
  const seconds = frames.reduce((t, f) => t + f.dt, 0);
  const hours = seconds / 3600;
  const visits = log.visits.filter((v) => !v.staff && keep(v));
  const events = log.events.filter((e) => !e.staff && keep(e));
  const queue = log.queue.filter(keep);
  const waits = queue.filter((q) => !q.abandoned).map((q) => q.wait!);
  return {
    footageSeconds: seconds,
    visitors: log.visitors.filter((v) => !v.staff && keep(v)).length,
    staffSeen: log.visitors.filter((v) => v.staff && keep(v)).length,
    lineIn: events.filter((e) => e.direction === "in").length,
    lineOut: events.filter((e) => e.direction === "out").length,
    peakInView: frames.reduce((m, f) => Math.max(m, f.customers), 0),
    meanInView: seconds ? frames.reduce((t, f) => t + f.customers * f.dt, 0) / seconds : 0,
    meanPeople: seconds ? frames.reduce((t, f) => t + f.people * f.dt, 0) / seconds : 0,
    zones: config.zones.map((z) => {
      const mine = visits.filter((v) => v.zone === z.name);
      const dwell = mine.map((v) => v.dwell);
      return {
        zone: z.name, kind: z.kind, visits: mine.length, visitors: new Set(mine.map((v) => v.uid)).size,
        visitRate: hours ? mine.length / hours : 0,
        meanDwellSeconds: mean(dwell), medianDwellSeconds: median(dwell) ?? null,
        stoppers: z.kind === "display" ? dwell.filter((d) => d >= config.stopperSeconds).length : null,
      };
    }),
    queue: {
      joined: queue.length, served: waits.length, abandoned: queue.length - waits.length,
      meanWaitSeconds: mean(waits), medianWaitSeconds: median(waits) ?? null,
    },
  };
}

export interface Intervention { name: string; fromDay: number }

/** Every window truth.json reports, by name. */
export function windows(log: TruthLog, config: CameraConfig, days: { day: number; date: string }[], interventions: readonly Intervention[]) {
  const at = (keep: (w: When) => boolean) => summarise(log, config, keep);
  const parts = [...Object.keys(config.dayparts), REST_DAYPART];
  return {
    all: at(() => true),
    days: days.map((d) => ({ date: d.date, ...at((w) => w.day === d.day) })),
    dayparts: Object.fromEntries(parts.map((p) => [p, at((w) => daypartOf(config, w.seconds) === p)]).filter(([, s]) => (s as WindowTruth).footageSeconds > 0)),
    weekdays: at((w) => w.weekday < 5),
    weekends: at((w) => w.weekday >= 5),
    interventions: interventions.map((v) => ({
      name: v.name, fromDay: v.fromDay, before: at((w) => w.day < v.fromDay), after: at((w) => w.day >= v.fromDay),
    })),
  };
}
