// The camera config (a JSON file, also holding lines, zones and the start time) gets a
// `calibration` object; everything else in the file is kept as it was.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { z } from "zod";
import { UserError } from "../errors.ts";
import type { CountCalibration } from "./model.ts";
import { loadRoiMask, type RoiMask } from "./roi.ts";

const stats = z.object({ n: z.number().int().min(1), mean: z.number(), sd: z.number().min(0), mae: z.number().min(0), rmse: z.number().min(0) }).strict();

/** The `calibration` object of a camera config, as `smw calibrate` writes it (checked by the camera config schema too). */
export const calibrationSchema = z
  .object({
    version: z.literal(1),
    inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    scoreThreshold: z.number().gt(0).lt(1),
    suppressStatic: z.boolean(),
    smoothSeconds: z.number().min(0),
    model: z
      .object({ features: z.array(z.enum(["detections", "foreground"])).min(1), weights: z.array(z.number().finite()).min(1) })
      .strict()
      .refine((m) => m.features.length === m.weights.length, "needs one weight per feature"),
    residuals: stats,
    roi: z.string().min(1).optional(),
    source: z.object({ video: z.string(), labels: z.string(), frames: z.array(z.number().int()), createdAt: z.string(), model: z.string().optional() }).strict(),
  })
  .strict();

function readConfigObject(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UserError(`${path}: camera config is not valid JSON (${(e as Error).message}); fix it or choose another --config file`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new UserError(`${path}: camera config must be a JSON object`);
  return raw as Record<string, unknown>;
}

/** Writes `calibration` into the config (created when missing), keeping its other keys. The ROI path is stored relative to the config. */
export function writeCalibration(configPath: string, calibration: CountCalibration): void {
  const config = readConfigObject(configPath);
  // a new config needs a camera id to be a valid --config for smw analyze
  if (config.camera === undefined) config.camera = basename(calibration.source.video).replace(/\.[^.]+$/, "") || "camera";
  // paths relative to the config when they sit beside it (a config kept with its footage moves with it), else absolute
  const near = (path: string) => {
    const abs = resolve(path);
    const rel = relative(dirname(resolve(configPath)), abs);
    return isAbsolute(rel) || rel.startsWith("..") ? abs : rel;
  };
  const stored: CountCalibration = { ...calibration, source: { ...calibration.source, video: near(calibration.source.video), labels: near(calibration.source.labels) } };
  if (calibration.roi) stored.roi = near(calibration.roi);
  config.calibration = stored;
  const tmp = `${configPath}.tmp`;
  try {
    writeFileSync(tmp, readableJson(config) + "\n");
    renameSync(tmp, configPath);
  } catch (e) {
    throw new UserError(`${configPath}: cannot write the camera config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * JSON for people who edit the file too: objects indented, but arrays of plain values (points,
 * polygons, weights, frame lists) kept on one line when they fit.
 */
export function readableJson(value: unknown, indent = ""): string {
  const flat = (v: unknown): boolean => v === null || typeof v !== "object" || (Array.isArray(v) && v.every(flat));
  if (Array.isArray(value) && value.every(flat)) {
    const line = JSON.stringify(value).replaceAll(",", ", ");
    if (line.length + indent.length <= 110) return line;
  }
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = indent + "  ";
  const items = Array.isArray(value)
    ? value.map((v) => inner + readableJson(v, inner))
    : Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${readableJson(v, inner)}`);
  if (items.length === 0) return Array.isArray(value) ? "[]" : "{}";
  return Array.isArray(value) ? `[\n${items.join(",\n")}\n${indent}]` : `{\n${items.join(",\n")}\n${indent}}`;
}

export interface LoadedCalibration {
  calibration: CountCalibration;
  /** The counting region, loaded (undefined: the whole picture). */
  roi?: RoiMask;
  /** Absolute path of the region mask. */
  roiPath?: string;
}

/** The config's calibration (undefined when it has none), with its region mask loaded. */
export function readCalibration(configPath: string): LoadedCalibration | undefined {
  if (!existsSync(configPath)) throw new UserError(`${configPath}: no such camera config; check the --config path`);
  const raw = readConfigObject(configPath).calibration;
  if (raw === undefined) return undefined;
  const r = calibrationSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UserError(`${configPath}: calibration.${issue.path.join(".")}: ${issue.message}; rerun smw calibrate --config ${configPath}`);
  }
  return withRegion(r.data, configPath);
}

/** A calibration already checked (e.g. by the camera config schema) with its region mask, which sits relative to the config, loaded. */
export function withRegion(calibration: CountCalibration, configPath: string): LoadedCalibration {
  const roiPath = calibration.roi ? resolve(dirname(resolve(configPath)), calibration.roi) : undefined;
  return { calibration, roi: roiPath ? loadRoiMask(roiPath) : undefined, roiPath };
}
