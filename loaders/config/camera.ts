// Camera config: where the counting lines and zones are in one camera's picture, when its
// footage starts, and the few thresholds the analytics use. One JSON file per camera, checked
// by a zod schema so a mistake is reported as one line naming the file and the field.
//
//   { "camera": "stadtmitte", "start": "2024-05-18T11:00:00", "timezone": "Europe/Berlin",
//     "lines": [{ "name": "walkway", "a": [560, 400], "b": [560, 200], "in": "right" }],
//     "zones": [{ "name": "window", "kind": "display", "polygon": [[300, 200], [490, 200], [500, 262], [290, 262]] }] }
//
// Coordinates are source-video pixels, y down. A line's "in" side is the side of a->b as seen in
// the picture when walking from a to b ("right" = clockwise of the direction a->b on screen).
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { UserError } from "../errors.ts";
import { calibrationSchema } from "../count/config.ts";
import { fitHomography, type Pt } from "../geometry/homography.ts";

const point = z.tuple([z.number().finite(), z.number().finite()]);

/** "2024-05-18T11:00:00" (local wall-clock); seconds, fractions and an explicit offset/Z are optional. */
const LOCAL_TIME = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const hourRange = z
  .tuple([z.number().int().min(0).max(24), z.number().int().min(0).max(24)])
  .refine(([from, to]) => from < to, "needs [fromHour, toHour) with fromHour < toHour");

export const DEFAULT_DAYPARTS: Record<string, [number, number]> = { morning: [6, 12], afternoon: [12, 17], evening: [17, 24] };
/** Hours no daypart covers are called this. */
export const REST_DAYPART = "night";

/**
 * A customer queues when they stand in a queue zone at least `minInLineSeconds`; they are served
 * when their visit to its checkout zone lasts at least `minServedSeconds` and begins at most
 * `handoverSeconds` after they left the line (people walking past a till do neither).
 */
const queueRulesSchema = z
  .object({
    minInLineSeconds: z.number().min(0).default(3),
    minServedSeconds: z.number().min(0).default(5),
    handoverSeconds: z.number().min(0).default(5),
  })
  .strict();

/**
 * The picture on the floor plan: the plan image (a path relative to this file, or found in the
 * dataset's store folder), its scale, and at least 4 floor points seen in the video with their
 * place on the plan in metres (x right, y down from the plan's top-left corner). The fitted
 * homography must reproduce the points within `maxErrorMetres`.
 */
const floorSchema = z
  .object({
    plan: z.string().min(1),
    metresPerPixel: z.number().positive(),
    points: z.array(z.object({ video: point, floor: point }).strict()).min(4, "needs at least 4 point pairs (video pixel -> floor metres)"),
    maxErrorMetres: z.number().positive().default(0.5),
  })
  .strict();

export type FloorConfig = z.output<typeof floorSchema>;

type Issues = z.RefinementCtx;

function checkQueues(zones: { name: string; kind: string; checkout?: string }[], ctx: Issues): void {
  const checkouts = zones.filter((zn) => zn.kind === "checkout").map((zn) => zn.name);
  zones.forEach((zn, i) => {
    if (zn.kind !== "queue") {
      if (zn.checkout) ctx.addIssue({ code: "custom", path: ["zones", i, "checkout"], message: `only a zone of kind "queue" is served by a checkout; remove it or set kind "queue"` });
      return;
    }
    if (zn.checkout) {
      if (!checkouts.includes(zn.checkout)) ctx.addIssue({ code: "custom", path: ["zones", i, "checkout"], message: `names no checkout zone: "${zn.checkout}" (checkout zones: ${checkouts.join(", ") || "none"})` });
    } else if (checkouts.length !== 1) {
      ctx.addIssue({ code: "custom", path: ["zones", i, "checkout"], message: checkouts.length ? `name the checkout zone serving this queue (${checkouts.join(", ")})` : `a queue needs a zone of kind "checkout" that serves it; add one` });
    }
  });
}

