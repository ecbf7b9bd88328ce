// Annotated video of a real run of the bundled clip: boxes are really drawn on the frames
// where the run tracked people, and blurPeople really removes the detail inside them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { annotateVideo } from "../loaders/ops/annotate.ts";
import { withDuckDb } from "../loaders/store/duckdb.ts";
import { probeVideo } from "../loaders/video/probe.ts";
import { videoBinaries } from "../loaders/video/binaries.ts";
import { UserError } from "../loaders/errors.ts";
import { smw, tempDir } from "./helpers.ts";

const CLIP = "data/clips/tud-campus.mp4";
const W = 640, H = 480;
const FRAME = 30;

const dir = tempDir("smw-annotate-");
const runDir = join(dir, "run");
const run = smw(["analyze", CLIP, "--out", runDir, "--quiet"]);

/** RGB24 pixels of frame `n` (0-based, decode order) of a video. */
function decodeFrame(file: string, n: number): Uint8Array {
  const buf = execFileSync(videoBinaries().ffmpeg, [
    "-v", "error", "-nostdin", "-i", file, "-vf", `select=eq(n\\,${n})`, "-vsync", "0", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
  ], { maxBuffer: W * H * 3 + 1024 });
  assert.equal(buf.length, W * H * 3, `decoded frame ${n} of ${file}`);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

type Box = { track_id: number; x1: number; y1: number; x2: number; y2: number };
async function boxesAt(frame: number): Promise<Box[]> {
  return withDuckDb(async (conn) =>
    (await conn.runAndReadAll(`SELECT track_id, x1, y1, x2, y2 FROM '${join(runDir, "tracks.parquet")}' WHERE frame = ${frame} ORDER BY track_id`)).getRowObjectsJS() as unknown as Box[]);
}

const luma = (px: Uint8Array, p: number) => 0.299 * px[3 * p] + 0.587 * px[3 * p + 1] + 0.114 * px[3 * p + 2];

/** Mean absolute RGB difference over the pixels `inside` selects. */
function meanDiff(a: Uint8Array, b: Uint8Array, inside: (x: number, y: number) => boolean): number {
  let sum = 0, n = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    if (!inside(x, y)) continue;
    const o = 3 * (y * W + x);
    sum += Math.abs(a[o] - b[o]) + Math.abs(a[o + 1] - b[o + 1]) + Math.abs(a[o + 2] - b[o + 2]);
    n += 3;
  }
  return sum / n;
}

/** High-frequency energy: mean squared luma difference between horizontal and vertical neighbours. */
function hfEnergy(px: Uint8Array, x1: number, y1: number, x2: number, y2: number): number {
  let sum = 0, n = 0;
  for (let y = Math.ceil(y1); y < Math.floor(y2) - 1; y++) for (let x = Math.ceil(x1); x < Math.floor(x2) - 1; x++) {
    const p = y * W + x;
    const c = luma(px, p);
    sum += (c - luma(px, p + 1)) ** 2 + (c - luma(px, p + W)) ** 2;
    n++;
  }
  return sum / n;
}

/** The middle of a box, clear of its outline and id label. */
function interior(b: Box): [number, number, number, number] {
  const w = b.x2 - b.x1, h = b.y2 - b.y1;
  return [Math.max(0, b.x1 + 0.2 * w), Math.max(0, b.y1 + 0.2 * h), Math.min(W, b.x2 - 0.2 * w), Math.min(H, b.y2 - 0.2 * h)];
}

test("the bundled clip was analysed", () => {
  assert.equal(run.code, 0, run.stderr);
});

