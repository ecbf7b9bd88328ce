// smw simulate: scenario errors are one line and exit 2; a seed gives byte-identical truth and
// identical decoded video; the ground truth agrees with the pixels (people where the true boxes
// are, the plate everywhere else).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { videoBinaries, videoEnv } from "../loaders/video/binaries.ts";
import { loadSprites } from "../loaders/simulate/sprites.ts";
import { smw, tempDir } from "./helpers.ts";
import { shortScenario } from "./simulate-fixtures.ts";

const CLIPS = resolve(import.meta.dirname, "..", "data", "clips");

function badScenario(mutate: (s: Record<string, any>) => void): string {
  const dir = tempDir("smw-sim-bad-");
  const file = shortScenario(dir, 10);
  const s = JSON.parse(readFileSync(file, "utf8"));
  mutate(s);
  writeFileSync(file, JSON.stringify(s));
  return file;
}

function expectOneLine(args: string[], pattern: RegExp) {
  const r = smw(args);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("(run with --help"));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], pattern);
}

test("scenario mistakes stop with one line naming the file and the field, exit 2", () => {
  const out = tempDir("smw-sim-out-");
  expectOneLine(["simulate", "/nonexistent/scenario.json", "--out", out], /\/nonexistent\/scenario\.json: no such scenario file/);
  const notJson = join(tempDir(), "broken.json");
  writeFileSync(notJson, "{ not json");
  expectOneLine(["simulate", notJson, "--out", out], /broken\.json: not valid JSON/);
  expectOneLine(["simulate", badScenario((s) => delete s.clock.fps), "--out", out], /scenario\.json: clock\.fps: is required/);
  expectOneLine(["simulate", badScenario((s) => (s.routes[0].stops = ["nowhere"])), "--out", out], /routes\[0\]\.stops\[0\]: names no zone of the camera config: "nowhere"/);
  expectOneLine(["simulate", badScenario((s) => (s.arrivals.hourly = [1, 2, 3])), "--out", out], /arrivals\.hourly: needs 24 numbers/);
  expectOneLine(["simulate", badScenario((s) => (s.colour = "red")), "--out", out], /top level: unknown field "colour"/);
  expectOneLine(["simulate", badScenario((s) => (s.queue.till = "left window")), "--out", out], /queue\.till: zone "left window" is a display zone/);
  expectOneLine(["simulate", badScenario((s) => (s.background = "/nonexistent.png")), "--out", out], /background: \/nonexistent\.png: no such clip, image or run folder/);
  expectOneLine(["simulate", badScenario(() => {}), "--out", out, "--days", "0"], /--days must be a whole number >= 1/);
  // another render into the same folder would mix its segments with these while its truth covers only its own
  const earlier = badScenario((s) => (s.clock.open = [12, 12 + 3 / 3600]));
  assert.equal(smw(["simulate", earlier, "--out", out, "--quiet"]).code, 0);
  expectOneLine(["simulate", badScenario((s) => (s.clock.open = [13, 13 + 3 / 3600])), "--out", out], /front: holds 1 segment\(s\) this scenario does not render \(front_20240507_120000\.mp4, \.\.\.\)/);
});