function checkFloor(f: FloorConfig, ctx: Issues): void {
  try {
    const fit = fitHomography(f.points.map((p) => p.video as Pt), f.points.map((p) => p.floor as Pt));
    if (fit.rms > f.maxErrorMetres) {
      ctx.addIssue({
        code: "custom", path: ["floor", "points"],
        message: `the points do not fit one floor plane: reprojection error ${fit.rms.toFixed(2)} m (limit maxErrorMetres ${f.maxErrorMetres} m), worst point ${fit.worst + 1} off by ${fit.max.toFixed(2)} m; re-measure it, or check video and floor are the same spot`,
      });
    }
  } catch (e) {
    ctx.addIssue({ code: "custom", path: ["floor", "points"], message: (e as Error).message });
  }
}

/** The config's mapping from video pixels to floor metres, or null without a floor block. */
export function floorHomography(config: Pick<CameraConfig, "floor">) {
  const f = config.floor;
  return f ? fitHomography(f.points.map((p) => p.video as Pt), f.points.map((p) => p.floor as Pt)) : null;
}

/** The checkout zone serving a queue zone. */
export function checkoutOf(config: Pick<CameraConfig, "zones">, queue: { checkout?: string }): string {
  return queue.checkout ?? config.zones.find((zn) => zn.kind === "checkout")!.name;
}

