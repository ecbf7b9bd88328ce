// The camera config (a JSON file, also holding lines, zones and the start time) gets a
// `calibration` object; everything else in the file is kept as it was.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { UserError } from "../errors.ts";
import type { CountCalibration } from "./model.ts";
import { loadRoiMask, type RoiMask } from "./roi.ts";

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
  const c = readConfigObject(configPath).calibration as CountCalibration | undefined;
  if (!c) return undefined;
  const ok = Array.isArray(c.inputSize) && c.inputSize.length === 2 && typeof c.scoreThreshold === "number" && c.model && Array.isArray(c.model.weights) && c.residuals;
  if (!ok) throw new UserError(`${configPath}: its "calibration" object is incomplete; rerun smw calibrate --config ${configPath}`);
  const roiPath = c.roi ? resolve(dirname(resolve(configPath)), c.roi) : undefined;
  return { calibration: c, roi: roiPath ? loadRoiMask(roiPath) : undefined, roiPath };
}