test("annotated video: same size and frame count, boxes drawn where the run tracked people, untouched elsewhere", async () => {
  const out = join(dir, "annotated.mp4");
  const zone = { name: "entrance", polygon: [[20, 300], [300, 300], [300, 470], [20, 470]] as [number, number][] };
  const line = { name: "door", a: [330, 460] as [number, number], b: [630, 440] as [number, number], in: "left" as const };
  const r = await annotateVideo({ video: CLIP, runDir, out, zones: [zone], lines: [line] });
  console.log(`annotate ${CLIP}: ${r.frames} frames in ${r.seconds.toFixed(2)} s (${(r.frames / r.seconds).toFixed(1)} frames/s, ${r.codec})`);
  assert.equal(r.frames, 71);
  const info = await probeVideo(out);
  assert.equal(info.width, W);
  assert.equal(info.height, H);
  assert.equal(info.frameCount, 71);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes("partial")), [], "no temporary file left behind");

  const src = decodeFrame(CLIP, FRAME);
  const ann = decodeFrame(out, FRAME);
  const boxes = await boxesAt(FRAME);
  assert.ok(boxes.length >= 3, `people tracked at frame ${FRAME}`);
  // the outline band just inside each box is painted in the track's colour
  const onOutline = (x: number, y: number) => boxes.some((b) => {
    const inBox = x >= b.x1 + 0.5 && x < b.x2 - 0.5 && y >= b.y1 + 0.5 && y < b.y2 - 0.5;
    const nearEdge = x < b.x1 + 2 || x >= b.x2 - 2 || y < b.y1 + 2 || y >= b.y2 - 2;
    return inBox && nearEdge;
  });
  const drawn = meanDiff(src, ann, onOutline);
  // far from any box, line, zone and the count in the corner: only codec noise
  const clear = (x: number, y: number) => y > 40 && y < 140 && !boxes.some((b) => x > b.x1 - 30 && x < b.x2 + 30 && y > b.y1 - 40 && y < b.y2 + 30);
  const untouched = meanDiff(src, ann, clear);
  console.log(`frame ${FRAME}: mean |diff| on box outlines ${drawn.toFixed(1)}, away from overlays ${untouched.toFixed(1)}`);
  assert.ok(drawn > 40, `box outlines drawn (mean diff ${drawn})`);
  assert.ok(untouched < 6, `rest of the frame kept (mean diff ${untouched})`);
  // the live count sits in the top-left corner
  assert.ok(meanDiff(src, ann, (x, y) => x < 100 && y < 20) > 20, "count drawn in the corner");
  // the zone is tinted
  assert.ok(meanDiff(src, ann, (x, y) => x > 40 && x < 60 && y > 440 && y < 460) > 5, "zone tinted");
});

test("blurPeople: detail inside every tracked box is gone (high-frequency energy drops strongly)", async () => {
  // overlays off: other people's box outlines cross these boxes and would be counted as detail
  const out = join(dir, "blurred.mp4");
  const r = await annotateVideo({ video: CLIP, runDir, out, blurPeople: true, overlays: false });
  assert.equal(r.frames, 71);
  for (const frame of [FRAME, 60]) {
    const src = decodeFrame(CLIP, frame);
    const blurred = decodeFrame(out, frame);
    const boxes = await boxesAt(frame);
    assert.ok(boxes.length >= 3);
    const ratios = boxes.map((b) => {
      const [x1, y1, x2, y2] = interior(b);
      return hfEnergy(blurred, x1, y1, x2, y2) / hfEnergy(src, x1, y1, x2, y2);
    });
    console.log(`frame ${frame}: high-frequency energy inside boxes after blur / before: ${ratios.map((r) => r.toFixed(3)).join(", ")}`);
    for (const ratio of ratios) assert.ok(ratio < 0.1, `energy ratio ${ratio}`);
    // and nothing else changed: background away from people only carries codec noise
    const clear = (x: number, y: number) => !boxes.some((b) => x > b.x1 - 40 && x < b.x2 + 40 && y > b.y1 - 40 && y < b.y2 + 40);
    assert.ok(meanDiff(src, blurred, clear) < 6);
  }
});

test("a video that is not the one the run analysed is refused with a one-line message", async () => {
  const other = join(dir, "small.mp4");
  execFileSync(videoBinaries().ffmpeg, ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=1", "-pix_fmt", "yuv420p", other]);
  await assert.rejects(annotateVideo({ video: other, runDir, out: join(dir, "x.mp4") }), (e: unknown) =>
    e instanceof UserError && e.message.includes(other) && /annotate the video the run was made from/.test(e.message));
  await assert.rejects(annotateVideo({ video: CLIP, runDir: join(dir, "no-run"), out: join(dir, "y.mp4") }), (e: unknown) =>
    e instanceof UserError && /no run\.json/.test(e.message));
  assert.ok(!existsSync(join(dir, "x.mp4")) && !existsSync(join(dir, "y.mp4")));
});
