// The one recipe for a segment (loaders/pipeline/segment.ts): the site's own run gets the camera
// config's calibration as `npm run demo` does, and a job stopped by its AbortSignal leaves a
// checkpoint the same job resumes into the tables an uninterrupted run writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AnalysisAborted } from "../loaders/errors.ts";
import { DEMO_CONFIG, DEMO_VIDEO, ensureRun } from "../loaders/pipeline/ensure-run.ts";
import { analyzeSegment } from "../loaders/pipeline/segment.ts";
import { query, tempDir } from "./helpers.ts";

const demo = join(tempDir(), "demo");

test("the site's own run is made with the demo camera config: calibrated counts, lines and zones", async () => {
  await ensureRun(demo);
  const run = JSON.parse(readFileSync(join(demo, "run.json"), "utf8"));
  const config = JSON.parse(readFileSync(DEMO_CONFIG, "utf8"));
  assert.equal(run.counting.calibrated, true, "the config's calibration was applied");
  assert.deepEqual(run.counting.residuals, config.calibration.residuals);
  assert.equal(run.segment.camera, config.camera);
  assert.equal(run.segment.start, "2024-05-18T09:00:00.000Z", "11:00 in Europe/Berlin");
  assert.ok(existsSync(join(demo, "camera.json")));
  const [{ n }] = await query(`SELECT count(*)::INTEGER AS n FROM '${join(demo, "zone_visits.parquet")}'`);
  assert.ok((n as number) > 0, "zone visits written");
});

async function differingRows(a: string, b: string): Promise<number> {
  const q = (x: string, y: string) => `SELECT count(*)::INTEGER AS n FROM (SELECT * FROM '${x}' EXCEPT ALL SELECT * FROM '${y}')`;
  return ((await query(q(a, b)))[0].n as number) + ((await query(q(b, a)))[0].n as number);
}

test("a job stopped by its signal leaves a checkpoint; the same job resumed writes the uninterrupted run's tables", async () => {
  const out = tempDir();
  const stop = new AbortController();
  const job = { video: DEMO_VIDEO, out, config: DEMO_CONFIG, chunkFrames: 1000, onProgress: (p: { framesDone: number }) => p.framesDone >= 40 && stop.abort() };
  const aborted = await analyzeSegment({ ...job, signal: stop.signal }).then(() => undefined, (e: unknown) => e);
  assert.ok(aborted instanceof AnalysisAborted, String(aborted));
  assert.equal(aborted.name, "AbortError");
  assert.equal(aborted.framesAnalysed, 40, "stopped at the frame boundary after the abort");
  const checkpoint = JSON.parse(readFileSync(join(out, ".parts", "checkpoint.json"), "utf8"));
  assert.equal(checkpoint.lastFrame, aborted.lastFrame, "what was analysed is committed although no chunk was full");
  assert.ok(!existsSync(join(out, "run.json")) && !existsSync(join(out, ".smw-lock")), "no run.json; the folder is free again");

  await ensureRun(demo);
  const { summary, analytics } = await analyzeSegment({ ...job, resume: true });
  assert.equal(summary.options.resumedFromFrame, aborted.lastFrame);
  assert.equal(summary.framesAnalysed, 179);
  assert.ok(analytics && analytics.zoneVisits > 0);
  for (const f of ["detections.parquet", "tracks.parquet", "counts.parquet", "zone_visits.parquet"]) {
    assert.equal(await differingRows(join(demo, f), join(out, f)), 0, `${f} differs from the uninterrupted run`);
  }
});

test("a stride or chunk size that is not a whole number of at least 1 is refused before any work, naming the option", async () => {
  for (const [key, value] of [["stride", Number.NaN], ["stride", 0], ["chunkFrames", Number.POSITIVE_INFINITY]] as const) {
    const out = join(tempDir(), "bad");
    await assert.rejects(analyzeSegment({ video: DEMO_VIDEO, out, [key]: value }), (e: Error) => e.name === "UserError" && e.message.startsWith(`${key} must be a whole number`));
    assert.ok(!existsSync(join(out, ".parts")), "nothing written");
  }
});