export const cameraConfigSchema = z
  .object({
    /** Notes for people reading the file (JSON has no comments): a string or one string per line. Ignored. */
    doc: z.union([z.string(), z.array(z.string())]).optional(),
    camera: z.string().min(1),
    start: z.string().regex(LOCAL_TIME, 'needs an ISO local time like "2024-05-18T11:00:00"').optional(),
    timezone: z.string().refine(isTimeZone, "is not an IANA time zone (e.g. Europe/Berlin)").default("UTC"),
    lines: z
      .array(z.object({ name: z.string().min(1), a: point, b: point, in: z.enum(["left", "right"]) }).strict())
      .default([]),
    zones: z
      .array(
        z
          .object({
            name: z.string().min(1),
            kind: z.enum(["display", "checkout", "entrance", "staff", "queue", "other"]),
            polygon: z.array(point).min(3, "needs at least 3 points"),
            /** A queue zone only: the checkout zone serving it (default: the config's one checkout zone). */
            checkout: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([]),
    staff: z
      .object({ bornInZones: z.array(z.string()).optional(), maxDwellMinutes: z.number().positive().optional() })
      .strict()
      .default({}),
    /** COCO class names to detect and track (names as in the model manifest); default person. */
    classes: z.array(z.string().min(1)).min(1, "needs at least one class name (e.g. person)").optional(),
    dayparts: z.record(z.string().min(1), hourRange).default(DEFAULT_DAYPARTS),
    lineCrossing: z.object({ minFramesOnSide: z.number().int().min(1).default(3) }).strict().default({}),
    zoneDebounceSeconds: z.number().min(0).default(1),
    stopperSeconds: z.number().min(0).default(3),
    /** Counting settings fitted by `smw calibrate` (loaders/count/config.ts). */
    calibration: calibrationSchema.optional(),
    /** How queue zones are read (loaders/analytics/queues.ts). */
    queue: queueRulesSchema.default({}),
    /** Where the picture lies on the store's floor plan (loaders/analytics/floor.ts). */
    floor: floorSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const unique = (key: "lines" | "zones") => {
      const seen = new Set<string>();
      c[key].forEach((item, i) => {
        if (seen.has(item.name)) ctx.addIssue({ code: "custom", path: [key, i, "name"], message: `repeats the name "${item.name}"` });
        seen.add(item.name);
      });
    };
    unique("lines");
    unique("zones");
    c.lines.forEach((l, i) => {
      if (l.a[0] === l.b[0] && l.a[1] === l.b[1]) ctx.addIssue({ code: "custom", path: ["lines", i, "b"], message: "equals a: a line needs two distinct points" });
    });
    const zones = new Set(c.zones.map((zn) => zn.name));
    (c.staff.bornInZones ?? []).forEach((name, i) => {
      if (!zones.has(name)) {
        ctx.addIssue({ code: "custom", path: ["staff", "bornInZones", i], message: `names no zone: "${name}" (zones: ${[...zones].join(", ") || "none"})` });
      }
    });
    const parts = Object.entries(c.dayparts).sort((x, y) => x[1][0] - y[1][0]);
    for (let i = 1; i < parts.length; i++) {
      if (parts[i][1][0] < parts[i - 1][1][1]) {
        ctx.addIssue({ code: "custom", path: ["dayparts", parts[i][0]], message: `overlaps "${parts[i - 1][0]}"` });
      }
    }
    checkQueues(c.zones, ctx);
    if (c.floor) checkFloor(c.floor, ctx);
    if (REST_DAYPART in c.dayparts) {
      ctx.addIssue({ code: "custom", path: ["dayparts", REST_DAYPART], message: `is the name of the hours no daypart covers; pick another name` });
    }
  });

export type CameraConfig = z.output<typeof cameraConfigSchema>;
export type CameraConfigInput = z.input<typeof cameraConfigSchema>;
export type LineConfig = CameraConfig["lines"][number];
export type ZoneConfig = CameraConfig["zones"][number];
export type ZoneKind = ZoneConfig["kind"];

/** zod path ["zones", 1, "polygon"] -> "zones[1].polygon". */
function fieldPath(path: (string | number)[]): string {
  return path.reduce<string>((s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${p}` : p), "");
}

/** Checks a parsed JSON value; `source` names it in the error (a path, or "config"). */
export function parseCameraConfig(raw: unknown, source = "camera config"): CameraConfig {
  const r = cameraConfigSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? "s" : ""})` : "";
  const where = issue.path.length ? fieldPath(issue.path) : "top level";
  let message = issue.message;
  if (issue.code === "unrecognized_keys") message = `unknown field ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  else if (issue.code === "invalid_type" && issue.received === "undefined") message = "is required";
  else if (issue.code === "too_small" && issue.type === "array" && issue.message.startsWith("Array")) message = `needs at least ${issue.minimum} item(s)`;
  throw new UserError(`${source}: ${where}: ${message}${more}`);
}

export function loadCameraConfig(path: string): CameraConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === "ENOENT" ? "no such camera config file" : `cannot read the camera config (${code ?? e})`}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseCameraConfig(raw, path);
}

/** `20240518_110000` (also `20240518-110000`, `20240518T110000`) in a file name -> "2024-05-18T11:00:00", else null. */
export function startFromFileName(path: string): string | null {
  const m = /(\d{4})(\d\d)(\d\d)[_T-]?(\d\d)(\d\d)(\d\d)/.exec(basename(path));
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  return Number.isFinite(Date.parse(`${local}Z`)) && +mo >= 1 && +mo <= 12 && +h < 24 && +mi < 60 && +s < 60 ? local : null;
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (Berlin in summer: +7_200_000). */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(ms));
  const f = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(f("year"), f("month") - 1, f("day"), f("hour"), f("minute"), f("second"));
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant of a local wall-clock time in `timeZone` ("2024-05-18T11:00:00", "Europe/Berlin" ->
 * 09:00Z). An explicit offset or Z in the string wins over the zone. Null when unparseable.
 */
export function wallClockToDate(local: string, timeZone = "UTC"): Date | null {
  const m = LOCAL_TIME.exec(local.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "0", frac = "", offset] = m;
  const naive = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, frac ? Math.round(Number(frac) * 1000) : 0);
  if (!Number.isFinite(naive)) return null;
  if (offset) {
    if (offset === "Z") return new Date(naive);
    const sign = offset[0] === "-" ? -1 : 1;
    const [oh, om] = [offset.slice(1, 3), offset.slice(-2)].map(Number);
    return new Date(naive - sign * (oh * 60 + om) * 60_000);
  }
  // Guess with the offset at the naive instant, then correct once (right except inside a DST gap).
  let utc = naive - zoneOffsetMs(naive, timeZone);
  utc = naive - zoneOffsetMs(utc, timeZone);
  return new Date(utc);
}

/**
 * When a segment's first frame was recorded: the config's `start` if set, else a
 * `YYYYmmdd_HHMMSS` stamp in the video's file name, else null (times stay seconds from the start).
 * For a config shared by several segments, leave `start` out and let each file name tell.
 */
export function segmentStart(config: CameraConfig, videoPath?: string): Date | null {
  const local = config.start ?? (videoPath ? startFromFileName(videoPath) : null);
  return local ? wallClockToDate(local, config.timezone) : null;
}