const decodeHash = (video: string) =>
  createHash("sha256").update(execFileSync(videoBinaries().ffmpeg, ["-loglevel", "error", "-i", video, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { env: videoEnv(), maxBuffer: 1 << 28 })).digest("hex");

test("a seed gives byte-identical ground truth and identical decoded video; another seed another day", () => {
  const dir = tempDir("smw-sim-det-");
  const scenario = shortScenario(dir, 12);
  const outs = ["a", "b", "c"].map((k) => join(dir, k));
  for (const [i, out] of outs.entries()) {
    const r = smw(["simulate", scenario, "--out", out, "--seed", i < 2 ? "7" : "8", "--quiet"]);
    assert.equal(r.code, 0, r.stderr);
  }
  const files = (out: string) => readdirSync(join(out, "front")).filter((f) => f.endsWith(".gt.txt") || f === "truth.json").sort();
  assert.deepEqual(files(outs[0]), files(outs[1]));
  for (const f of files(outs[0])) assert.equal(readFileSync(join(outs[0], "front", f), "utf8"), readFileSync(join(outs[1], "front", f), "utf8"), f);
  const video = readdirSync(join(outs[0], "front")).find((f) => f.endsWith(".mp4"))!;
  assert.equal(decodeHash(join(outs[0], "front", video)), decodeHash(join(outs[1], "front", video)));
  const gt = (out: string) => readFileSync(join(out, "front", video.replace(".mp4", ".gt.txt")), "utf8");
  assert.ok(gt(outs[0]).length > 0, "someone is in view");
  assert.notEqual(gt(outs[0]), gt(outs[2]), "seed 8 renders other people");
});

test("true boxes sit on rendered people; outside them the frame is the plate", async () => {
  const dir = tempDir("smw-sim-truth-");
  const r = smw(["simulate", shortScenario(dir, 15), "--out", dir, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const folder = join(dir, "front");
  const video = readdirSync(folder).find((f) => f.endsWith(".mp4"))!;
  const [W, H] = [640, 480];
  const raw = execFileSync(videoBinaries().ffmpeg, ["-loglevel", "error", "-i", join(folder, video), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { env: videoEnv(), maxBuffer: 1 << 28 });
  const frames = raw.length / (W * H * 3);
  assert.equal(frames, 45, "15 s at 3 frames/s");
  const plate = (await loadSprites([join(CLIPS, "tud-stadtmitte.mp4"), join(CLIPS, "tud-campus.mp4")])).plates.find((p) => p.source === "tud-stadtmitte.mp4")!.rgb;
  const rows = readFileSync(join(folder, video.replace(".mp4", ".gt.txt")), "utf8").trim().split("\n").map((l) => l.split(",").map(Number));
  let inside = 0, insideN = 0, outside = 0, outsideN = 0;
  for (let f = 0; f < frames; f++) {
    const boxes = rows.filter((c) => c[0] === f + 1);
    const covered = new Uint8Array(W * H);
    for (const [, , x, y, w, h] of boxes) {
      for (let yy = Math.max(0, Math.floor(y - 12)); yy < Math.min(H, y + h + 12); yy++) covered.fill(1, yy * W + Math.max(0, Math.floor(x - 12)), yy * W + Math.min(W, Math.ceil(x + w + 12)));
    }
    const diff = (p: number) => Math.abs(raw[f * W * H * 3 + p * 3] - plate[p * 3]) + Math.abs(raw[f * W * H * 3 + p * 3 + 1] - plate[p * 3 + 1]) + Math.abs(raw[f * W * H * 3 + p * 3 + 2] - plate[p * 3 + 2]);
    for (let p = 0; p < W * H; p += 7) if (!covered[p]) (outside += diff(p)), outsideN++;
    for (const [, , x, y, w, h, , , vis] of boxes) {
      if (vis < 0.9) continue;
      // the middle of a visible person's box: torso, where the cut-out is solid
      for (let yy = Math.floor(y + h * 0.25); yy < y + h * 0.5; yy += 2) for (let xx = Math.floor(x + w * 0.35); xx < x + w * 0.65; xx += 2) (inside += diff(yy * W + xx)), insideN++;
    }
  }
  assert.ok(insideN > 1000, "visible people were rendered");
  const [meanIn, meanOut] = [inside / insideN, outside / outsideN];
  assert.ok(meanOut < 6, `outside every true box the video is the plate up to codec noise (mean |diff| ${meanOut.toFixed(2)} over 3 channels)`);
  assert.ok(meanIn > 40, `inside true boxes the picture differs from the plate: someone is there (mean |diff| ${meanIn.toFixed(1)})`);
});

test("clock.size scales the video, its true boxes and the camera config together", () => {
  const dir = tempDir("smw-sim-size-");
  const full = shortScenario(dir, 6);
  const half = join(dir, "half.json");
  const s = JSON.parse(readFileSync(full, "utf8"));
  s.clock.size = [320, 240];
  writeFileSync(half, JSON.stringify(s));
  for (const [file, out] of [[full, "a"], [half, "b"]]) assert.equal(smw(["simulate", file, "--out", join(dir, out), "--quiet"]).code, 0);
  const gt = (out: string) => readdirSync(join(dir, out, "front")).filter((f) => f.endsWith(".gt.txt")).map((f) => readFileSync(join(dir, out, "front", f), "utf8"))[0];
  const rows = (text: string) => text.trim().split("\n").map((l) => l.split(",").map(Number));
  const [a, b] = [rows(gt("a")), rows(gt("b"))];
  assert.equal(a.length, b.length);
  a.forEach((r, i) => [2, 3, 4, 5].forEach((c) => assert.ok(Math.abs(b[i][c] - r[c] / 2) <= 0.02, `row ${i} column ${c}: ${b[i][c]} vs ${r[c]} / 2`)));
  const cam = (out: string) => JSON.parse(readFileSync(join(dir, out, "front", "camera.json"), "utf8"));
  assert.deepEqual(cam("b").lines[0].a, cam("a").lines[0].a.map((v: number) => v / 2));
  const video = readdirSync(join(dir, "b", "front")).find((f) => f.endsWith(".mp4"))!;
  const probe = execFileSync(videoBinaries().ffprobe, ["-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", join(dir, "b", "front", video)], { env: videoEnv(), encoding: "utf8" });
  assert.equal(probe.trim(), "320,240");
});
