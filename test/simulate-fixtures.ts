// A short scenario for tests: the committed front scenario cut to a few seconds of one day.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const SCENARIOS = resolve(import.meta.dirname, "..", "data", "scenarios");
const CLIPS = resolve(import.meta.dirname, "..", "data", "clips");

/** The committed front scenario, shortened to `seconds` of one day at 12:00, with absolute paths so it can live in a temp folder. */
export function shortScenario(dir: string, seconds: number, patch: Record<string, unknown> = {}): string {
  const s = JSON.parse(readFileSync(join(SCENARIOS, "front.json"), "utf8"));
  s.camera = join(SCENARIOS, s.camera);
  s.background = join(CLIPS, "tud-stadtmitte.mp4");
  s.people = [join(CLIPS, "tud-stadtmitte.mp4"), join(CLIPS, "tud-campus.mp4")];
  s.clock = { start: "2024-05-07", days: 1, open: [11.95, 11.95 + seconds / 3600], fps: 3, segmentMinutes: seconds / 60 };
  s.interventions = [];
  Object.assign(s, patch);
  const file = join(dir, "scenario.json");
  writeFileSync(file, JSON.stringify(s, null, 2));
  return file;
}

