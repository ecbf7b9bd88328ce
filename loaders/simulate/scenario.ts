// scenario.json: what `smw simulate` renders. One file per camera; cameras of one store share a
// `store` id (render them with one command: `smw simulate front.json side.json --out footage/`).
// Checked by a zod schema so a mistake is one line naming the file and the field, like camera.json.
//
// Coordinates are pixels of the rendered picture (= the background's size), y down, like the
// camera config the scenario goes with: routes walk between its lines and zones.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { loadCameraConfig, parseCameraConfig, type CameraConfig } from "../config/camera.ts";
import { UserError } from "../errors.ts";

const point = z.tuple([z.number().finite(), z.number().finite()]);
const polyline = z.array(point).min(2, "needs at least 2 points");
const DATE = /^\d{4}-\d\d-\d\d$/;

/** A positive duration drawn per person: lognormal with this median and spread (sigma of its log). */
const duration = z
  .object({ median: z.number().positive(), spread: z.number().min(0).max(3).default(0.5) })
  .strict();

const hourly = z
  .array(z.number().min(0))
  .length(24, "needs 24 numbers, one per hour of the day from 0 to 23");

export const scenarioSchema = z
  .object({
    doc: z.union([z.string(), z.array(z.string())]).optional(),
    /** Store id: cameras rendered for one store share it. */
    store: z.string().min(1).regex(/^[\w.-]+$/, "may hold only letters, digits, _ . -"),
    /** Camera config (lines, zones, time zone): a path relative to this file, or the config itself. */
    camera: z.union([z.string().min(1), z.record(z.unknown())]),
    /** A clip with `<clip>.gt.txt` beside it (its people-free plate), a PNG, or a run folder (its background.png). */
    background: z.string().min(1),
    /** Clips with MOT ground truth beside them whose people are cut out and re-used. */
    people: z.array(z.string().min(1)).min(1).default(["../clips/tud-stadtmitte.mp4", "../clips/tud-campus.mp4"]),
    /** Person height in pixels at two foot heights; default: fitted to the background clip's boxes. */
    perspective: z.object({ heightAt: z.tuple([point, point]) }).strict().optional(),
    clock: z
      .object({
        /** First day, local date in the camera's time zone. */
        start: z.string().regex(DATE, 'needs a date like "2024-05-06"'),
        days: z.number().int().min(1).max(366).default(1),
        /** Opening hours [from, to), local; people arrive only then. */
        open: z.tuple([z.number().min(0).max(24), z.number().min(0).max(24)]).refine(([a, b]) => a < b, "needs [from, to) with from < to"),
        fps: z.number().min(0.5).max(30),
        /** Video size [width, height]; default the background's. Coordinates stay the background's; the video, its truth and camera.json are scaled. */
        size: z.tuple([z.number().int().min(64).max(3840), z.number().int().min(64).max(2160)]).optional(),
        /** Length of one video file, and how often one starts (default: back to back). */
        segmentMinutes: z.number().positive().max(240),
        everyMinutes: z.number().positive().optional(),
      })
      .strict()
      .refine((c) => c.everyMinutes === undefined || c.everyMinutes >= c.segmentMinutes, { message: "everyMinutes must be >= segmentMinutes", path: ["everyMinutes"] }),
    /** Walkable region (a polygon): stop points are drawn inside it. Default: the whole picture. */
    walkable: z.array(point).min(3, "needs at least 3 points").optional(),
    arrivals: z
      .object({
        /** Customers per hour at factor 1 (Poisson). */
        perHour: z.number().min(0),
        /** Factor per hour of day (0-23); default 1 for every hour. */
        hourly: hourly.optional(),
        /** Factor per weekday, Monday first. */
        weekday: z.array(z.number().min(0)).length(7, "needs 7 numbers, Monday first").optional(),
        /** Walking speed, metres per second. */
        speed: z.object({ mean: z.number().positive(), sd: z.number().min(0) }).strict().default({ mean: 1.3, sd: 0.15 }),
      })
      .strict(),
    routes: z
      .array(
        z
          .object({
            name: z.string().min(1),
            weight: z.number().positive().default(1),
            /** From where people appear to where they leave, e.g. picture edge to shop door. */
            path: polyline,
            /** Zones this route passes, in order; the zone's attraction says who stops there. */
            stops: z.array(z.string().min(1)).default([]),
          })
          .strict(),
      )
      .min(1, "needs at least 1 route"),
    /** Per zone name: probability that a customer whose route passes it stops, and for how long. */
    attraction: z.record(z.string().min(1), z.object({ probability: z.number().min(0).max(1), dwellSeconds: duration }).strict()).default({}),
    staff: z
      .object({
        count: z.number().int().min(0),
        /** Staff zone they start in and return to (a zone of the camera config). */
        zone: z.string().min(1),
        /** Zones they walk to now and then (restocking), minutes between trips and minutes per trip. */
        trips: z.array(z.string().min(1)).default([]),
        tripEveryMinutes: duration.default({ median: 8, spread: 0.5 }),
        tripMinutes: duration.default({ median: 1.5, spread: 0.5 }),
      })
      .strict()
      .optional(),
    queue: z
      .object({
        /** Checkout zone served by the till; customers with it among their stops may queue. */
        till: z.string().min(1),
        /** Where the one served stands, then the direction the line grows. */
        line: polyline,
        /** Share of customers passing the till who join the line. */
        probability: z.number().min(0).max(1),
        serviceSeconds: duration,
        /** Metres between people in line. */
        spacing: z.number().positive().default(0.8),
        /** Longest line people join (others walk on). */
        maxLength: z.number().int().min(1).default(8),
        /** Customers leave the line unserved after this long. */
        patienceSeconds: duration.optional(),
      })
      .strict()
      .optional(),
    /** Changes from a day on (1 = the first day): a zone's attraction or dwell, or arrivals, multiplied. */
    interventions: z
      .array(
        z
          .object({
            name: z.string().min(1),
            fromDay: z.number().int().min(1),
            zone: z.string().min(1).optional(),
            attraction: z.number().positive().default(1),
            dwell: z.number().positive().default(1),
            arrivals: z.number().positive().default(1),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type Duration = z.output<typeof duration>;

/** A scenario with its camera config and every path resolved against the scenario's folder. */
export interface LoadedScenario extends Scenario {
  path: string;
  cameraConfig: CameraConfig;
  backgroundPath: string;
  peoplePaths: string[];
}

/** ["routes", 0, "path"] -> "routes[0].path" */
const where = (path: (string | number)[]) =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("") || "top level";

function issueText(issue: z.ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_type":
      return issue.received === "undefined" ? "is required" : `must be ${issue.expected}, not ${issue.received}`;
    default:
      return issue.message;
  }
}

/** Checks a parsed JSON value against the schema; one UserError line naming `source` and the field. */
export function parseScenario(raw: unknown, source: string): Scenario {
  const r = scenarioSchema.safeParse(raw);
  if (r.success) return r.data;
  const [first, ...rest] = r.error.issues;
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? "s" : ""})` : "";
  throw new UserError(`${source}: ${where(first.path)}: ${issueText(first)}${more}`);
}

/** Names the scenario uses that the camera config must define. */
export function checkAgainstCamera(s: Scenario, camera: CameraConfig, source: string, daysOverridden = false): void {
  const zones = new Map(camera.zones.map((zn) => [zn.name, zn.kind]));
  const known = [...zones.keys()].join(", ") || "none";
  const needZone = (name: string, field: string) => {
    if (!zones.has(name)) throw new UserError(`${source}: ${field}: names no zone of the camera config: "${name}" (zones: ${known})`);
  };
  s.routes.forEach((r, i) => r.stops.forEach((z, j) => needZone(z, `routes[${i}].stops[${j}]`)));
  Object.keys(s.attraction).forEach((z) => needZone(z, `attraction.${z}`));
  if (s.staff) {
    needZone(s.staff.zone, "staff.zone");
    s.staff.trips.forEach((z, j) => needZone(z, `staff.trips[${j}]`));
  }
  if (s.queue) {
    needZone(s.queue.till, "queue.till");
    if (zones.get(s.queue.till) !== "checkout") throw new UserError(`${source}: queue.till: zone "${s.queue.till}" is a ${zones.get(s.queue.till)} zone; the till needs kind "checkout"`);
  }
  s.interventions.forEach((v, i) => {
    if (v.zone) needZone(v.zone, `interventions[${i}].zone`);
    if (v.fromDay > s.clock.days && !daysOverridden) throw new UserError(`${source}: interventions[${i}].fromDay: day ${v.fromDay} is after the last day (${s.clock.days}); raise clock.days or pick an earlier day`);
  });
  s.routes.forEach((r, i) => {
    const stopsWithout = r.stops.filter((z) => !(z in s.attraction) && z !== s.queue?.till);
    if (stopsWithout.length) throw new UserError(`${source}: routes[${i}].stops: "${stopsWithout[0]}" has no attraction; add attraction.${stopsWithout[0]} ({probability, dwellSeconds})`);
  });
}

function existing(path: string, field: string, source: string, what: string): string {
  if (!existsSync(path)) throw new UserError(`${source}: ${field}: ${path}: no such ${what}; paths are relative to the scenario file`);
  return path;
}

/** Reads, checks and resolves a scenario file. `days` overrides clock.days. */
export function loadScenario(path: string, overrides: { days?: number } = {}): LoadedScenario {
  if (!existsSync(path) || statSync(path).isDirectory()) throw new UserError(`${path}: no such scenario file; pass a scenario.json (e.g. data/scenarios/front.json)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (overrides.days !== undefined && raw && typeof raw === "object" && "clock" in raw) {
    raw = { ...raw, clock: { ...(raw.clock as object), days: overrides.days } };
  }
  const s = parseScenario(raw, path);
  const here = dirname(path);
  const cameraConfig = typeof s.camera === "string"
    ? loadCameraConfig(existing(resolve(here, s.camera), "camera", path, "camera config"))
    : parseCameraConfig(s.camera, `${path}: camera`);
  checkAgainstCamera(s, cameraConfig, path, overrides.days !== undefined);
  const backgroundPath = existing(resolve(here, s.background), "background", path, "clip, image or run folder");
  const peoplePaths = s.people.map((p, i) => {
    const clip = existing(resolve(here, p), `people[${i}]`, path, "clip");
    existing(clip.replace(/\.[^.]+$/, ".gt.txt"), `people[${i}]`, path, "ground truth (MOT text <clip>.gt.txt beside the clip)");
    return clip;
  });
  return { ...s, path, cameraConfig, backgroundPath, peoplePaths };
}
