// A run's camera config and the analytics engine opened over one run, for the loaders that show
// one run (event snapshots; the store bundle's single-run mode finds its config here too).
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { loadCameraConfig, parseCameraConfig, startFromFileName, type CameraConfig } from "../../../loaders/config/camera.ts";
import type { Window } from "../../../loaders/analytics/queries.ts";
import { openAnalytics, type Analytics } from "../../../loaders/analytics/views.ts";
import type { RunSummary } from "../../../loaders/run/contract.ts";
import { readRun, runStart } from "../../../loaders/run/read.ts";
import { ensureRunDir, REPO_ROOT, type Which } from "./run.ts";

export type { Analytics, CameraConfig, Window };

/**
 * The camera config of a run: `camera.json` in the run directory, else $SMW_CAMERA, else (for
 * the bundled demo run only) data/camera.example.json. None: lines and zones are empty.
 */
export function cameraConfigPath(runDir: string): string | undefined {
  const candidates = [join(runDir, "camera.json")];
  if (process.env.SMW_CAMERA) candidates.push(resolve(REPO_ROOT, process.env.SMW_CAMERA));
  if (resolve(runDir) === resolve(REPO_ROOT, "data/runs/demo")) candidates.push(join(REPO_ROOT, "data/camera.example.json"));
  return candidates.find((p) => existsSync(p));
}

const relative = (path: string) => (path.startsWith(REPO_ROOT + "/") ? path.slice(REPO_ROOT.length + 1) : path);

export interface RunAnalytics {
  which: Which;
  dir: string;
  info: RunSummary;
  config: CameraConfig;
  /** Where the config came from (a path), or "none". */
  configSource: string;
  /** Local wall-clock time of the first frame ("2024-05-18T11:00:00"), or null when unknown. */
  startLocal: string | null;
  a: Analytics;
  close(): void;
}

/** Opens the analytics engine over one run (one segment). */
export async function openRunAnalytics(which: Which = "a"): Promise<RunAnalytics> {
  const dir = await ensureRunDir(which);
  const info = readRun(dir);
  const path = cameraConfigPath(dir);
  const config = path ? loadCameraConfig(path) : parseCameraConfig({ camera: basename(dir) });
  const a = await openAnalytics({ runs: [{ dir, start: runStart(info, config), segment: basename(dir) }], config });
  return {
    which,
    dir,
    info,
    config,
    configSource: path ? relative(path) : "none",
    startLocal: config.start ?? startFromFileName(info.video.path),
    a,
    close: () => a.close(),
  };
}
