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
  const stored: CountCalibration = { ...calibration };
  if (calibration.roi) {
    const abs = resolve(calibration.roi);
    const rel = relative(dirname(resolve(configPath)), abs);
    stored.roi = isAbsolute(rel) || rel.startsWith("..") ? abs : rel; // relative only when it sits beside the config
  }
  config.calibration = stored;
  const tmp = `${configPath}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(config, null, 2) + "\n");
    renameSync(tmp, configPath);
  } catch (e) {
    throw new UserError(`${configPath}: cannot write the camera config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
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
  const c = r.data as CountCalibration;
  const roiPath = c.roi ? resolve(dirname(resolve(configPath)), c.roi) : undefined;
  return { calibration: c, roi: roiPath ? loadRoiMask(roiPath) : undefined, roiPath };
}
