// Motion gating through the real pipeline: a still scene skips the detector on every frame (and
// run.json says so), the same footage with --no-motion-gate runs it on every frame, and a busy
// clip's tables do not change with the gate on.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { videoToolSync } from "../loaders/video/ffmpeg.ts";
import { query, smw, tempDir } from "./helpers.ts";

const dir = tempDir("smw-gate-");
const run = (out: string) => JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
const rows = async (file: string) => Number((await query(`SELECT count(*)::INTEGER AS n FROM '${file}'`))[0].n);

test("a still scene (nothing differs from the plate) skips the detector on every frame; --no-motion-gate detects on each", async () => {
  // 2 s of one frame of TUD-Stadtmitte: people in it, but nothing moves, so the plate is that frame
  const still = join(dir, "still.mp4");
  videoToolSync(["-y", "-v", "error", "-loop", "1", "-i", join(import.meta.dirname, "fixtures/stadtmitte-frame-384x288.png"), "-t", "2", "-r", "25",
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", still]);
  const gated = join(dir, "gated");
  const r1 = smw(["analyze", still, "--out", gated, "--quiet"]);
  assert.equal(r1.code, 0, r1.stderr);
  const g = run(gated);
  assert.deepEqual(g.motionGate, { enabled: true, threshold: 0.001, skipped: g.framesAnalysed });
  assert.equal(await rows(join(gated, "detections.parquet")), 0);
  assert.equal(await rows(join(gated, "counts.parquet")), g.framesAnalysed, "every frame still gets its count row");

  const open = join(dir, "open");
  const r2 = smw(["analyze", still, "--out", open, "--quiet", "--no-motion-gate"]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.deepEqual(run(open).motionGate, { enabled: false, threshold: 0, skipped: 0 });
  assert.ok((await rows(join(open, "detections.parquet"))) > 0);
});

test("on a busy clip the gate skips nothing and the tables equal those of a run without it", async () => {
  const clip = join(import.meta.dirname, "..", "data/clips/tud-campus.mp4");
  const [on, off] = [join(dir, "on"), join(dir, "off")];
  assert.equal(smw(["analyze", clip, "--out", on, "--quiet"]).code, 0);
  assert.equal(smw(["analyze", clip, "--out", off, "--quiet", "--no-motion-gate"]).code, 0);
  assert.equal(run(on).motionGate.skipped, 0);
  const digest = async (d: string) => (await query(`SELECT count(*)::INTEGER AS n, sum(hash(frame, track_id, x1, y1, x2, y2))::VARCHAR AS h FROM '${join(d, "tracks.parquet")}'`))[0];
  assert.deepEqual(await digest(on), await digest(off));
});
