// End to end on rendered footage: smw simulate -> smw analyze -> smw report, against the truth
// smw simulate wrote. 90 s of the front scenario at 3 frames/s (270 frames). Tolerances, measured
// (seed 1: visitors 37, true 36; line in 15 and out 11, true 17 and 13): visitors and line crossings (in + out)
// within max(3, 30%) of the truth.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { smw, tempDir } from "./helpers.ts";
import { shortScenario } from "./simulate-fixtures.ts";

const within = (measured: number, truth: number) => Math.abs(measured - truth) <= Math.max(3, 0.3 * truth);

test("rendered footage analysed by smw analyze reports visitors and line crossings near the truth", () => {
  const dir = tempDir("smw-sim-e2e-");
  const footage = join(dir, "footage", "front");
  let r = smw(["simulate", shortScenario(dir, 90), "--out", join(dir, "footage"), "--seed", "1", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  r = smw(["analyze", footage, "--out", join(dir, "runs"), "--config", join(footage, "camera.json"), "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  r = smw(["report", join(dir, "runs"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const measured = JSON.parse(r.stdout);
  const truth = JSON.parse(readFileSync(join(footage, "truth.json"), "utf8")).all;
  const line = `visitors ${measured.visitors} (true ${truth.visitors}), line in ${measured.lineIn} (${truth.lineIn}), out ${measured.lineOut} (${truth.lineOut})`;
  process.stderr.write(`simulate e2e: ${line}\n`);
  assert.ok(truth.visitors >= 8, `the scenario sends people past the camera (${truth.visitors})`);
  assert.ok(within(measured.visitors, truth.visitors), line);
  assert.ok(within(measured.lineIn + measured.lineOut, truth.lineIn + truth.lineOut), line);

  // the truth folder is a run folder: smw report gives the true figures with the engine's own rules
  r = smw(["report", join(footage, "truth"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const onTruth = JSON.parse(r.stdout);
  assert.equal(onTruth.lineIn, truth.lineIn);
  assert.equal(onTruth.lineOut, truth.lineOut);
  assert.equal(onTruth.visitors + onTruth.staffExcluded, truth.visitors + truth.staffSeen, "everyone seen is a visitor or staff");
});
