// Argument parsers the commands share: a bad value is a usage error (exit 2) naming the option.
import { InvalidArgumentError } from "commander";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadCameraConfig, type CameraConfig } from "../config/camera.ts";

export function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
    return n;
  };
}

export function fraction(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError("must be a number between 0 and 1");
  return n;
}

export function size(v: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m) throw new InvalidArgumentError("must look like 384x288");
  return [Number(m[1]), Number(m[2])];
}

/** "person,bicycle" -> ["person", "bicycle"]; the names are checked against the model's when the analysis starts. */
export function classList(v: string): string[] {
  const names = v.split(",").map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError("must name classes, comma-separated, e.g. person,bicycle");
  return names;
}

/** `--config` when given, else the camera.json smw analyze stored with the run, else none. */
export function runCameraConfig(runDir: string, given?: string): CameraConfig | undefined {
  const path = given ?? [join(runDir, "camera.json")].find((f) => existsSync(f));
  return path ? loadCameraConfig(path) : undefined;
}
